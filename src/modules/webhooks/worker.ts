import type { Config } from '../../config.js';
import type { Database } from '../../db/client.js';
import type { Logger } from '../../logger.js';
import { afterAttempt, signatureHeader } from './rules.js';
import { postWebhook } from './sender.js';
import * as store from './store.js';

/** What the fan-out and the delivery worker need: no request, no actor (they act for the platform). */
export interface WebhookDeps {
  db: Database;
  config: Pick<Config, 'production' | 'webhooks'>;
  clock: () => Date;
  log: Pick<Logger, 'info' | 'warn' | 'error'>;
}

const FANOUT_BATCH = 500;
const DELIVERY_BATCH = 25;

/**
 * The `webhooks` consumer: queue deliveries for every alert past its cursor, a batch per
 * transaction, until it has caught up (or another replica holds the cursor). Returns the
 * deliveries queued.
 */
export async function queueDeliveries(deps: Pick<WebhookDeps, 'db' | 'clock'>): Promise<number> {
  let queued = 0;
  for (let i = 0; i < 100; i++) {
    const r = await deps.db.transaction((tx) => store.fanOutBatch(tx, deps.clock(), FANOUT_BATCH));
    if (!r) break;
    queued += r.queued;
    if (r.alerts < FANOUT_BATCH) break;
  }
  return queued;
}

export interface DeliveryRun {
  attempted: number;
  delivered: number;
  failed: number;
  dead: number;
}

/**
 * One pass of the delivery worker: claim the due deliveries (SKIP LOCKED, leased), POST each
 * with its Standard Webhooks headers, record the outcome: DELIVERED on 2xx, else another
 * attempt after exponential backoff with jitter, DEAD after the last.
 */
export async function deliverDue(deps: WebhookDeps, limit = DELIVERY_BATCH): Promise<DeliveryRun> {
  const w = deps.config.webhooks;
  const now = deps.clock();
  const leaseUntil = new Date(now.getTime() + w.timeoutMs + 30_000);
  const claimed = await deps.db.transaction((tx) => store.claimDue(tx, now, leaseUntil, limit));
  const run: DeliveryRun = { attempted: claimed.length, delivered: 0, failed: 0, dead: 0 };
  await Promise.all(
    claimed.map(async (d) => {
      const body = JSON.stringify(d.payload);
      const sentAt = deps.clock();
      const timestamp = Math.floor(sentAt.getTime() / 1000);
      const headers = {
        'webhook-id': d.messageId,
        'webhook-timestamp': String(timestamp),
        'webhook-signature': signatureHeader(d, d.messageId, timestamp, body, sentAt),
        'user-agent': 'credit-share-webhooks/1',
      };
      const r = await postWebhook(d.url, headers, body, {
        production: deps.config.production,
        allowLoopback: w.allowLoopback,
        timeoutMs: w.timeoutMs,
      });
      const at = deps.clock();
      const next = afterAttempt(d.attempts, r.ok, { baseMs: w.retryBaseMs, capMs: w.retryCapMs, maxAttempts: w.maxAttempts }, at);
      const recorded = await store.recordAttempt(deps.db.orm, d, { ...next, statusCode: r.status, error: r.error, at });
      if (!recorded) return;
      if (next.status === 'DELIVERED') run.delivered++;
      else if (next.status === 'DEAD') run.dead++;
      else run.failed++;
      if (!r.ok) {
        deps.log.warn(
          { deliveryId: d.id, webhookId: d.messageId, attempt: next.attempts, status: next.status, error: r.error },
          'webhook delivery failed',
        );
      }
    }),
  );
  return run;
}

/**
 * Fan-out and delivery on a schedule, on every replica: the cursor row and SKIP LOCKED share the
 * work, so no delivery is in flight twice. One run at a time in this process. Returns a stopper.
 */
export function scheduleWebhooks(deps: WebhookDeps, everyMs: number): () => Promise<void> {
  let current: Promise<void> | null = null;
  let stopped = false;
  const run = async () => {
    try {
      await queueDeliveries(deps);
      for (let i = 0; i < 20 && !stopped; i++) {
        const r = await deliverDue(deps);
        if (r.attempted < DELIVERY_BATCH) break;
      }
    } catch (err) {
      deps.log.error({ err }, 'webhook run failed');
    }
  };
  const tick = () => {
    if (current || stopped) return;
    current = run().finally(() => (current = null));
  };
  const timer = setInterval(tick, everyMs);
  timer.unref();
  tick();
  /** Stop ticking and wait for the run in progress (its outcomes are recorded before the database closes). */
  return async () => {
    stopped = true;
    clearInterval(timer);
    await current;
  };
}
