import { sql } from 'drizzle-orm';
import { bigint, check, index, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { day, money, tstz } from './common.js';
import { institutions } from './institutions.js';

/**
 * The programme's double-entry ledger. Amounts are signed (debit +, credit −); the entries of a
 * transaction sum to zero (a deferred constraint trigger checks it at commit); nothing is
 * updated or deleted (triggers refuse it): a mistake is undone by a reversing transaction.
 * `balance` is the running sum of an account's entries, kept in the same transaction, and a
 * fund or reserve can never go below zero (CHECK).
 *
 * A fund's `owed` is what it still owes (premium-subsidy fund: Σ policies' subsidy_amount −
 * subsidy_paid; risk-compensation fund: Σ claims' compensation_shortfall), kept by triggers on
 * those two tables in the same transaction as the change (migration 0012): read without a scan.
 */
export const ledgerAccounts = pgTable(
  'ledger_accounts',
  {
    id: text('id').primaryKey(),
    kind: text('kind').notNull(),
    institutionId: text('institution_id').references(() => institutions.id),
    name: text('name').notNull(),
    balance: money('balance').notNull().default('0'),
    /** What a fund still owes (subsidies not yet paid, compensation cut short); 0 on other accounts. */
    owed: money('owed').notNull().default('0'),
    createdAt: tstz('created_at').notNull(),
  },
  (t) => [
    check('ledger_accounts_kind_check', sql`${t.kind} in ('FUND', 'BUDGET', 'EXTERNAL', 'INSTITUTION', 'RESERVE')`),
    check('ledger_accounts_no_overdraft', sql`${t.kind} not in ('FUND', 'RESERVE') or ${t.balance} >= 0`),
    check('ledger_accounts_owed_check', sql`${t.owed} >= 0 and (${t.kind} = 'FUND' or ${t.owed} = 0)`),
  ],
);

export const ledgerTransactions = pgTable(
  'ledger_transactions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    kind: text('kind').notNull(),
    businessDate: day('business_date').notNull(),
    at: tstz('at').notNull(),
    loanId: uuid('loan_id'),
    policyId: uuid('policy_id'),
    claimId: uuid('claim_id'),
    /** For masking: government readers never see it. */
    borrowerId: uuid('borrower_id'),
    reverses: uuid('reverses'),
    memo: text('memo').notNull(),
    createdBy: text('created_by').notNull(),
    requestId: text('request_id'),
  },
  (t) => [
    index('ledger_transactions_at_idx').on(t.at),
    index('ledger_transactions_claim_idx').on(t.claimId),
    // the money paid into the funds (programmeMetrics): the few deposits, not every posting
    index('ledger_transactions_kind_idx').on(t.kind, t.businessDate),
    uniqueIndex('ledger_transactions_reversed_once').on(t.reverses),
    check(
      'ledger_transactions_kind_check',
      sql`${t.kind} in ('FUND_DEPOSIT', 'BORROWER_PREMIUM', 'PREMIUM_SUBSIDY', 'RISK_RESERVE', 'CLAIM_PAYMENT', 'RISK_COMPENSATION', 'RECOVERY', 'REVERSAL', 'PREMIUM_REFUND')`,
    ),
  ],
);

export const ledgerEntries = pgTable(
  'ledger_entries',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    transactionId: uuid('transaction_id')
      .notNull()
      .references(() => ledgerTransactions.id),
    accountId: text('account_id')
      .notNull()
      .references(() => ledgerAccounts.id),
    amount: money('amount').notNull(),
  },
  (t) => [
    index('ledger_entries_transaction_idx').on(t.transactionId),
    index('ledger_entries_account_idx').on(t.accountId),
    check('ledger_entries_nonzero', sql`${t.amount} <> 0`),
  ],
);
