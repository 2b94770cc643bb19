import { sql } from 'drizzle-orm';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { one, type Database } from '../db/client.js';
import type { Logger } from '../logger.js';

/**
 * Prometheus metrics, one Registry per App (tests run several apps in one process). The
 * process metrics (CPU, memory, event loop, GC) are process-wide: one registry for the process,
 * merged into every app's exposition. Names and labels: docs/operations.md.
 */
export interface Metrics {
  /** This app's own metrics (requests, errors, database, jobs, outbox); tests read it. */
  readonly registry: Registry;
  readonly contentType: string;
  /** Count one GraphQL request over HTTP (called by the access log). */
  observeRequest(r: RequestOutcome): void;
  /** A scheduled job finished successfully: its lag restarts from zero. */
  jobRan(job: string): void;
  /** The text exposition: this app's metrics and the process metrics. */
  exposition(): Promise<string>;
}

export interface RequestOutcome {
  /** The request's first root field (`creditProfile`), or null when the request never got that far. */
  rootField: string | null;
  status: number;
  seconds: number;
  errorCodes: readonly string[];
}

export interface MetricsDeps {
  db: Database;
  /** The schema's root field names: the only values the `operation` label takes (else `other`). */
  operations: Iterable<string>;
  /** Jobs this app schedules: their lag counts from the app's start until their first success. */
  jobs?: Iterable<string>;
  /** The app's clock: events are stamped with it, so the outbox's age is measured with it. */
  clock?: () => Date;
  log?: Pick<Logger, 'warn'>;
}

/** Error codes are the server's own (src/errors.ts); anything else that looks odd is counted as OTHER. */
const CODE = /^[A-Z][A-Z_]{0,39}$/;

let processRegistry: Registry | undefined;
function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}

interface OutboxSample {
  pending: number;
  oldestEpoch: number | null;
}

export function createMetrics(deps: MetricsDeps): Metrics {
  const { db } = deps;
  const clock = deps.clock ?? (() => new Date());
  const known = new Set(deps.operations);
  const registry = new Registry();
  const seconds = () => clock().getTime() / 1000;

  const requests = new Counter({
    name: 'http_requests_total',
    help: 'GraphQL requests over HTTP, by root field (operation; `other` when not a schema root field, `none` when unparsed) and HTTP status.',
    labelNames: ['operation', 'status'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'GraphQL request latency over HTTP, from the first byte read to the response handed to the socket, by operation.',
    labelNames: ['operation'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const errors = new Counter({
    name: 'graphql_errors_total',
    help: 'GraphQL errors returned to clients, by extensions.code.',
    labelNames: ['code'] as const,
    registers: [registry],
  });

  const activity = () => db.activity.transactions + db.activity.prepared;
  new Gauge({
    name: 'db_pool_max',
    help: 'Connections the database pool may open (1 on embedded PGlite).',
    registers: [registry],
    collect() {
      this.set(db.activity.poolSize);
    },
  });
  new Gauge({
    name: 'db_pool_in_use',
    help: 'Connections held by open transactions and running prepared statements (counted in the Database wrapper).',
    registers: [registry],
    collect() {
      this.set(Math.min(activity(), db.activity.poolSize));
    },
  });
  new Gauge({
    name: 'db_pool_waiting',
    help: 'Transactions and prepared statements waiting for a connection: those in flight beyond the pool size.',
    registers: [registry],
    collect() {
      this.set(Math.max(0, activity() - db.activity.poolSize));
    },
  });

  const started = seconds();
  const lastRun = new Map<string, number>();
  for (const job of deps.jobs ?? []) lastRun.set(job, started);
  new Gauge({
    name: 'job_lag_seconds',
    help: 'Seconds since the scheduled job last succeeded (since the app started, before its first success).',
    labelNames: ['job'] as const,
    registers: [registry],
    collect() {
      const now = seconds();
      for (const [job, at] of lastRun) this.set({ job }, Math.max(0, now - at));
    },
  });

  // both outbox gauges are filled by one query per scrape
  let sampling: Promise<OutboxSample | null> | null = null;
  const sampleOutbox = () =>
    (sampling ??= outboxSample(db)
      .catch((err: unknown) => {
        deps.log?.warn({ err }, 'metrics: outbox query failed');
        return null;
      })
      .finally(() => {
        sampling = null;
      }));
  new Gauge({
    name: 'outbox_pending_events',
    help: 'Domain events not yet delivered (domain_events.delivered_at is null).',
    registers: [registry],
    async collect() {
      const s = await sampleOutbox();
      if (s) this.set(s.pending);
    },
  });
  new Gauge({
    name: 'outbox_oldest_pending_age_seconds',
    help: 'Age of the oldest undelivered domain event in seconds (0 when none is pending).',
    registers: [registry],
    async collect() {
      const s = await sampleOutbox();
      if (s) this.set(s.oldestEpoch === null ? 0 : Math.max(0, seconds() - s.oldestEpoch));
    },
  });

  return {
    registry,
    contentType: registry.contentType,
    observeRequest(r) {
      const operation = r.rootField === null ? 'none' : known.has(r.rootField) ? r.rootField : 'other';
      requests.inc({ operation, status: String(r.status) });
      duration.observe({ operation }, r.seconds);
      for (const code of r.errorCodes) errors.inc({ code: CODE.test(code) ? code : 'OTHER' });
    },
    jobRan(job) {
      lastRun.set(job, seconds());
    },
    exposition: () => Registry.merge([registry, processMetrics()]).metrics(),
  };
}

/**
 * One statement: the count walks the partial index on undelivered rows, the oldest is the
 * first entry of that index (events are appended in `seq` order).
 */
async function outboxSample(db: Database): Promise<OutboxSample> {
  const row = await one<{ pending: number | string; oldest: number | string | null }>(
    db.orm,
    sql`select (select count(*) from domain_events where delivered_at is null)::int as pending,
               (select extract(epoch from occurred_at)::float8 from domain_events where delivered_at is null order by seq limit 1) as oldest`,
  );
  return { pending: Number(row?.pending ?? 0), oldestEpoch: row?.oldest === null || row?.oldest === undefined ? null : Number(row.oldest) };
}
