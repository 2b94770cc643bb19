import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { signDevToken, type DevTokenClaims } from '../../src/auth/tokens.js';
import { openDatabase, type Database } from '../../src/db/client.js';
import { migrateDatabase } from '../../src/db/migrate.js';
import { borrower, disbursedLoan, furnish, institution, key } from '../factories.js';
import { ok, testConfig, type TestApp } from '../helpers/app.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { startServer, type ServerProcess } from '../helpers/server-process.js';
import { startReceiver, verifyStandardWebhook } from '../helpers/webhook-receiver.js';

/**
 * "A server killed after commit delivers the event after restart": the real server (src/main.ts)
 * in a child process, its webhook worker on a short schedule. Its processEvents commits the alert
 * and queues the delivery; the receiver is down, so the first attempts fail; the server is killed
 * with SIGKILL (no shutdown, nothing flushed); the receiver comes back; a new server process on the
 * same database delivers the event, once, with the same webhook-id and a valid signature.
 */
let tdb: TestDatabase | undefined;
let receiver: Awaited<ReturnType<typeof startReceiver>> | undefined;
const servers: ServerProcess[] = [];
afterAll(async () => {
  for (const s of servers) if (s.child.exitCode === null) s.child.kill('SIGKILL');
  await receiver?.close();
  await tdb?.drop();
});

const WORKER_ENV = {
  WEBHOOK_ALLOW_LOOPBACK: 'true',
  WEBHOOK_INTERVAL_MS: '100',
  WEBHOOK_RETRY_BASE_MS: '200',
  WEBHOOK_TIMEOUT_MS: '2000',
  // the first server may try many times before it is killed on a busy machine: never dead-letter here
  WEBHOOK_MAX_ATTEMPTS: '100',
};

async function post(url: string, token: string, query: string) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query }),
  });
  const body = (await res.json()) as { data?: any; errors?: unknown[] };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data;
}

async function until(what: string, check: () => boolean | Promise<boolean>, ms = 30_000) {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * The world before the server starts, through the API in this process on the same database: an
 * insurer with a live policy (a programme loan), its endpoint, and another bank furnishing a new
 * loan of 100000.00 to the borrower (committed to the outbox; no alert yet: the server's
 * processEvents raises it).
 */
async function seed(db: Database, url: string) {
  const config = testConfig({ WEBHOOK_ALLOW_LOOPBACK: 'true' });
  const app = await createApp({ config, db });
  const t = {
    app,
    tdb: { db },
    config,
    now: new Date(),
    token: (claims: DevTokenClaims, ttl?: number) => signDevToken(config.jwt, claims, ttl),
    async gql(token: string | null, query: string, variables?: Record<string, unknown>) {
      const contextValue = await app.contextFor(token === null ? undefined : `Bearer ${token}`);
      const res = await app.apollo.executeOperation({ query, variables }, { contextValue });
      if (res.body.kind !== 'single') throw new Error('unexpected incremental result');
      return res.body.singleResult;
    },
  } as unknown as TestApp;
  const [insurer, lender, other] = [await institution(t, 'INSURER'), await institution(t, 'BANK'), await institution(t, 'BANK')];
  const b = await borrower(t, lender);
  await disbursedLoan(t, b, lender, insurer);
  const endpoint = ok(
    await t.gql(insurer.token, `mutation($u: String!, $k: String!) { registerWebhook(url: $u, idempotencyKey: $k) { secret } }`, {
      u: url,
      k: key(),
    }),
  ).registerWebhook;
  await furnish(t, other, [{ borrowerId: b.id, accountRef: 'R-1' }]);
  await app.stop();
  return { insurer, secret: endpoint.secret as string };
}

describe('a server killed after commit', () => {
  it('delivers the event after restart, once per webhook-id', { timeout: 180_000 }, async () => {
    receiver = await startReceiver();
    receiver.script('/hook', Array(10_000).fill(503)); // down
    // the database: the test's PostgreSQL one, or an embedded one in a directory both server processes use
    let databaseUrl: string | undefined;
    let env: Record<string, string> = { ...WORKER_ENV };
    let db: Database;
    if ((tdb = await createTestDatabase()).url) {
      databaseUrl = tdb.url;
      db = tdb.db;
    } else {
      await tdb.drop();
      tdb = undefined;
      const dir = mkdtempSync(path.join(tmpdir(), 'cs-webhooks-'));
      env = { ...env, DATA_DIR: dir };
      db = await openDatabase({ dataDir: path.join(dir, 'pglite') });
      await migrateDatabase(db);
    }
    const { insurer, secret } = await seed(db, receiver.url('/hook'));
    if (!databaseUrl) await db.close();

    const first = await startServer({ databaseUrl, env });
    servers.push(first);
    const admin = await signDevToken(testConfig().jwt, { sub: 'admin-1', role: 'ADMIN' });
    const insurerToken = await signDevToken(testConfig().jwt, { sub: `${insurer.id}-user`, role: 'INSURER', inst: insurer.id });
    // the server's consumers raise the alert and queue its delivery: committed when the answer comes
    const run = (await post(first.url, admin, `mutation { processEvents { alerts deliveriesQueued } }`)).processEvents;
    // the alert is raised here; its delivery is queued by this call or, as often, by the server's own
    // webhook worker (every 100 ms) between the alert's commit and this call's fan-out
    expect(run.alerts).toBeGreaterThanOrEqual(1);
    const alerts = (await post(first.url, insurerToken, `{ alerts { edges { node { id rule } } } }`)).alerts.edges;
    expect(alerts.length).toBeGreaterThanOrEqual(1);
    const alertIds: string[] = alerts.map((e: { node: { id: string } }) => e.node.id);
    const alertId = alertIds[0];
    // it tries; the receiver is down
    await until('a first attempt', () => receiver!.on('/hook').length >= 2);
    first.child.kill('SIGKILL');
    await first.exited;
    const failed = receiver.on('/hook').length;
    expect(receiver.delivered(alertId)).toBe(0);

    receiver.script('/hook', []); // back up
    const second = await startServer({ databaseUrl, env });
    servers.push(second);
    // killed in the middle of an attempt, the delivery stays leased for its timeout + 30 s before the
    // new server may take it again (a worker that died mid-POST is not known to have failed)
    await until('the delivery after restart', () => alertIds.every((id) => receiver!.delivered(id) === 1), 90_000);
    // the worker keeps running: nothing more is sent for the delivered event
    await new Promise((r) => setTimeout(r, 1500));
    const got = receiver.on('/hook');
    expect(got.length).toBe(failed + alertIds.length);
    for (const id of alertIds) expect(receiver.delivered(id)).toBe(1);
    expect(new Set(got.map((r) => r.headers['webhook-id']))).toEqual(new Set(alertIds));
    const delivered = got.find((r) => r.status === 204 && r.headers['webhook-id'] === alertId)!;
    verifyStandardWebhook(secret, delivered.headers, delivered.body, Math.floor(Date.now() / 1000));
    expect(JSON.parse(delivered.body)).toMatchObject({ type: 'alert.raised', data: { id: alertId, rule: alerts[0].node.rule } });

    // and the new server says so, through GraphQL, to the insurer
    const list = (await post(second.url, insurerToken, `{ webhookDeliveries { messageId status } }`)).webhookDeliveries;
    expect(list.map((d: { messageId: string }) => d.messageId).sort()).toEqual([...alertIds].sort());
    expect(new Set(list.map((d: { status: string }) => d.status))).toEqual(new Set(['DELIVERED']));
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  });
});
