import { sql } from 'drizzle-orm';
import { check, index, integer, jsonb, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { day, inList, money, tstz } from './common.js';
import {
  ACCOUNT_KINDS,
  ACCOUNT_STATUSES,
  CONSENT_PURPOSES,
  CORRECTION_SOURCES,
  DISPUTE_OUTCOMES,
  DISPUTE_SUBJECTS,
  INQUIRY_PURPOSES,
  NOTICE_KINDS,
  PUBLIC_RECORD_KINDS,
  PUBLIC_RECORD_STATUSES,
  RECORD_SOURCES,
} from '../../domain.js';
import { borrowers } from './borrowers.js';
import { institutions } from './institutions.js';

/**
 * One furnished account. The 24-month status history is kept the way credit bureaus keep it
 * (Metro 2 "payment history profile"): one code per month, most recent first, starting at
 * `status_month`.
 */
export const creditAccounts = pgTable(
  'credit_accounts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    institutionId: text('institution_id')
      .notNull()
      .references(() => institutions.id),
    borrowerId: uuid('borrower_id')
      .notNull()
      .references(() => borrowers.id),
    accountRef: text('account_ref').notNull(),
    kind: text('kind').notNull(),
    originalAmount: money('original_amount').notNull(),
    balance: money('balance').notNull(),
    openedOn: day('opened_on').notNull(),
    closedOn: day('closed_on'),
    status: text('status').notNull(),
    statusMonth: day('status_month').notNull(),
    paymentHistory: text('payment_history').notNull(),
    /** PROGRAMME: kept by the lifecycle (never furnished by hand); FURNISHED: under the borrower's FURNISHING consent. */
    source: text('source').notNull().default('FURNISHED'),
    /** The FURNISHING consent under which the account was first reported (FURNISHED accounts). */
    furnishingConsentId: uuid('furnishing_consent_id'),
    /**
     * While an account's first adverse status waits out its prior notice (条例 Art 15), what readers
     * see instead: the record as it was before ({status, balance, closedOn, statusMonth,
     * paymentHistory}); `heldUntil` is when the adverse status takes effect.
     */
    held: jsonb('held'),
    heldUntil: tstz('held_until'),
    deletedAt: tstz('deleted_at'),
    createdAt: tstz('created_at').notNull(),
    updatedAt: tstz('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('credit_accounts_institution_ref_key').on(t.institutionId, t.accountRef),
    index('credit_accounts_borrower_idx').on(t.borrowerId),
    check('credit_accounts_kind_check', sql.raw(`kind in (${inList(ACCOUNT_KINDS)})`)),
    check('credit_accounts_status_check', sql.raw(`status in (${inList(ACCOUNT_STATUSES)})`)),
    check('credit_accounts_amounts_check', sql`${t.originalAmount} >= 0 and ${t.balance} >= 0`),
    check('credit_accounts_history_check', sql`length(${t.paymentHistory}) between 1 and 24`),
    check('credit_accounts_source_check', sql.raw(`source in (${inList(RECORD_SOURCES)})`)),
    check('credit_accounts_held_check', sql`(${t.held} is null) = (${t.heldUntil} is null)`),
  ],
);

/**
 * Special transactions on an account (征信报告 "特殊交易"): an early settlement (提前结清) or an
 * extension (展期), reported by the account's institution with the month's status, so no reader
 * mistakes an extended loan for a clean on-time one. Append-only.
 */
export const creditSpecialTransactions = pgTable(
  'credit_special_transactions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    accountId: uuid('account_id')
      .notNull()
      .references(() => creditAccounts.id),
    kind: text('kind').notNull(),
    occurredOn: day('occurred_on').notNull(),
    /** EARLY_SETTLEMENT: the amount paid to settle; EXTENSION: the balance extended. */
    amount: money('amount').notNull(),
    /** EXTENSION: the months added. */
    months: integer('months'),
    /** EXTENSION: the new maturity. */
    newMaturityOn: day('new_maturity_on'),
    detail: text('detail').notNull(),
    createdAt: tstz('created_at').notNull(),
  },
  (t) => [
    index('credit_special_transactions_account_idx').on(t.accountId),
    check('credit_special_transactions_kind_check', sql`${t.kind} in ('EARLY_SETTLEMENT', 'EXTENSION')`),
    check('credit_special_transactions_extension_check', sql`(${t.kind} = 'EXTENSION') = (${t.months} is not null)`),
  ],
);

export const consents = pgTable(
  'consents',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    borrowerId: uuid('borrower_id')
      .notNull()
      .references(() => borrowers.id),
    institutionId: text('institution_id')
      .notNull()
      .references(() => institutions.id),
    purpose: text('purpose').notNull(),
    grantedAt: tstz('granted_at').notNull(),
    expiresAt: tstz('expires_at').notNull(),
    revokedAt: tstz('revoked_at'),
    /** FURNISHING only: the account kinds the institution may report (a JSON array). */
    scope: jsonb('scope'),
  },
  (t) => [
    index('consents_lookup_idx').on(t.borrowerId, t.institutionId, t.purpose),
    check('consents_purpose_check', sql.raw(`purpose in (${inList(CONSENT_PURPOSES)})`)),
    check('consents_scope_check', sql`(${t.purpose} = 'FURNISHING') = (${t.scope} is not null)`),
    check('consents_window_check', sql`${t.expiresAt} > ${t.grantedAt}`),
  ],
);

