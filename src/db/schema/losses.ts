import { sql } from 'drizzle-orm';
import { check, index, integer, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { day, money, rate, tstz } from './common.js';
import { borrowers } from './borrowers.js';
import { institutions } from './institutions.js';
import { loans, policies, programmeParameters } from './lending.js';

/** One claim per loan, whatever happens (UNIQUE on loan_id). */
export const claims = pgTable(
  'claims',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    loanId: uuid('loan_id')
      .notNull()
      .unique()
      .references(() => loans.id),
    policyId: uuid('policy_id')
      .notNull()
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
    status: text('status').notNull(),
    outstandingPrincipal: money('outstanding_principal').notNull(),
    insurerShare: rate('insurer_share').notNull(),
    insurerAmount: money('insurer_amount').notNull(),
    bankAmount: money('bank_amount').notNull(),
    parameterVersion: integer('parameter_version')
      .notNull()
      .references(() => programmeParameters.version),
    filedAt: tstz('filed_at').notNull(),
    filedBy: text('filed_by').notNull(),
    paidAt: tstz('paid_at'),
    paidBy: text('paid_by'),
    compensationOwed: money('compensation_owed'),
    compensationPaid: money('compensation_paid').notNull().default('0'),
    compensationShortfall: money('compensation_shortfall').notNull().default('0'),
    compensationApprovedAt: tstz('compensation_approved_at'),
    compensationApprovedBy: text('compensation_approved_by'),
    recoveredBank: money('recovered_bank').notNull().default('0'),
    recoveredInsurer: money('recovered_insurer').notNull().default('0'),
    recoveredFund: money('recovered_fund').notNull().default('0'),
    /** The bank wrote off what is left of its share (核销): the record of the loan closes. */
    bankWrittenOffAt: tstz('bank_written_off_at'),
    /** The insurer (and through it the fund) wrote off what is left of the paid claim: the record of the policy closes. */
    insurerWrittenOffAt: tstz('insurer_written_off_at'),
    updatedAt: tstz('updated_at').notNull(),
  },
  (t) => [
    index('claims_insurer_idx').on(t.insurerId, t.status),
    index('claims_bank_idx').on(t.bankId, t.status),
    check('claims_status_check', sql`${t.status} in ('FILED', 'PAID', 'COMPENSATED')`),
    check('claims_split_check', sql`${t.insurerAmount} + ${t.bankAmount} = ${t.outstandingPrincipal}`),
    check(
      'claims_compensation_check',
      sql`${t.compensationOwed} is null or (${t.compensationPaid} + ${t.compensationShortfall} = ${t.compensationOwed} and ${t.compensationPaid} >= 0 and ${t.compensationShortfall} >= 0)`,
    ),
    check(
      'claims_recovery_check',
      sql`${t.recoveredBank} <= ${t.bankAmount} and ${t.recoveredFund} <= ${t.compensationPaid} and ${t.recoveredInsurer} <= ${t.insurerAmount} - ${t.compensationPaid}`,
    ),
  ],
);

/** The court's confirmation that a loan is non-performing (司法机构确定不良贷款). */
export const courtConfirmations = pgTable('court_confirmations', {
  loanId: uuid('loan_id')
    .primaryKey()
    .references(() => loans.id),
  courtCaseRef: text('court_case_ref').notNull(),
  decidedOn: day('decided_on').notNull(),
  recordedBy: text('recorded_by').notNull(),
  recordedAt: tstz('recorded_at').notNull(),
});

export const recoveries = pgTable(
  'recoveries',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    claimId: uuid('claim_id')
      .notNull()
      .references(() => claims.id),
    loanId: uuid('loan_id')
      .notNull()
      .references(() => loans.id),
    recordedByInstitution: text('recorded_by_institution')
      .notNull()
      .references(() => institutions.id),
    amount: money('amount').notNull(),
    recoveredOn: day('recovered_on').notNull(),
    toBank: money('to_bank').notNull(),
    toInsurer: money('to_insurer').notNull(),
    toFund: money('to_fund').notNull(),
    recordedBy: text('recorded_by').notNull(),
    recordedAt: tstz('recorded_at').notNull(),
  },
  (t) => [
    index('recoveries_claim_idx').on(t.claimId),
    check('recoveries_split_check', sql`${t.toBank} + ${t.toInsurer} + ${t.toFund} = ${t.amount} and ${t.amount} > 0`),
  ],
);
