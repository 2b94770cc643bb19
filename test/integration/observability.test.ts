import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Inst } from '../factories.js';
import type { TestApp } from '../helpers/app.js';

/**
 * Tracing starts before the application's modules are imported (they are imported dynamically
 * below), as `node --import ./dist/observability/tracing.js` does in production, so that http
 * and graphql are instrumented when they load. Spans go to memory.
 */
const { tracing: sdk } = await import('@opentelemetry/sdk-node');
const { startTracing } = await import('../../src/observability/otel.js');
const exporter = new sdk.InMemorySpanExporter();
const tracing = startTracing(
  { enabled: true, serviceName: 'credit-share-test' },
  { spanProcessors: [new sdk.SimpleSpanProcessor(exporter)] },
);

const { sql } = await import('drizzle-orm');
const { createApp } = await import('../../src/app.js');
const { one } = await import('../../src/db/client.js');
const { createHttpServer, listen } = await import('../../src/http/server.js');
const { borrower, consent, institution } = await import('../factories.js');
const { testConfig, useTestApp } = await import('../helpers/app.js');
const { loadTracingConfig } = await import('../../src/config.js');

const app = useTestApp();
let t: TestApp;
let server: Server;
let base: string;
let bank: Inst;

const post = (body: unknown, token?: string) =>
  fetch(`${base}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });

/** The value of one sample in a Prometheus text exposition (labels in the order prom-client writes them). */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

beforeAll(async () => {
  t = await app();
  server = createHttpServer(t.app);
  base = `http://127.0.0.1:${await listen(server, 0, '127.0.0.1')}`;
  bank = await institution(t, 'BANK');
});
afterAll(async () => {
  await new Promise<void>((r) => server.close(() => r()));
  await tracing.shutdown();
});