export const inquiries = pgTable(
  'inquiries',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    borrowerId: uuid('borrower_id')
      .notNull()
      .references(() => borrowers.id),
    /** Null for the borrower's own access (SELF_ACCESS). */
    institutionId: text('institution_id').references(() => institutions.id),
    userId: text('user_id').notNull(),
    purpose: text('purpose').notNull(),
    consentId: uuid('consent_id').references(() => consents.id),
    inquiredAt: tstz('inquired_at').notNull(),
    /** Set when a dispute found the inquiry unauthorised: it no longer shows or counts. */
    deletedAt: tstz('deleted_at'),
  },
  (t) => [
    index('inquiries_borrower_time_idx').on(t.borrowerId, t.inquiredAt),
    check('inquiries_purpose_check', sql.raw(`purpose in (${inList(INQUIRY_PURPOSES)})`)),
    check(
      'inquiries_self_check',
      sql`(${t.purpose} = 'SELF_ACCESS') = (${t.institutionId} is null) and (${t.purpose} = 'SELF_ACCESS') = (${t.consentId} is null)`,
    ),
  ],
);

export const disputes = pgTable(
  'disputes',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** RECORD, INQUIRY, IDENTITY or PUBLIC_RECORD: which of the next three columns is set (none for IDENTITY). */
    subject: text('subject').notNull().default('RECORD'),
    accountId: uuid('account_id').references(() => creditAccounts.id),
    inquiryId: uuid('inquiry_id').references(() => inquiries.id),
    publicRecordId: uuid('public_record_id').references(() => publicRecords.id),
    borrowerId: uuid('borrower_id')
      .notNull()
      .references(() => borrowers.id),
    /** Who answers: the furnisher, the inquiring institution, the authority; null for IDENTITY (the platform's ADMIN answers). */
    institutionId: text('institution_id').references(() => institutions.id),
    reason: text('reason').notNull(),
    status: text('status').notNull(),
    filedAt: tstz('filed_at').notNull(),
    dueAt: tstz('due_at').notNull(),
    outcome: text('outcome'),
    resolutionNote: text('resolution_note'),
    resolvedAt: tstz('resolved_at'),
    resolvedBy: text('resolved_by'),
    /** What the outcome changed (CORRECTED): months, balance, identity fields, before and after. */
    correction: jsonb('correction'),
  },
  (t) => [
    uniqueIndex('disputes_one_open_per_account')
      .on(t.accountId)
      .where(sql`status = 'OPEN'`),
    uniqueIndex('disputes_one_open_per_inquiry')
      .on(t.inquiryId)
      .where(sql`status = 'OPEN'`),
    uniqueIndex('disputes_one_open_per_public_record')
      .on(t.publicRecordId)
      .where(sql`status = 'OPEN'`),
    uniqueIndex('disputes_one_open_identity')
      .on(t.borrowerId)
      .where(sql`status = 'OPEN' and subject = 'IDENTITY'`),
    check('disputes_subject_check', sql.raw(`subject in (${inList(DISPUTE_SUBJECTS)})`)),
    check(
      'disputes_subject_target_check',
      sql`(${t.subject} = 'RECORD') = (${t.accountId} is not null) and (${t.subject} = 'INQUIRY') = (${t.inquiryId} is not null)
        and (${t.subject} = 'PUBLIC_RECORD') = (${t.publicRecordId} is not null) and (${t.subject} = 'IDENTITY') = (${t.institutionId} is null)`,
    ),
    index('disputes_institution_idx').on(t.institutionId, t.status),
    index('disputes_borrower_idx').on(t.borrowerId),
    check('disputes_status_check', sql`${t.status} in ('OPEN', 'RESOLVED')`),
    check('disputes_outcome_check', sql.raw(`outcome is null or outcome in (${inList(DISPUTE_OUTCOMES)})`)),
  ],
);

/**
 * A public record (公共信息) from the authority that decided it. Matched to a borrower by the
 * keyed hash of the national id, so a record may arrive before the borrower is on file.
 */
