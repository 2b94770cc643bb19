import { sql } from 'drizzle-orm';
import { check, index, integer, jsonb, pgSequence, pgTable, primaryKey, text, uniqueIndex, uuid, boolean } from 'drizzle-orm/pg-core';
import { day, money, rate, tstz } from './common.js';
import { borrowers } from './borrowers.js';
import { institutions } from './institutions.js';

/** Versioned programme parameters: immutable once written; version 1 is the seed article's. */
export const programmeParameters = pgTable('programme_parameters', {
  version: integer('version').primaryKey().generatedByDefaultAsIdentity(),
  effectiveFrom: tstz('effective_from').notNull(),
  document: jsonb('document').notNull(),
  note: text('note').notNull(),
  createdAt: tstz('created_at').notNull(),
  createdBy: text('created_by').notNull(),
});

export const applications = pgTable(
  'applications',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    borrowerId: uuid('borrower_id')
      .notNull()
      .references(() => borrowers.id),
    bankId: text('bank_id')
      .notNull()
      .references(() => institutions.id),
    insurerId: text('insurer_id')
      .notNull()
      .references(() => institutions.id),
    amount: money('amount').notNull(),
    termYears: integer('term_years').notNull(),
    interestRate: rate('interest_rate').notNull(),
    repaymentMethod: text('repayment_method').notNull(),
    loanPurpose: text('loan_purpose').notNull(),
    status: text('status').notNull(),
    submittedByRole: text('submitted_by_role').notNull(),
    submittedBy: text('submitted_by').notNull(),
    submittedAt: tstz('submitted_at').notNull(),
    decidedAt: tstz('decided_at'),
    updatedAt: tstz('updated_at').notNull(),
  },
  (t) => [
    index('applications_borrower_idx').on(t.borrowerId),
    index('applications_bank_idx').on(t.bankId, t.status),
    index('applications_insurer_idx').on(t.insurerId, t.status),
    check('applications_status_check', sql`${t.status} in ('SUBMITTED', 'APPROVED', 'DECLINED', 'POLICY_ISSUED', 'DISBURSED')`),
    check('applications_amount_check', sql`${t.amount} > 0`),
  ],
);

/** Each institution's review, with the exact decision and price it saw and the parameter version behind them. */
export const applicationReviews = pgTable(
  'application_reviews',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    applicationId: uuid('application_id')
      .notNull()
      .references(() => applications.id),
    institutionId: text('institution_id')
      .notNull()
      .references(() => institutions.id),
    reviewerRole: text('reviewer_role').notNull(),
    decision: text('decision').notNull(),
    reasons: jsonb('reasons').notNull(),
    eligible: boolean('eligible').notNull(),
    eligibilityReasons: jsonb('eligibility_reasons').notNull(),
    price: jsonb('price').notNull(),
    score: integer('score').notNull(),
    grade: text('grade').notNull(),
    factors: jsonb('factors').notNull(),
    scorecardVersion: text('scorecard_version').notNull(),
    parameterVersion: integer('parameter_version')
      .notNull()
      .references(() => programmeParameters.version),
    reviewedBy: text('reviewed_by').notNull(),
    reviewedAt: tstz('reviewed_at').notNull(),
    /** Rule reasons a human reviewer set aside, each with its justification: [{code, justification, restsOn}]. */
    overrides: jsonb('overrides').notNull().default([]),
    /** The human review whose outcome this review is (PIPL Art 24), if any. */
    humanReviewId: uuid('human_review_id'),
    /** Set when a later review (a human review's) replaced this one; the row stays as the record of the first decision. */
    supersededAt: tstz('superseded_at'),
  },
  (t) => [
    uniqueIndex('application_reviews_one_per_role')
      .on(t.applicationId, t.reviewerRole)
      .where(sql`superseded_at is null`),
    check('application_reviews_decision_check', sql`${t.decision} in ('APPROVE', 'DECLINE')`),
  ],
);

export const policyNumbers = pgSequence('policy_number_seq');
export const loanNumbers = pgSequence('loan_number_seq');

