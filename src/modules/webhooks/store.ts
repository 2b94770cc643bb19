import { and, desc, eq, gte, inArray, sql } from 'drizzle-orm';
import { rows, type Executor } from '../../db/client.js';
import { webhookDeliveries, webhookEndpoints } from '../../db/schema/index.js';

export type EndpointRow = typeof webhookEndpoints.$inferSelect;
export type DeliveryRow = typeof webhookDeliveries.$inferSelect;

export async function insertEndpoint(tx: Executor, values: typeof webhookEndpoints.$inferInsert): Promise<EndpointRow> {
  const [e] = await tx.insert(webhookEndpoints).values(values).returning();
  return e;
}

export async function lockEndpoint(tx: Executor, id: string): Promise<EndpointRow | undefined> {
  const [e] = await tx.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, id)).for('update');
  return e;
}

export async function updateEndpoint(tx: Executor, id: string, set: Partial<typeof webhookEndpoints.$inferInsert>): Promise<EndpointRow> {
  const [e] = await tx.update(webhookEndpoints).set(set).where(eq(webhookEndpoints.id, id)).returning();
  return e;
}

export function endpointsOf(db: Executor, institutionId: string) {
  return db
    .select()
    .from(webhookEndpoints)
    .where(eq(webhookEndpoints.institutionId, institutionId))
    .orderBy(webhookEndpoints.createdAt, webhookEndpoints.id);
}

export function deliveriesOf(db: Executor, institutionId: string, status: string | null, first: number) {
  const mine = db.select({ id: webhookEndpoints.id }).from(webhookEndpoints).where(eq(webhookEndpoints.institutionId, institutionId));
  return db
    .select()
    .from(webhookDeliveries)
    .where(and(inArray(webhookDeliveries.endpointId, mine), status ? eq(webhookDeliveries.status, status) : undefined))
    .orderBy(desc(webhookDeliveries.createdAt), desc(webhookDeliveries.id))
    .limit(first);
}

/** Queue again the institution's DEAD and PENDING deliveries created since `since`: a fresh set of attempts, due now. */
export async function requeue(tx: Executor, institutionId: string, since: Date, now: Date): Promise<number> {
  const mine = tx.select({ id: webhookEndpoints.id }).from(webhookEndpoints).where(eq(webhookEndpoints.institutionId, institutionId));
  const r = await tx
    .update(webhookDeliveries)
    .set({ status: 'PENDING', attempts: 0, nextAttemptAt: now, lastError: null })
    .where(
      and(
        inArray(webhookDeliveries.endpointId, mine),
        inArray(webhookDeliveries.status, ['DEAD', 'PENDING']),
        gte(webhookDeliveries.createdAt, since),
      ),
    )
    .returning({ id: webhookDeliveries.id });
  return r.length;
}

const CONSUMER = 'webhooks';

/**
 * The fan-out consumer, one batch: lock its cursor row (SKIP LOCKED: another replica running a
 * batch means this one does nothing), then queue one delivery per (alert, subscribed endpoint of
 * the alert's institution) for the next alerts by seq, set-wise, due when the alert becomes
 * visible; the unique (endpoint, message id) makes a repeated batch harmless. Returns how many
 * alerts it took and how many deliveries it queued (null: another replica holds the cursor).
 */
export async function fanOutBatch(tx: Executor, now: Date, limit: number): Promise<{ alerts: number; queued: number } | null> {
  const at = now.toISOString();
  await tx.execute(
    sql`insert into event_consumers (name, last_seq, updated_at) values (${CONSUMER}, 0, ${at}) on conflict (name) do nothing`,
  );
  const [cursor] = await rows<{ last_seq: string | number }>(
    tx,
    sql`select last_seq from event_consumers where name = ${CONSUMER} for update skip locked`,
  );
  if (!cursor) return null;
  const last = Number(cursor.last_seq);
  const [range] = await rows<{ upto: string | number | null; n: string | number }>(
    tx,
    sql`select max(seq) as upto, count(*) as n from (select seq from alerts where seq > ${last} order by seq limit ${limit}) s`,
  );
  if (range.upto === null) return { alerts: 0, queued: 0 };
  const upto = Number(range.upto);
  const iso = (col: string) => sql.raw(`to_char(${col} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`);
  const queued = await rows<{ id: string }>(
    tx,
    sql`insert into webhook_deliveries (endpoint_id, message_id, event_type, payload, next_attempt_at, created_at)
      select e.id, a.id::text, 'alert.raised',
        jsonb_build_object(
          'type', 'alert.raised',
          'timestamp', ${iso('a.visible_from')},
          'data', jsonb_build_object(
            'id', a.id, 'borrowerId', a.borrower_id, 'severity', a.severity, 'rule', a.rule, 'basis', a.basis,
            'eventId', a.event_id, 'eventType', a.event_type, 'message', a.message, 'detail', a.detail,
            'raisedAt', ${iso('a.visible_from')}, 'acknowledgedAt', null, 'parameterVersion', a.parameter_version)),
        a.visible_from, ${at}
      from alerts a
      join webhook_endpoints e on e.institution_id = a.institution_id
        and e.disabled_at is null and e.event_types @> '["alert.raised"]'::jsonb
      where a.seq > ${last} and a.seq <= ${upto}
      on conflict (endpoint_id, message_id) do nothing
      returning id`,
  );
  await tx.execute(sql`update event_consumers set last_seq = ${upto}, updated_at = ${at} where name = ${CONSUMER}`);
  return { alerts: Number(range.n), queued: queued.length };
}

