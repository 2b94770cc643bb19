import { sql } from 'drizzle-orm';
import { bigint, boolean, check, index, integer, jsonb, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { tstz } from './common.js';
import { borrowers } from './borrowers.js';
import { institutions } from './institutions.js';

/**
 * Where each consumer of the domain-event outbox has got to (the monitoring consumer, the
 * webhook fan-out): it processes events with seq > lastSeq in order, in batches, one replica at
 * a time (its row is locked FOR UPDATE SKIP LOCKED while a batch runs).
 */
export const eventConsumers = pgTable('event_consumers', {
  name: text('name').primaryKey(),
  lastSeq: bigint('last_seq', { mode: 'number' }).notNull().default(0),
  updatedAt: tstz('updated_at').notNull(),
});

/**
 * Post-loan / post-insurance monitoring (保后监控): a graded alert to an institution that watches
 * a borrower (an active POST_LOAN / POST_INSURANCE consent, or a live programme loan or policy
 * with them) about a change in the borrower's file made by someone else. `visibleFrom` is when
 * the change reached other readers (an adverse status waits out its prior notice).
 */
export const alerts = pgTable(
  'alerts',
  {
    seq: bigint('seq', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    id: uuid('id').notNull().unique().defaultRandom(),
    institutionId: text('institution_id')
      .notNull()
      .references(() => institutions.id),
    borrowerId: uuid('borrower_id')
      .notNull()
      .references(() => borrowers.id),
    /** The domain event that fired it. */
    eventId: uuid('event_id').notNull(),
    eventType: text('event_type').notNull(),
    /** The rule that fired (COURT_ENFORCEMENT, DPD_90_ELSEWHERE, NEW_DELINQUENCY, INQUIRY_BURST, NEW_BORROWING, RECORD_CORRECTED, …). */
    rule: text('rule').notNull(),
    severity: text('severity').notNull(),
    /** The legal basis the institution watched under: POST_LOAN_CONSENT, POST_INSURANCE_CONSENT, LIVE_LOAN, LIVE_POLICY, READ_RECORD. */
    basis: text('basis').notNull(),
    message: text('message').notNull(),
    /** No more personal data than the institution is entitled to: refs, statuses, amounts of the changed record. */
    detail: jsonb('detail').notNull(),
    parameterVersion: integer('parameter_version').notNull(),
    createdAt: tstz('created_at').notNull(),
    visibleFrom: tstz('visible_from').notNull(),
    acknowledgedAt: tstz('acknowledged_at'),
    acknowledgedBy: text('acknowledged_by'),
  },
  (t) => [
    uniqueIndex('alerts_once_per_rule').on(t.institutionId, t.eventId, t.rule),
    index('alerts_institution_idx').on(t.institutionId, t.seq),
    index('alerts_borrower_idx').on(t.borrowerId, t.institutionId),
    check('alerts_severity_check', sql`${t.severity} in ('RED', 'ORANGE', 'YELLOW')`),
  ],
);

/**
 * An institution's webhook endpoint (Standard Webhooks): events are POSTed with webhook-id,
 * webhook-timestamp and webhook-signature (v1, HMAC-SHA256 with the endpoint's secret). After a
 * rotation the previous secret also signs for a grace period.
 */
export const webhookEndpoints = pgTable(
  'webhook_endpoints',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    institutionId: text('institution_id')
      .notNull()
      .references(() => institutions.id),
    url: text('url').notNull(),
    /** The event types it receives (e.g. alert.raised). */
    eventTypes: jsonb('event_types').notNull(),
    /** whsec_<base64>; never shown again after registration or rotation. */
    secret: text('secret').notNull(),
    previousSecret: text('previous_secret'),
    previousSecretUntil: tstz('previous_secret_until'),
    createdAt: tstz('created_at').notNull(),
    disabledAt: tstz('disabled_at'),
  },
  (t) => [index('webhook_endpoints_institution_idx').on(t.institutionId)],
);

/**
 * One message to one endpoint, delivered at least once: PENDING until a 2xx, retried with
 * exponential backoff and jitter, DEAD after the last attempt (replayDeliveries re-queues).
 * `messageId` is the webhook-id, the same on every attempt and replay.
 */
export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    endpointId: uuid('endpoint_id')
      .notNull()
      .references(() => webhookEndpoints.id),
    messageId: text('message_id').notNull(),
    eventType: text('event_type').notNull(),
    payload: jsonb('payload').notNull(),
    status: text('status').notNull().default('PENDING'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: tstz('next_attempt_at').notNull(),
    lastError: text('last_error'),
    lastStatusCode: integer('last_status_code'),
    createdAt: tstz('created_at').notNull(),
    deliveredAt: tstz('delivered_at'),
  },
  (t) => [
    uniqueIndex('webhook_deliveries_once').on(t.endpointId, t.messageId),
    index('webhook_deliveries_due_idx')
      .on(t.nextAttemptAt)
      .where(sql`status = 'PENDING'`),
    check('webhook_deliveries_status_check', sql`${t.status} in ('PENDING', 'DELIVERED', 'DEAD')`),
  ],
);

/**
 * An open application re-quoted because a correction changed the data its review used: the old
 * and the new grade and price, side by side.
 */
export const applicationRequotes = pgTable(
  'application_requotes',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    applicationId: uuid('application_id').notNull(),
    reviewId: uuid('review_id').notNull(),
    causeEventId: uuid('cause_event_id').notNull(),
    oldGrade: text('old_grade').notNull(),
    newGrade: text('new_grade').notNull(),
    oldPrice: jsonb('old_price').notNull(),
    newPrice: jsonb('new_price').notNull(),
    oldEligible: boolean('old_eligible').notNull(),
    newEligible: boolean('new_eligible').notNull(),
    createdAt: tstz('created_at').notNull(),
  },
  (t) => [uniqueIndex('application_requotes_once').on(t.reviewId, t.causeEventId)],
);
