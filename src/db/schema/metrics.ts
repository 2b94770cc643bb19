import { sql } from 'drizzle-orm';
import { bigint, integer, pgTable, primaryKey, smallint, text } from 'drizzle-orm/pg-core';

/**
 * Programme metrics, kept up to date in the same transactions as the events they count.
 * One row per (scope, group, shard): scope is 'ALL' or a cohort year ('Y2026'); the group is
 * the whole programme or one or two dimension values (`county=蔚县|sector=planting`, months
 * being a dimension too), keyed exactly as src/modules/metrics/suppression.ts keys them. Each
 * event adds to its groups in one statement; a group is spread over a few shards (by
 * application) so no single row is a lock every transaction waits on. Money is in fen.
 * `newApplicants` counts borrowers whose first programme application is in the group: a
 * lower bound of the people behind it, the safe side for suppression.
 * `revision` counts the updates of a row; the sum over the programme total's shards
 * (scope 'ALL', key '') is the aggregates' version: every update moves it, so a reader caches
 * what it derives from the groups per version (metrics/service.ts).
 */
export const metricGroups = pgTable(
  'metric_groups',
  {
    scope: text('scope').notNull(),
    key: text('key').notNull(),
    shard: smallint('shard').notNull(),
    applications: integer('applications').notNull().default(0),
    newApplicants: integer('new_applicants').notNull().default(0),
    approvals: integer('approvals').notNull().default(0),
    declines: integer('declines').notNull().default(0),
    loans: integer('loans').notNull().default(0),
    borrowersReached: integer('borrowers_reached').notNull().default(0),
    disbursed: bigint('disbursed', { mode: 'bigint' })
      .notNull()
      .default(sql`0`),
    interestWeighted: bigint('interest_weighted', { mode: 'bigint' })
      .notNull()
      .default(sql`0`),
    premiumRateWeighted: bigint('premium_rate_weighted', { mode: 'bigint' })
      .notNull()
      .default(sql`0`),
    costWeighted: bigint('cost_weighted', { mode: 'bigint' })
      .notNull()
      .default(sql`0`),
    outstanding: bigint('outstanding', { mode: 'bigint' })
      .notNull()
      .default(sql`0`),
    defaults: integer('defaults').notNull().default(0),
    defaultedAmount: bigint('defaulted_amount', { mode: 'bigint' })
      .notNull()
      .default(sql`0`),
    claimsPaid: bigint('claims_paid', { mode: 'bigint' })
      .notNull()
      .default(sql`0`),
    compensationPaid: bigint('compensation_paid', { mode: 'bigint' })
      .notNull()
      .default(sql`0`),
    recoveries: bigint('recoveries', { mode: 'bigint' })
      .notNull()
      .default(sql`0`),
    recoveredInsurer: bigint('recovered_insurer', { mode: 'bigint' })
      .notNull()
      .default(sql`0`),
    premiums: bigint('premiums', { mode: 'bigint' })
      .notNull()
      .default(sql`0`),
    subsidy: bigint('subsidy', { mode: 'bigint' })
      .notNull()
      .default(sql`0`),
    revision: bigint('revision', { mode: 'number' }).notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.scope, t.key, t.shard] })],
);