export interface ClaimedDelivery {
  id: string;
  messageId: string;
  eventType: string;
  payload: unknown;
  attempts: number;
  leaseUntil: Date;
  url: string;
  secret: string;
  previousSecret: string | null;
  previousSecretUntil: Date | null;
}

/**
 * Claim up to `limit` due PENDING deliveries: locked FOR UPDATE SKIP LOCKED (a delivery another
 * replica is claiming is skipped, not waited for), then leased by moving next_attempt_at past
 * the request's timeout, so the POST itself runs outside any transaction and no other replica
 * takes the delivery while it is in flight. A worker killed mid-POST leaves the lease to expire:
 * the delivery is tried again (at least once).
 */
export async function claimDue(tx: Executor, now: Date, leaseUntil: Date, limit: number): Promise<ClaimedDelivery[]> {
  const r = await rows<{
    id: string;
    message_id: string;
    event_type: string;
    payload: unknown;
    attempts: number;
    url: string;
    secret: string;
    previous_secret: string | null;
    previous_secret_until: string | Date | null;
  }>(
    tx,
    sql`with due as (
        select id from webhook_deliveries
        where status = 'PENDING' and next_attempt_at <= ${now.toISOString()}
        order by next_attempt_at
        limit ${limit}
        for update skip locked)
      update webhook_deliveries d set next_attempt_at = ${leaseUntil.toISOString()}
      from due, webhook_endpoints e
      where d.id = due.id and e.id = d.endpoint_id
      returning d.id, d.message_id, d.event_type, d.payload, d.attempts, e.url, e.secret, e.previous_secret, e.previous_secret_until`,
  );
  return r.map((d) => ({
    id: d.id,
    messageId: d.message_id,
    eventType: d.event_type,
    payload: typeof d.payload === 'string' ? (JSON.parse(d.payload) as unknown) : d.payload,
    attempts: Number(d.attempts),
    leaseUntil,
    url: d.url,
    secret: d.secret,
    previousSecret: d.previous_secret,
    previousSecretUntil: d.previous_secret_until ? new Date(d.previous_secret_until) : null,
  }));
}

/**
 * Record an attempt's outcome, only while this worker still holds the lease (a replay that
 * re-queued the delivery meanwhile wins; a success is recorded regardless).
 */
export async function recordAttempt(
  db: Executor,
  d: Pick<ClaimedDelivery, 'id' | 'leaseUntil'>,
  outcome: { status: string; attempts: number; nextAttemptAt: Date; statusCode: number | null; error: string | null; at: Date },
): Promise<boolean> {
  const leased = outcome.status === 'DELIVERED' ? undefined : sql`${webhookDeliveries.nextAttemptAt} = ${d.leaseUntil.toISOString()}`;
  const r = await db
    .update(webhookDeliveries)
    .set({
      status: outcome.status,
      attempts: sql`${webhookDeliveries.attempts} + 1`,
      nextAttemptAt: outcome.nextAttemptAt,
      lastStatusCode: outcome.statusCode,
      lastError: outcome.error,
      deliveredAt: outcome.status === 'DELIVERED' ? outcome.at : null,
    })
    .where(and(eq(webhookDeliveries.id, d.id), eq(webhookDeliveries.status, 'PENDING'), leased))
    .returning({ id: webhookDeliveries.id });
  return r.length > 0;
}
