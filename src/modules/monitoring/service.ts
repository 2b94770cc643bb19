import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { defineCommand } from '../../command.js';
import type { Context } from '../../context.js';
import { ifElected } from '../../db/locks.js';
import type { Logger } from '../../logger.js';
import { decodeCursor, encodeCursor, pageSize, parse, uuid } from '../../validation.js';
import { appendAudit } from '../audit/api.js';
import { queueDeliveries } from '../webhooks/api.js';
import { raiseAlerts } from './alerts.js';
import { ensureConsumer, highWaterMark, runBatch } from './consumers.js';
import { correctionAlerts } from './corrections.js';
import { giveNotices, markExpiringConsents } from './notices.js';
import { alertPolicy } from './policy.js';
import { ALERT_SEVERITIES } from './rules.js';
import * as store from './store.js';

/** The monitoring consumer's name (its cursor in event_consumers). */
export const MONITORING_CONSUMER = 'monitoring';
const BATCH = 500;
/** Batches one run takes at most (a backlog beyond is left to the next run). */
const MAX_BATCHES = 200;

export interface EventProcessing {
  events: number;
  alerts: number;
  notices: number;
  deliveriesQueued: number;
}

/**
 * One run of the event consumers: consents entering their expiry-notice window get their
 * `consent.expiring` event; the monitoring consumer takes the outbox batch by batch (alerts,
 * corrections' alerts and re-quotes, borrower notices); the webhook fan-out queues the new alerts.
 * Safe on every replica at once: a batch runs on one (its cursor row is locked SKIP LOCKED).
 */
export async function runEventConsumers(ctx: Context): Promise<EventProcessing> {
  const run: EventProcessing = { events: 0, alerts: 0, notices: 0, deliveriesQueued: 0 };
  await ctx.db.transaction((tx) => markExpiringConsents(tx, ctx));
  await ensureConsumer(ctx.db.orm, MONITORING_CONSUMER, ctx.now);
  const hwm = await highWaterMark(ctx.db);
  for (let i = 0; i < MAX_BATCHES; i++) {
    const r = await runBatch(ctx, MONITORING_CONSUMER, { hwm, limit: BATCH }, async (tx, batch) => {
      const raised = await raiseAlerts(tx, ctx.now, batch.from, batch.to);
      const corrected = await correctionAlerts(tx, ctx, batch.events);
      const notices = await giveNotices(tx, ctx.now, batch.from, batch.to);
      await tx.execute(
        sql`update domain_events set delivered_at = ${ctx.now.toISOString()}::timestamptz
            where seq > ${batch.from}::bigint and seq <= ${batch.to}::bigint and delivered_at is null`,
      );
      return { alerts: raised.length + corrected.alerts, notices };
    });
    // another replica holds the cursor (it will finish the backlog), or nothing is left
    if (!r || r.events === 0) break;
    run.events += r.events;
    run.alerts += r.result?.alerts ?? 0;
    run.notices += r.result?.notices ?? 0;
    if (r.events < BATCH) break;
  }
  run.deliveriesQueued = await queueDeliveries({ db: ctx.db, clock: () => ctx.now });
  return run;
}

/** processEvents (ADMIN): run the consumers now; the run is audited. */
export async function processEvents(ctx: Context): Promise<EventProcessing> {
  alertPolicy.gate(ctx, 'processEvents');
  const run = await runEventConsumers(ctx);
  await appendAudit(ctx.db.orm, ctx, { action: 'events.processed', detail: { ...run } });
  return run;
}

/**
 * The consumers on a schedule, every `everySeconds`, on the replica that wins the tick (an
 * advisory lock, src/db/locks.ts). Returns a stopper.
 */
