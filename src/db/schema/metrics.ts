import { integer, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { day, money } from './common.js';

/**
 * The programme-metrics cube: one row per application cohort (month submitted, China time)
 * and county, category, sector, bank and insurer. Every measure is additive and is moved in
 * the same transaction as the event it counts, so metrics never scan the loans.
 * `newApplicants` counts borrowers whose first programme application falls in the cell: a
 * lower bound of the people behind the cell, which is the safe side for suppression.
 */
export const metricCells = pgTable(
  'metric_cells',
  {
    month: day('month').notNull(),
    county: text('county').notNull(),
    category: text('category').notNull(),
    sector: text('sector').notNull(),
    bankId: text('bank_id').notNull(),
    insurerId: text('insurer_id').notNull(),
    applications: integer('applications').notNull().default(0),
    newApplicants: integer('new_applicants').notNull().default(0),
    approvals: integer('approvals').notNull().default(0),
    declines: integer('declines').notNull().default(0),
    loans: integer('loans').notNull().default(0),
    borrowersReached: integer('borrowers_reached').notNull().default(0),
    disbursed: money('disbursed').notNull().default('0'),
    interestWeighted: money('interest_weighted').notNull().default('0'),
    premiumRateWeighted: money('premium_rate_weighted').notNull().default('0'),
    costWeighted: money('cost_weighted').notNull().default('0'),
    outstanding: money('outstanding').notNull().default('0'),
    defaults: integer('defaults').notNull().default(0),
    defaultedAmount: money('defaulted_amount').notNull().default('0'),
    claimsPaid: money('claims_paid').notNull().default('0'),
    compensationPaid: money('compensation_paid').notNull().default('0'),
    recoveries: money('recoveries').notNull().default('0'),
    recoveredInsurer: money('recovered_insurer').notNull().default('0'),
    premiums: money('premiums').notNull().default('0'),
    subsidy: money('subsidy').notNull().default('0'),
  },
  // no CHECK on the measures: an upsert's proposed row carries a delta, which may be negative
  (t) => [primaryKey({ columns: [t.month, t.county, t.category, t.sector, t.bankId, t.insurerId] })],
);
