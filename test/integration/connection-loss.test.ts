import type { Server } from 'node:http';
import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { openDatabase, rows, type Database } from '../../src/db/client.js';
import { createHttpServer, listen } from '../../src/http/server.js';
import { borrower, consent, DEPOSIT, institution, key, type BorrowerHandle, type Inst } from '../factories.js';
import { codeOf, testConfig, useTestApp, type TestApp } from '../helpers/app.js';
import { onRealServer } from '../helpers/db.js';
import { adminUrl } from '../helpers/pg-admin.js';

/**
 * A lost database connection is the server's problem, not the client's: a transaction that had
 * not committed is retried once, and otherwise the answer is SERVICE_UNAVAILABLE (HTTP 503,
 * Retry-After), which is safe to retry with the same idempotency key. Never INTERNAL_SERVER_ERROR.
 */
const app = useTestApp({ poolSize: 10 });
let t: TestApp;
let bank: Inst;
let gov: Inst;
let b: BorrowerHandle;

beforeAll(async () => {
  t = await app();
  [bank, gov] = await Promise.all([institution(t, 'BANK'), institution(t, 'GOVERNMENT')]);
  b = await borrower(t, bank);
  await consent(t, b, bank);
});

const terminated = () => Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' });

/** The database, except that the first `failures` transactions lose their connection, before or after the body. */
function losingConnection(db: Database, failures: number, when: 'before' | 'after'): Database {
  let left = failures;
  return {
    ...db,
    transaction: (run) =>
      db.transaction(async (tx) => {
        if (when === 'before' && left > 0 && left--) throw terminated();
        const r = await run(tx);
        if (when === 'after' && left > 0 && left--) throw terminated();
        return r;
      }),
  };
}

const fundBalance = async () =>
  (await rows<{ balance: string }>(t.tdb.db.orm, sql`select balance::text from ledger_accounts where id = 'FUND:RISK_COMPENSATION'`))[0]
    ?.balance ?? '0.00';

describe('the command helper on a lost connection', () => {
  it('retries once a transaction whose body never finished, and the change lands once', async () => {
    const flaky = await createApp({ config: testConfig(), db: losingConnection(t.tdb.db, 1, 'before'), clock: () => t.now });
    const before = await fundBalance();
    const r = await flaky.apollo.executeOperation(
      { query: DEPOSIT, variables: { f: 'RISK_COMPENSATION', a: '10.00', k: key() } },
      { contextValue: await flaky.contextFor(`Bearer ${gov.token}`) },
    );
    expect((r.body as any).singleResult.errors).toBeUndefined();
    expect(Number(await fundBalance()) - Number(before)).toBeCloseTo(10, 2);
    await flaky.stop();
  });

  it('answers SERVICE_UNAVAILABLE when the connection stays lost, and the same key then gives one result', async () => {
    const down = await createApp({ config: testConfig(), db: losingConnection(t.tdb.db, 2, 'before'), clock: () => t.now });
    const k = key();
    const before = await fundBalance();
    const r = await down.apollo.executeOperation(
      { query: DEPOSIT, variables: { f: 'RISK_COMPENSATION', a: '20.00', k } },
      { contextValue: await down.contextFor(`Bearer ${gov.token}`) },
    );
    expect(codeOf((r.body as any).singleResult)).toBe('SERVICE_UNAVAILABLE');
    expect(await fundBalance()).toBe(before);
    await down.stop();
    // the client retries with the same key on a healthy server: exactly one deposit
    expect(codeOf(await t.gql(gov.token, DEPOSIT, { f: 'RISK_COMPENSATION', a: '20.00', k }))).toBeUndefined();
    expect(codeOf(await t.gql(gov.token, DEPOSIT, { f: 'RISK_COMPENSATION', a: '20.00', k }))).toBeUndefined();
    expect(Number(await fundBalance()) - Number(before)).toBeCloseTo(20, 2);
  });

  it('does not repeat a command without a key whose COMMIT answer was lost: 503, never a duplicate', async () => {
    const lost = await createApp({ config: testConfig(), db: losingConnection(t.tdb.db, 1, 'after'), clock: () => t.now });
    const e = new Date(t.now.getTime() + 10 * 86_400_000).toISOString();
    const r = await lost.apollo.executeOperation(
      {
        query: `mutation($e: DateTime!) { grantConsent(institutionId: "${bank.id}", purpose: UNDERWRITING, expiresAt: $e) { id } }`,
        variables: { e },
      },
      { contextValue: await lost.contextFor(`Bearer ${b.token}`) },
    );
    expect(codeOf((r.body as any).singleResult)).toBe('SERVICE_UNAVAILABLE');
    await lost.stop();
  });

  it('answers a read over HTTP with 503 and Retry-After when the database is gone', async () => {
    // a database nobody answers: port 1 on loopback refuses every connection
    const nowhere = await openDatabase({ url: 'postgres://postgres@127.0.0.1:1/none', poolSize: 1 });
    const gone = await createApp({ config: testConfig(), db: nowhere, clock: () => t.now });
    const server: Server = createHttpServer(gone);
    const port = await listen(server, 0, '127.0.0.1');
    const res = await fetch(`http://127.0.0.1:${port}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${gov.token}` },
      body: JSON.stringify({ query: `{ fundBalances { riskCompensationFund } }` }),
    });
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('1');
    expect(((await res.json()) as any).errors[0].extensions.code).toBe('SERVICE_UNAVAILABLE');
    await new Promise<void>((r) => server.close(() => r()));
    await gone.stop();
    await nowhere.close();
  });

  it('fails fast with 503 and Retry-After when no host of a multi-host URL answers (a failover in progress), reads and writes', async () => {
    // postgres.js alone would retry the host list forever and every request would hang
    const url = 'postgres://postgres@127.0.0.1:1,127.0.0.1:2/none?target_session_attrs=read-write';
    const nowhere = await openDatabase({ url, poolSize: 2 });
    const gone = await createApp({ config: testConfig(), db: nowhere, clock: () => t.now });
    const server: Server = createHttpServer(gone);
    const port = await listen(server, 0, '127.0.0.1');
    const post = async (token: string, query: string, variables: Record<string, unknown> = {}) => {
      const res = await fetch(`http://127.0.0.1:${port}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query, variables }),
        // a hang fails the test here rather than at vitest's timeout
        signal: AbortSignal.timeout(20_000),
      });
      return { status: res.status, retryAfter: res.headers.get('retry-after'), body: (await res.json()) as any };
    };
    // more requests than the pool has connections: none may wait on a connection stuck in its connect
    const results = await Promise.all([
      ...Array.from({ length: 6 }, () => post(gov.token, `{ fundBalances { riskCompensationFund } }`)),
      ...Array.from({ length: 3 }, () => post(gov.token, DEPOSIT, { f: 'RISK_COMPENSATION', a: '1.00', k: key() })),
    ]);
    for (const r of results) {
      expect(r.status).toBe(503);
      expect(r.retryAfter).toBe('1');
      expect(r.body.errors.map((e: any) => e.extensions.code)).toEqual(['SERVICE_UNAVAILABLE']);
    }
    await new Promise<void>((r) => server.close(() => r()));
    await gone.stop();
    await nowhere.close();
  });
});

describe.runIf(onRealServer())('a multi-host DATABASE_URL (PostgreSQL)', () => {
  it('skips a host that refuses and uses the primary behind it', async () => {
    const real = new URL(t.tdb.url!);
    const realHost = `${real.hostname}:${real.port || 5432}`;
    const url = `postgres://${real.username}@127.0.0.1:1,${realHost}${real.pathname}?target_session_attrs=read-write`;
    const db = await openDatabase({ url, poolSize: 2 });
    const [row] = await rows<{ recovery: boolean }>(db.orm, sql`select pg_is_in_recovery() as recovery`);
    expect(row.recovery).toBe(false);
    // a write goes through the same pool
    const [n] = await rows<{ n: number }>(db.orm, sql`select count(*)::int as n from institutions`);
    expect(n.n).toBeGreaterThan(0);
    await db.close();
  });
});