export function scheduleEventProcessing(
  app: {
    systemContext(job: string): Context;
    log: Pick<Logger, 'info' | 'error' | 'debug'>;
    config: { databaseUrl?: string };
    metrics: { jobRan(job: string): void };
  },
  everySeconds: number,
) {
  let running = false;
  const run = async () => {
    if (running) return;
    running = true;
    try {
      const r = await ifElected(app.config.databaseUrl, 'job:events', () => runEventConsumers(app.systemContext('events')));
      if (r.ran) {
        app.metrics.jobRan('events');
        if (r.result.events) app.log.info(r.result, 'scheduled event processing');
      } else app.log.debug({ job: 'events' }, 'scheduled event processing skipped: another replica holds the job');
    } catch (err) {
      app.log.error({ err }, 'scheduled event processing failed');
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void run(), everySeconds * 1000);
  timer.unref();
  void run();
  return () => clearInterval(timer);
}

/* ---- reads ---- */

export interface AlertView {
  id: string;
  borrowerId: string;
  severity: store.AlertRow['severity'];
  rule: string;
  basis: store.AlertRow['basis'];
  eventId: string;
  eventType: string;
  message: string;
  detail: unknown;
  raisedAt: Date;
  acknowledgedAt: Date | null;
  parameterVersion: number;
}

export const alertView = (a: store.AlertRow): AlertView => ({
  id: a.id,
  borrowerId: a.borrowerId,
  severity: a.severity,
  rule: a.rule,
  basis: a.basis,
  eventId: a.eventId,
  eventType: a.eventType,
  message: a.message,
  detail: a.detail,
  raisedAt: a.visibleFrom,
  acknowledgedAt: a.acknowledgedAt,
  parameterVersion: a.parameterVersion,
});

const alertsArgs = z.object({
  first: pageSize(200),
  after: z.string().nullish(),
  severity: z.enum(ALERT_SEVERITIES).nullish(),
  acknowledged: z.boolean().nullish(),
});

const KEY = /^(\d{4}-\d{2}-\d{2}T[\d:.]+Z)\|(\d{1,18})$/;

/** Your institution's alerts that have reached readers, newest first; reading them is audited. */
export async function alerts(ctx: Context, args: z.input<typeof alertsArgs>) {
  const actor = alertPolicy.gate(ctx, 'list');
  const a = parse(alertsArgs, { ...args, first: args.first ?? 50 });
  const key = decodeCursor(a.after, (s) => KEY.test(s));
  const m = key ? KEY.exec(key)! : null;
  const found = await store.alertsOf(ctx.db.orm, {
    institutionId: actor.institutionId,
    now: ctx.now,
    severity: a.severity ?? undefined,
    acknowledged: a.acknowledged ?? undefined,
    after: m ? { visibleFrom: m[1], seq: Number(m[2]) } : undefined,
    limit: a.first + 1,
  });
  const page = found.slice(0, a.first);
  await appendAudit(ctx.db.orm, ctx, { action: 'monitoring.alerts.read', detail: { count: page.length, severity: a.severity ?? null } });
  const last = page[page.length - 1];
  return {
    edges: page.map((r) => ({ cursor: encodeCursor(`${r.visibleFrom.toISOString()}|${r.seq}`), node: alertView(r) })),
    pageInfo: {
      hasNextPage: found.length > a.first,
      endCursor: last ? encodeCursor(`${last.visibleFrom.toISOString()}|${last.seq}`) : null,
    },
  };
}

const borrowerAlertsArgs = z.object({ borrowerId: uuid, first: pageSize(200) });

/**
 * Your institution's alert history for one borrower, newest first. Alerts are raised only while
 * a basis to watch held, so the history stops where the basis stopped.
 */
export async function borrowerAlerts(ctx: Context, args: { borrowerId: string; first?: number | null }) {
  const actor = alertPolicy.gate(ctx, 'list');
  const a = parse(borrowerAlertsArgs, { ...args, first: args.first ?? 50 });
  const found = await store.alertsOf(ctx.db.orm, {
    institutionId: actor.institutionId,
    now: ctx.now,
    borrowerId: a.borrowerId,
    limit: a.first,
  });
  await appendAudit(ctx.db.orm, ctx, {
    action: 'monitoring.borrower_alerts.read',
    targetType: 'borrower',
    targetId: a.borrowerId,
    borrowerId: a.borrowerId,
    detail: { count: found.length },
  });
  return found.map(alertView);
}

/** Mark your alert read. Acknowledging twice keeps the first time. */
export const acknowledgeAlert = defineCommand({
  name: 'acknowledgeAlert',
  gate: (ctx) => alertPolicy.gate(ctx, 'acknowledge'),
  parse: (a: { id: string }) => ({ id: parse(uuid, a.id, 'id') }),
  idempotent: true,
  async run({ tx, actor, now, record }, { id }) {
    const found = await store.lockAlert(tx, id);
    const alert = alertPolicy.authorize(actor, 'acknowledge', found && { ...found, now });
    if (alert.acknowledgedAt) return alertView(alert);
    const done = await store.acknowledge(tx, id, now, actor.userId);
    record({
      action: 'monitoring.alert.acknowledged',
      targetType: 'alert',
      targetId: id,
      borrowerId: alert.borrowerId,
      detail: { rule: alert.rule, severity: alert.severity },
    });
    return alertView(done);
  },
});
