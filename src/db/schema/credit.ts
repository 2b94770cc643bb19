import { sql } from 'drizzle-orm';
import { check, index, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { day, inList, money, tstz } from './common.js';
import { ACCOUNT_KINDS, ACCOUNT_STATUSES, CONSENT_PURPOSES, DISPUTE_OUTCOMES } from '../../domain.js';
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
  },
  (t) => [
    index('consents_lookup_idx').on(t.borrowerId, t.institutionId, t.purpose),
    check('consents_purpose_check', sql.raw(`purpose in (${inList(CONSENT_PURPOSES)})`)),
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
    institutionId: text('institution_id')
      .notNull()
      .references(() => institutions.id),
    userId: text('user_id').notNull(),
    purpose: text('purpose').notNull(),
    consentId: uuid('consent_id')
      .notNull()
      .references(() => consents.id),
    inquiredAt: tstz('inquired_at').notNull(),
  },
  (t) => [index('inquiries_borrower_time_idx').on(t.borrowerId, t.inquiredAt)],
);

export const disputes = pgTable(
  'disputes',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    accountId: uuid('account_id')
      .notNull()
      .references(() => creditAccounts.id),
    borrowerId: uuid('borrower_id')
      .notNull()
      .references(() => borrowers.id),
    institutionId: text('institution_id')
      .notNull()
      .references(() => institutions.id),
    reason: text('reason').notNull(),
    status: text('status').notNull(),
    filedAt: tstz('filed_at').notNull(),
    dueAt: tstz('due_at').notNull(),
    outcome: text('outcome'),
    resolutionNote: text('resolution_note'),
    resolvedAt: tstz('resolved_at'),
    resolvedBy: text('resolved_by'),
  },
  (t) => [
    uniqueIndex('disputes_one_open_per_account')
      .on(t.accountId)
      .where(sql`status = 'OPEN'`),
    index('disputes_institution_idx').on(t.institutionId, t.status),
    index('disputes_borrower_idx').on(t.borrowerId),
    check('disputes_status_check', sql`${t.status} in ('OPEN', 'RESOLVED')`),
    check('disputes_outcome_check', sql.raw(`outcome is null or outcome in (${inList(DISPUTE_OUTCOMES)})`)),
  ],
);
