import { bigint, index, integer, jsonb, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import { tstz } from './common.js';

/**
 * Domain events, written in the same transaction as the change they describe (a
 * transactional outbox). `deliveredAt` stays null until a consumer has taken the event.
 */
export const domainEvents = pgTable(
  'domain_events',
  {
    seq: bigint('seq', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    id: uuid('id').notNull().unique().defaultRandom(),
    type: text('type').notNull(),
    version: integer('version').notNull().default(1),
    occurredAt: tstz('occurred_at').notNull(),
    requestId: text('request_id'),
    aggregateType: text('aggregate_type'),
    aggregateId: text('aggregate_id'),
    borrowerId: uuid('borrower_id'),
    actorInstitutionId: text('actor_institution_id'),
    payload: jsonb('payload').notNull(),
    deliveredAt: tstz('delivered_at'),
  },
  (t) => [
    index('domain_events_undelivered_idx')
      .on(t.seq)
      .where(sql`delivered_at is null`),
    index('domain_events_borrower_idx').on(t.borrowerId),
  ],
);