describe.runIf(onRealServer())('pg_terminate_backend during load (PostgreSQL: real connections to kill)', () => {
  it('every request succeeds or gets SERVICE_UNAVAILABLE; retried keys land exactly once', async () => {
    const server = createHttpServer(t.app);
    const url = `http://127.0.0.1:${await listen(server, 0, '127.0.0.1')}/graphql`;
    const admin = await openDatabase({ url: adminUrl(t.tdb.url!), poolSize: 1 });
    const dbName = new URL(t.tdb.url!).pathname.slice(1);
    const post = async (token: string, query: string, variables: Record<string, unknown>) => {
      const started = performance.now();
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query, variables }),
      });
      return { status: res.status, body: (await res.json()) as any, ms: performance.now() - started };
    };
    const before = Number(await fundBalance());
    const keys = Array.from({ length: 60 }, () => key('kill'));
    const results: { status: number; body: any; ms: number }[] = [];
    let stop = false;
    const killer = (async () => {
      let kills = 0;
      while (!stop && kills < 8) {
        await new Promise((r) => setTimeout(r, 150));
        await admin.orm.execute(
          sql`select pg_terminate_backend(pid) from pg_stat_activity where datname = ${dbName} and pid <> pg_backend_pid()`,
        );
        kills++;
      }
      return kills;
    })();
    await Promise.all(
      keys.map(async (k, i) => {
        // a deposit and a profile read per key, the deposit retried with its key until it lands
        for (let attempt = 0; attempt < 20; attempt++) {
          const r = await post(gov.token, DEPOSIT, { f: 'RISK_COMPENSATION', a: '1.00', k });
          results.push(r);
          if (r.status === 200 && !r.body.errors) break;
          await new Promise((res) => setTimeout(res, 50 * (i % 5)));
        }
        results.push(
          await post(
            bank.token,
            `query($b: ID!) { creditProfile(borrowerId: $b, purpose: LOAN_APPLICATION) { summary { openAccounts } } }`,
            { b: b.id },
          ),
        );
      }),
    );
    stop = true;
    expect(await killer).toBeGreaterThan(0);
    await new Promise<void>((r) => server.close(() => r()));
    await admin.close();

    for (const r of results) {
      const code = r.body.errors?.[0]?.extensions?.code;
      expect([undefined, 'SERVICE_UNAVAILABLE']).toContain(code);
      expect(r.status).toBe(code ? 503 : 200);
    }
    // each key's deposit landed exactly once, whatever the retries
    expect(Number(await fundBalance()) - before).toBeCloseTo(keys.length, 2);
    const ms = results.map((r) => r.ms).sort((a, c) => a - c);
    console.log(
      `connection-kill load: ${results.length} requests, ${results.filter((r) => r.status === 503).length} answered 503, p50 ${ms[Math.floor(ms.length / 2)].toFixed(1)} ms, p99 ${ms[Math.floor(ms.length * 0.99)].toFixed(1)} ms`,
    );
  }, 120_000);
});