export const policies = pgTable(
  'policies',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    policyNumber: text('policy_number')
      .notNull()
      .unique()
      .default(sql`'PL-' || lpad(nextval('policy_number_seq')::text, 8, '0')`),
    applicationId: uuid('application_id')
      .notNull()
      .unique()
      .references(() => applications.id),
    insurerId: text('insurer_id')
      .notNull()
      .references(() => institutions.id),
    bankId: text('bank_id')
      .notNull()
      .references(() => institutions.id),
    borrowerId: uuid('borrower_id')
      .notNull()
      .references(() => borrowers.id),
    insuredAmount: money('insured_amount').notNull(),
    termYears: integer('term_years').notNull(),
    premiumRate: rate('premium_rate').notNull(),
    /** Charged so far, net of refunds (the policy years charged: policy_premiums); the split below likewise. */
    premiumAmount: money('premium_amount').notNull(),
    borrowerPremium: money('borrower_premium').notNull(),
    subsidyAmount: money('subsidy_amount').notNull(),
    /** ANNUAL: each policy year charged at its start; SINGLE: all years at issue (the parameter version's choice). */
    premiumPayment: text('premium_payment').notNull().default('ANNUAL'),
    /** The borrower's annualised all-in cost (IRR) of the loan as priced, then as disbursed, then as extended. */
    annualisedCost: rate('annualised_cost'),
    /** Paid so far by the premium-subsidy fund; the rest waits for the fund's next deposit. */
    subsidyPaid: money('subsidy_paid').notNull().default('0'),
    grade: text('grade').notNull(),
    parameterVersion: integer('parameter_version')
      .notNull()
      .references(() => programmeParameters.version),
    status: text('status').notNull(),
    issuedAt: tstz('issued_at').notNull(),
    pledgedAt: tstz('pledged_at'),
    startsOn: day('starts_on'),
    endsOn: day('ends_on'),
    closedAt: tstz('closed_at'),
    updatedAt: tstz('updated_at').notNull(),
  },
  (t) => [
    index('policies_insurer_idx').on(t.insurerId, t.status),
    check('policies_status_check', sql`${t.status} in ('ISSUED', 'PLEDGED', 'ACTIVE', 'CLOSED', 'CLAIMED')`),
    check('policies_premium_split_check', sql`${t.borrowerPremium} + ${t.subsidyAmount} = ${t.premiumAmount}`),
    check('policies_subsidy_paid_check', sql`${t.subsidyPaid} between 0 and ${t.subsidyAmount}`),
    check('policies_premium_payment_check', sql`${t.premiumPayment} in ('ANNUAL', 'SINGLE')`),
  ],
);

/**
 * A policy's premium by policy year (建议一): the insured balance at the start of the year and the
 * premium on it. SCHEDULED until charged (at issue for year 1, or every year under SINGLE; at the
 * year's start otherwise), CANCELLED when the loan ends before the year starts. A refund (early
 * settlement) returns the unearned part of a charged year, split like the premium.
 */
export const policyPremiums = pgTable(
  'policy_premiums',
  {
    policyId: uuid('policy_id')
      .notNull()
      .references(() => policies.id),
    year: integer('year').notNull(),
    startsOn: day('starts_on').notNull(),
    months: integer('months').notNull(),
    insuredBalance: money('insured_balance').notNull(),
    premium: money('premium').notNull(),
    subsidy: money('subsidy').notNull(),
    borrowerPremium: money('borrower_premium').notNull(),
    status: text('status').notNull(),
    chargedAt: tstz('charged_at'),
    refund: money('refund').notNull().default('0'),
    subsidyRefund: money('subsidy_refund').notNull().default('0'),
    borrowerRefund: money('borrower_refund').notNull().default('0'),
    refundedAt: tstz('refunded_at'),
  },
  (t) => [
    primaryKey({ columns: [t.policyId, t.year] }),
    check('policy_premiums_status_check', sql`${t.status} in ('SCHEDULED', 'CHARGED', 'CANCELLED')`),
    check(
      'policy_premiums_split_check',
      sql`${t.subsidy} + ${t.borrowerPremium} = ${t.premium} and ${t.subsidy} >= 0 and ${t.borrowerPremium} >= 0`,
    ),
    check(
      'policy_premiums_refund_check',
      sql`${t.subsidyRefund} + ${t.borrowerRefund} = ${t.refund} and ${t.refund} between 0 and ${t.premium} and ${t.subsidyRefund} between 0 and ${t.subsidy}`,
    ),
    check('policy_premiums_months_check', sql`${t.months} between 1 and 12`),
  ],
);