export const publicRecords = pgTable(
  'public_records',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    nationalIdHash: text('national_id_hash').notNull(),
    /** The name the authority recorded (shown with the record; the match is by id hash). */
    subjectName: text('subject_name').notNull(),
    authorityId: text('authority_id')
      .notNull()
      .references(() => institutions.id),
    kind: text('kind').notNull(),
    /** Case or document number (案号 / 文书号). */
    caseNumber: text('case_number').notNull(),
    title: text('title').notNull(),
    amount: money('amount'),
    /** TAX_CREDIT_GRADE: A, B, M, C or D. */
    grade: text('grade'),
    decidedOn: day('decided_on').notNull(),
    /** When the record took effect (listed on, penalty effective, arrears due). */
    effectiveOn: day('effective_on').notNull(),
    /** When the behaviour ended (executed, paid) or the record was revoked: the retention clock starts. */
    endedOn: day('ended_on'),
    status: text('status').notNull(),
    furnishedBy: text('furnished_by').notNull(),
    createdAt: tstz('created_at').notNull(),
    updatedAt: tstz('updated_at').notNull(),
    /** A dispute's DELETED outcome; the row stays for the audit trail. */
    deletedAt: tstz('deleted_at'),
  },
  (t) => [
    uniqueIndex('public_records_case_key').on(t.authorityId, t.kind, t.caseNumber),
    index('public_records_subject_idx').on(t.nationalIdHash),
    check('public_records_kind_check', sql.raw(`kind in (${inList(PUBLIC_RECORD_KINDS)})`)),
    check('public_records_status_check', sql.raw(`status in (${inList(PUBLIC_RECORD_STATUSES)})`)),
    check('public_records_ended_check', sql`(${t.status} = 'ACTIVE') = (${t.endedOn} is null)`),
    check('public_records_amount_check', sql`${t.amount} is null or ${t.amount} >= 0`),
    check(
      'public_records_grade_check',
      sql`(${t.kind} = 'TAX_CREDIT_GRADE') = (${t.grade} is not null) and (${t.grade} is null or ${t.grade} in ('A', 'B', 'M', 'C', 'D'))`,
    ),
  ],
);

/** A past month of a record's history that was changed, and by whom: every reader sees the mark. */
export const correctionMarks = pgTable(
  'correction_marks',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    accountId: uuid('account_id')
      .notNull()
      .references(() => creditAccounts.id),
    /** First day of the corrected month. */
    month: day('month').notNull(),
    fromStatus: text('from_status'),
    toStatus: text('to_status'),
    source: text('source').notNull(),
    disputeId: uuid('dispute_id').references(() => disputes.id),
    institutionId: text('institution_id').references(() => institutions.id),
    reason: text('reason').notNull(),
    correctedBy: text('corrected_by').notNull(),
    correctedAt: tstz('corrected_at').notNull(),
  },
  (t) => [
    index('correction_marks_account_idx').on(t.accountId, t.month),
    check('correction_marks_source_check', sql.raw(`source in (${inList(CORRECTION_SOURCES)})`)),
    check('correction_marks_dispute_check', sql`(${t.source} = 'DISPUTE') = (${t.disputeId} is not null)`),
    check(
      'correction_marks_status_check',
      sql.raw(
        `(from_status is null or from_status in (${inList(ACCOUNT_STATUSES)})) and (to_status is null or to_status in (${inList(ACCOUNT_STATUSES)}))`,
      ),
    ),
  ],
);

/** 本人声明: the borrower's own words, attached to a record, a public record or the whole file; every reader sees them. */
export const personalStatements = pgTable(
  'personal_statements',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    borrowerId: uuid('borrower_id')
      .notNull()
      .references(() => borrowers.id),
    accountId: uuid('account_id').references(() => creditAccounts.id),
    publicRecordId: uuid('public_record_id').references(() => publicRecords.id),
    body: text('body').notNull(),
    createdAt: tstz('created_at').notNull(),
    withdrawnAt: tstz('withdrawn_at'),
  },
  (t) => [
    index('personal_statements_borrower_idx').on(t.borrowerId),
    check('personal_statements_length_check', sql`char_length(${t.body}) between 1 and 500`),
    check('personal_statements_target_check', sql`${t.accountId} is null or ${t.publicRecordId} is null`),
  ],
);

/** Notices to a borrower: prior notice of adverse information (条例 Art 15), dispute and review outcomes. */
export const notices = pgTable(
  'notices',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    borrowerId: uuid('borrower_id')
      .notNull()
      .references(() => borrowers.id),
    kind: text('kind').notNull(),
    accountId: uuid('account_id').references(() => creditAccounts.id),
    institutionId: text('institution_id').references(() => institutions.id),
    /** The adverse status and balance about to be reported (ADVERSE_INFORMATION). */
    status: text('status'),
    balance: money('balance'),
    message: text('message').notNull(),
    notifiedAt: tstz('notified_at').notNull(),
    /** When what the notice announces takes effect. */
    effectiveAt: tstz('effective_at').notNull(),
  },
  (t) => [
    index('notices_borrower_idx').on(t.borrowerId, t.notifiedAt),
    uniqueIndex('notices_one_adverse_per_account')
      .on(t.accountId)
      .where(sql`kind = 'ADVERSE_INFORMATION'`),
    check('notices_kind_check', sql.raw(`kind in (${inList(NOTICE_KINDS)})`)),
  ],
);