describe('/metrics', () => {
  it('counts requests by root field, errors by code, and reports the outbox', async () => {
    expect((await post({ query: `{ me { role } }` }, bank.token)).status).toBe(200);
    // a client's own operation name does not become a label: the root field does
    expect((await post({ query: `query WhateverTheClientCallsIt { me { role } }` }, bank.token)).status).toBe(200);
    const refused = await (await post({ query: `{ institutions { id } }` })).json();
    expect(refused.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    expect((await post({ query: `{ noSuchField }` }, bank.token)).status).toBe(400);
    // a mutation writes a domain event that no consumer has delivered yet
    const b = await borrower(t, bank);
    await consent(t, b, bank); // through executeOperation: not an HTTP request, not counted
    t.setNow(new Date(t.now.getTime() + 90_000));

    const res = await fetch(`${base}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();

    expect(sample(text, 'http_requests_total{operation="me",status="200"}')).toBe(2);
    expect(sample(text, 'http_requests_total{operation="institutions",status="200"}')).toBe(1);
    expect(sample(text, 'http_requests_total{operation="other",status="400"}')).toBe(1);
    expect(text).not.toMatch(/WhateverTheClientCallsIt|noSuchField/);
    expect(sample(text, 'http_request_duration_seconds_count{operation="me"}')).toBe(2);
    expect(sample(text, 'graphql_errors_total{code="UNAUTHENTICATED"}')).toBe(1);
    expect(sample(text, 'graphql_errors_total{code="GRAPHQL_VALIDATION_FAILED"}')).toBe(1);

    const pending = await one<{ n: number }>(t.tdb.db.orm, sql`select count(*)::int as n from domain_events where delivered_at is null`);
    expect(pending!.n).toBeGreaterThanOrEqual(2);
    expect(sample(text, 'outbox_pending_events')).toBe(Number(pending!.n));
    expect(sample(text, 'outbox_oldest_pending_age_seconds')).toBe(90);

    expect(sample(text, 'db_pool_max')).toBe(t.tdb.db.activity.poolSize);
    expect(sample(text, 'db_pool_in_use')).toBe(0);
    expect(sample(text, 'db_pool_waiting')).toBe(0);
    // prom-client's process metrics
    expect(text).toMatch(/^process_cpu_user_seconds_total /m);
    expect(text).toMatch(/^nodejs_eventloop_lag_seconds /m);
  });

  it('counts transactions in flight: in use up to the pool size, the rest waiting', async () => {
    const db = t.tdb.db;
    const gauge = async (name: string) => (await t.app.metrics.registry.getSingleMetric(name)!.get()).values[0].value;
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const open: Promise<unknown>[] = [];
    let entered = 0;
    for (let i = 0; i < 2; i++) open.push(db.transaction(async () => (entered++, held)));
    await vi.waitFor(() => expect(entered).toBeGreaterThanOrEqual(1));
    try {
      expect(await gauge('db_pool_in_use')).toBe(Math.min(2, db.activity.poolSize));
      expect(await gauge('db_pool_waiting')).toBe(Math.max(0, 2 - db.activity.poolSize));
    } finally {
      release();
      await Promise.all(open);
    }
    expect(await gauge('db_pool_in_use')).toBe(0);
  });

  it('reports job lag from the app start until the job runs, then from its last success', async () => {
    let now = new Date('2026-06-15T02:00:00Z');
    const scheduled = await createApp({ config: testConfig({ AGEING_INTERVAL_MINUTES: '60' }), db: t.tdb.db, clock: () => now });
    const lag = async () =>
      (await scheduled.metrics.registry.getSingleMetricAsString('job_lag_seconds'))
        .split('\n')
        .find((l) => l.startsWith('job_lag_seconds{job="ageing"}'));
    now = new Date(now.getTime() + 600_000);
    expect(await lag()).toBe('job_lag_seconds{job="ageing"} 600');
    scheduled.metrics.jobRan('ageing');
    now = new Date(now.getTime() + 30_000);
    expect(await lag()).toBe('job_lag_seconds{job="ageing"} 30');
    // one registry per app: the other app's requests are not here
    expect(await scheduled.metrics.registry.getSingleMetricAsString('http_requests_total')).not.toMatch(/operation=/);
    await scheduled.stop();
  });
});

describe('tracing', () => {
  it('is switched on by the standard OTEL_* variables, off when none is set', () => {
    const on = (env: Record<string, string>) => loadTracingConfig(env).enabled;
    expect(on({})).toBe(false);
    expect(on({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' })).toBe(true);
    expect(on({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4318/v1/traces' })).toBe(true);
    expect(on({ OTEL_TRACES_EXPORTER: 'console' })).toBe(true);
    expect(on({ OTEL_TRACES_EXPORTER: 'none', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' })).toBe(false);
    expect(on({ OTEL_SDK_DISABLED: 'true', OTEL_TRACES_EXPORTER: 'otlp' })).toBe(false);
    expect(loadTracingConfig({}).serviceName).toBe('credit-share');
    expect(testConfig({ OTEL_TRACES_EXPORTER: 'otlp', OTEL_SERVICE_NAME: 'cs-staging' }).tracing).toEqual({
      enabled: true,
      serviceName: 'cs-staging',
    });
  });

  it('traces a mutation over HTTP: the server span, GraphQL, and the database transaction', async () => {
    exporter.reset();
    const other = await institution(t, 'INSURER');
    const b = await borrower(t, bank);
    const res = await post(
      {
        query: `mutation($i: ID!, $e: DateTime!) { grantConsent(institutionId: $i, purpose: UNDERWRITING, expiresAt: $e) { id } }`,
        variables: { i: other.id, e: new Date(t.now.getTime() + 86_400_000).toISOString() },
      },
      b.token,
    );
    expect((await res.json()).errors).toBeUndefined();
    const spans = exporter.getFinishedSpans();
    const tx = spans.filter((s) => s.name === 'db.transaction');
    expect(tx.length).toBeGreaterThanOrEqual(1);
    expect(tx[0].attributes['db.system']).toBe('postgresql');
    // the mutation's transaction sits in the HTTP request's trace, under GraphQL's execution
    const traceId = tx.at(-1)!.spanContext().traceId;
    const inTrace = spans.filter((s) => s.spanContext().traceId === traceId).map((s) => s.name);
    expect(inTrace).toEqual(expect.arrayContaining(['POST', 'mutation', 'graphql.resolve grantConsent', 'db.transaction']));
    // no variable values, no SQL parameters: the borrower's and institution's ids appear nowhere
    const attributes = JSON.stringify(spans.map((s) => s.attributes));
    expect(attributes).not.toContain(other.id);
    expect(attributes).not.toContain(b.id);
  });
});