export const loans = pgTable(
  'loans',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    loanNumber: text('loan_number')
      .notNull()
      .unique()
      .default(sql`'LN-' || lpad(nextval('loan_number_seq')::text, 8, '0')`),
    applicationId: uuid('application_id')
      .notNull()
      .unique()
      .references(() => applications.id),
    policyId: uuid('policy_id')
      .notNull()
      .unique()
      .references(() => policies.id),
    bankId: text('bank_id')
      .notNull()
      .references(() => institutions.id),
    insurerId: text('insurer_id')
      .notNull()
      .references(() => institutions.id),
    borrowerId: uuid('borrower_id')
      .notNull()
      .references(() => borrowers.id),
    principal: money('principal').notNull(),
    interestRate: rate('interest_rate').notNull(),
    termYears: integer('term_years').notNull(),
    repaymentMethod: text('repayment_method').notNull(),
    disbursedOn: day('disbursed_on').notNull(),
    maturityOn: day('maturity_on').notNull(),
    outstandingPrincipal: money('outstanding_principal').notNull(),
    daysPastDue: integer('days_past_due').notNull().default(0),
    delinquency: text('delinquency').notNull().default('CURRENT'),
    status: text('status').notNull(),
    parameterVersion: integer('parameter_version')
      .notNull()
      .references(() => programmeParameters.version),
    /** Set when the loan crossed the default threshold; it stays set whatever follows. */
    defaultedOn: day('defaulted_on'),
    closedOn: day('closed_on'),
    /** The interest day-count convention of the loan's parameter version, fixed at disbursement. */
    dayCount: text('day_count').notNull().default('PBOC_30_360'),
    /** Set when the borrower settled the loan before maturity (settleLoan). */
    settledEarlyOn: day('settled_early_on'),
    /** The maturity before an extension (展期); null if never extended. */
    originalMaturityOn: day('original_maturity_on'),
    updatedAt: tstz('updated_at').notNull(),
  },
  (t) => [
    index('loans_borrower_idx').on(t.borrowerId),
    index('loans_bank_idx').on(t.bankId, t.status),
    check('loans_status_check', sql`${t.status} in ('ACTIVE', 'REPAID', 'DEFAULTED', 'CLAIMED', 'CLOSED')`),
    check('loans_outstanding_check', sql`${t.outstandingPrincipal} >= 0 and ${t.outstandingPrincipal} <= ${t.principal}`),
    check('loans_day_count_check', sql`${t.dayCount} in ('PBOC_30_360', 'ACT_360', 'ACT_365')`),
  ],
);

/** An early settlement (提前结清): what the borrower paid, how it was made up, and the premium refunded. */
export const loanSettlements = pgTable('loan_settlements', {
  loanId: uuid('loan_id')
    .primaryKey()
    .references(() => loans.id),
  settledOn: day('settled_on').notNull(),
  principal: money('principal').notNull(),
  accruedInterest: money('accrued_interest').notNull(),
  overdueInterest: money('overdue_interest').notNull(),
  total: money('total').notNull(),
  /** Scheduled interest the borrower no longer owes. */
  interestForgone: money('interest_forgone').notNull(),
  premiumRefund: money('premium_refund').notNull(),
  borrowerRefund: money('borrower_refund').notNull(),
  subsidyRefund: money('subsidy_refund').notNull(),
  recordedBy: text('recorded_by').notNull(),
  recordedAt: tstz('recorded_at').notNull(),
});

/**
 * An extension (展期), at most one per loan: the bank proposes, the insurer agrees and endorses
 * the policy for the new maturity and premium.
 */
export const loanExtensions = pgTable(
  'loan_extensions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    loanId: uuid('loan_id')
      .notNull()
      .references(() => loans.id),
    extraMonths: integer('extra_months').notNull(),
    interestRate: rate('interest_rate').notNull(),
    /** The first instalment the new schedule replaces. */
    fromSeq: integer('from_seq').notNull(),
    oldMaturityOn: day('old_maturity_on').notNull(),
    newMaturityOn: day('new_maturity_on').notNull(),
    status: text('status').notNull(),
    reason: text('reason').notNull(),
    proposedBy: text('proposed_by').notNull(),
    proposedAt: tstz('proposed_at').notNull(),
    decidedBy: text('decided_by'),
    decidedAt: tstz('decided_at'),
    declineReason: text('decline_reason'),
    /** The endorsement: the premium years before and after, and the annualised cost. */
    endorsement: jsonb('endorsement'),
  },
  (t) => [
    uniqueIndex('loan_extensions_one_agreed')
      .on(t.loanId)
      .where(sql`status = 'AGREED'`),
    uniqueIndex('loan_extensions_one_open')
      .on(t.loanId)
      .where(sql`status = 'PROPOSED'`),
    check('loan_extensions_status_check', sql`${t.status} in ('PROPOSED', 'AGREED', 'DECLINED')`),
    check('loan_extensions_months_check', sql`${t.extraMonths} between 1 and 36`),
  ],
);

export const loanInstalments = pgTable(
  'loan_instalments',
  {
    loanId: uuid('loan_id')
      .notNull()
      .references(() => loans.id),
    seq: integer('seq').notNull(),
    dueOn: day('due_on').notNull(),
    principalDue: money('principal_due').notNull(),
    interestDue: money('interest_due').notNull(),
    principalPaid: money('principal_paid').notNull().default('0'),
    interestPaid: money('interest_paid').notNull().default('0'),
  },
  (t) => [
    primaryKey({ columns: [t.loanId, t.seq] }),
    check(
      'loan_instalments_paid_check',
      sql`${t.principalPaid} between 0 and ${t.principalDue} and ${t.interestPaid} between 0 and ${t.interestDue}`,
    ),
  ],
);

export const repayments = pgTable(
  'repayments',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    loanId: uuid('loan_id')
      .notNull()
      .references(() => loans.id),
    amount: money('amount').notNull(),
    paidOn: day('paid_on').notNull(),
    allocation: jsonb('allocation').notNull(),
    recordedBy: text('recorded_by').notNull(),
    recordedAt: tstz('recorded_at').notNull(),
  },
  (t) => [index('repayments_loan_idx').on(t.loanId), check('repayments_amount_check', sql`${t.amount} > 0`)],
);

/** A mutation's key and its first result: replays return it, a different request under the same key is refused. */
export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    scope: text('scope').notNull(),
    key: text('key').notNull(),
    operation: text('operation').notNull(),
    requestHash: text('request_hash').notNull(),
    response: jsonb('response'),
    createdAt: tstz('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.scope, t.key] })],
);

/**
 * A borrower's request that a person, not the rules alone, reconsider an institution's decline
 * (PIPL Art 24), with the borrower's statement and the reviewer's answer.
 */
export const humanReviews = pgTable(
  'human_reviews',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    applicationId: uuid('application_id')
      .notNull()
      .references(() => applications.id),
    borrowerId: uuid('borrower_id')
      .notNull()
      .references(() => borrowers.id),
    /** The institution whose decline is reconsidered. */
    institutionId: text('institution_id')
      .notNull()
      .references(() => institutions.id),
    /** The review being reconsidered. */
    reviewId: uuid('review_id')
      .notNull()
      .references(() => applicationReviews.id),
    statement: text('statement').notNull(),
    status: text('status').notNull(),
    requestedAt: tstz('requested_at').notNull(),
    justification: text('justification'),
    overrides: jsonb('overrides').notNull().default([]),
    resolvedBy: text('resolved_by'),
    resolvedAt: tstz('resolved_at'),
  },
  (t) => [
    uniqueIndex('human_reviews_one_per_review').on(t.reviewId),
    index('human_reviews_institution_idx').on(t.institutionId, t.status),
    check('human_reviews_status_check', sql`${t.status} in ('OPEN', 'UPHELD', 'OVERTURNED')`),
    check('human_reviews_statement_check', sql`char_length(${t.statement}) between 1 and 500`),
  ],
);
