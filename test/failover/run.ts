/**
 * The failover test (`npm run test:failover`; not part of vitest's suite): a pg_auto_failover
 * cluster (scripts/cluster/up.sh), two API server processes on the multi-host DATABASE_URL, a
 * mixed write load through both, and the primary stopped hard (`pg_ctl stop -m immediate`, its
 * keeper killed first so that it cannot restart it) in the middle. Then, twice (node1 → node2,
 * and back once the old primary has rejoined as a secondary):
 *
 * - every write acknowledged to a client is present (RPO = 0);
 * - every furnishing batch is all or nothing;
 * - no claim is paid twice and the ledger's trial balance is zero;
 * - writes are accepted again within RTO_LIMIT_S (measured and printed);
 * - every request that failed got SERVICE_UNAVAILABLE with HTTP 503 and Retry-After: never
 *   INTERNAL_SERVER_ERROR, never a hang (every request has a 15 s timeout, counted as a failure).
 *
 * Exits non-zero on any failed assertion; the cluster and the servers are torn down in any case.
 * Needs root (or the postgres user) and Debian's pg_auto_failover packages, which up.sh installs.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, openSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { createApp } from '../../src/app.js';
import { signDevToken, type DevTokenClaims } from '../../src/auth/tokens.js';
import { loadConfig } from '../../src/config.js';
import { rows, type Database } from '../../src/db/client.js';
import { openConfiguredDatabase } from '../../src/db/open.js';
import {
  allowFurnishing,
  borrower,
  consent,
  defaultedDeals,
  FILE_CLAIM,
  FURNISH,
  institution,
  PAY_CLAIM,
  record,
  SUBMIT,
  type BorrowerHandle,
  type Inst,
} from '../factories.js';
import type { GqlResult, TestApp } from '../helpers/app.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CLUSTER = path.join(ROOT, 'scripts/cluster');
const SECRET = 'failover-test-secret-0123456789-abcdef-0123';
const REQUEST_TIMEOUT_MS = 15_000;
const RTO_LIMIT_S = 30;
const WORKERS = 8;
const CLAIMS_PER_PHASE = 6;
const PORTS = [4101, 4102];

const log = (...a: unknown[]) => console.log(`[failover ${new Date().toISOString().slice(11, 23)}]`, ...a);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const failures: string[] = [];
function check(ok: boolean, what: string) {
  if (!ok) failures.push(what);
  log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
}

function sh(script: string, ...args: string[]): string {
  return execFileSync('bash', [path.join(CLUSTER, script), ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
}

function clusterUrls(): { DATABASE_URL: string; READ_DATABASE_URL: string } {
  const dir = process.env.CLUSTER_DIR ?? '/var/tmp/credit-share-cluster';
  const env = Object.fromEntries(
    readFileSync(path.join(dir, 'urls.env'), 'utf8')
      .split('\n')
      .filter((l) => l.includes('='))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
  return env as { DATABASE_URL: string; READ_DATABASE_URL: string };
}

// ---------------------------------------------------------------- API servers

interface Server {
  port: number;
  proc: ChildProcess;
}

async function startServer(port: number, env: Record<string, string>, logDir: string): Promise<Server> {
  const out = openSync(path.join(logDir, `server-${port}.log`), 'a');
  const proc = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', out, out],
  });
  const until = Date.now() + 120_000;
  while (Date.now() < until) {
    if (proc.exitCode !== null) throw new Error(`server :${port} exited (${proc.exitCode}); see ${logDir}/server-${port}.log`);
    try {
      const r = await fetch(`http://127.0.0.1:${port}/readyz`, { signal: AbortSignal.timeout(2000) });
      if (r.status === 200) return { port, proc };
    } catch {
      /* not listening yet */
    }
    await sleep(250);
  }
  throw new Error(`server :${port} not ready in 120 s`);
}

interface Reply {
  status: number;
  retryAfter: string | null;
  body: GqlResult | null;
  timedOut: boolean;
  ms: number;
}

async function post(port: number, token: string, query: string, variables: Record<string, unknown>): Promise<Reply> {
  const started = performance.now();
  try {
    const res = await fetch(`http://127.0.0.1:${port}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables }),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const text = await res.text();
    let body: GqlResult | null = null;
    try {
      body = JSON.parse(text) as GqlResult;
    } catch {
      /* not JSON: counted as a failure below */
    }
    return { status: res.status, retryAfter: res.headers.get('retry-after'), body, timedOut: false, ms: performance.now() - started };
  } catch (err) {
    const timedOut = (err as Error).name === 'TimeoutError' || (err as Error).name === 'AbortError';
    return { status: 0, retryAfter: null, body: null, timedOut, ms: performance.now() - started };
  }
}

// ---------------------------------------------------------------- the load

interface Outcome {
  op: string;
  port: number;
  start: number;
  end: number;
  ok: boolean;
  status: number;
  code: string | null;
  retryAfter: string | null;
  timedOut: boolean;
}

interface World {
  bank: Inst;
  insurer: Inst;
  admin: string;
  /** One borrower per worker: its consents and applications. */
  borrowers: BorrowerHandle[];
  /** Borrowers the bank may furnish for (FURNISHING consent). */
  furnishFor: string[];
}

interface Ledger {
  outcomes: Outcome[];
  consents: string[];
  furnishedAcked: string[][];
  furnishedFailed: string[][];
  /** idempotency key → the application id the (final) successful reply named */
  applications: Map<string, string>;
  /** claim id → the claim as the successful payClaim replied */
  claimsPaid: Map<string, { status: string }>;
}

const newLedger = (): Ledger => ({
  outcomes: [],
  consents: [],
  furnishedAcked: [],
  furnishedFailed: [],
  applications: new Map(),
  claimsPaid: new Map(),
});

let seq = 0;

async function runLoad(world: World, claims: string[], L: Ledger, stop: { now: boolean }, label: string) {
  const claimQueue = [...claims];
  const call = async (op: string, port: number, token: string, query: string, variables: Record<string, unknown>) => {
    const start = Date.now();
    const r = await post(port, token, query, variables);
    const code = (r.body?.errors?.[0]?.extensions?.code as string | undefined) ?? null;
    const ok = r.status === 200 && !r.body?.errors?.length && !!r.body?.data;
    L.outcomes.push({ op, port, start, end: Date.now(), ok, status: r.status, code, retryAfter: r.retryAfter, timedOut: r.timedOut });
    return { ok, r };
  };
  /** A keyed write: the same key again until it is acknowledged (the client's retry after a 503). */
  const untilDone = async (op: string, first: number, token: string, query: string, variables: Record<string, unknown>) => {
    const giveUp = Date.now() + 90_000;
    for (let attempt = 0; Date.now() < giveUp; attempt++) {
      const port = PORTS[(first + attempt) % PORTS.length];
      const { ok, r } = await call(op, port, token, query, variables);
      if (ok) return r.body!.data as Record<string, any>;
      await sleep(200);
    }
    throw new Error(`${op} with key ${String(variables.k)} never acknowledged`);
  };

  await Promise.all(
    Array.from({ length: WORKERS }, async (_, w) => {
      const me = world.borrowers[w];
      for (let i = 0; !stop.now; i++) {
        const port = PORTS[(w + i) % PORTS.length];
        const n = ++seq;
        switch (i % 4) {
          case 0: {
            const refs = [0, 1, 2].map((j) => `FO-${label}-${n}-${j}`);
            const b = world.furnishFor[n % world.furnishFor.length];
            const { ok } = await call('furnish', port, world.bank.token, FURNISH, {
              r: refs.map((accountRef) => record({ borrowerId: b, accountRef, originalAmount: '5000.00', balance: '5000.00' })),
            });
            (ok ? L.furnishedAcked : L.furnishedFailed).push(refs);
            break;
          }
          case 1: {
            const expiresAt = new Date(Date.now() + 30 * 86_400_000).toISOString();
            const { ok, r } = await call(
              'consent',
              port,
              me.token,
              `mutation($i: ID!, $e: DateTime!) { grantConsent(institutionId: $i, purpose: UNDERWRITING, expiresAt: $e) { id } }`,
              { i: world.insurer.id, e: expiresAt },
            );
            if (ok) L.consents.push((r.body!.data as any).grantConsent.id);
            break;
          }
          case 2: {
            const k = `fo-app-${label}-${n}`;
            const data = await untilDone('submitApplication', w + i, me.token, SUBMIT, {
              i: {
                bankId: world.bank.id,
                insurerId: world.insurer.id,
                amount: '1000.00',
                termYears: 1,
                interestRate: '0.05',
                repaymentMethod: 'INTEREST_ONLY_BULLET',
                loanPurpose: '扩大养殖规模',
              },
              k,
            });
            L.applications.set(k, data.submitApplication.id);
            break;
          }
          case 3: {
            const c = claimQueue.shift();
            if (!c) {
              await sleep(50);
              break;
            }
            const data = await untilDone('payClaim', w + i, world.insurer.token, PAY_CLAIM, { c, k: `fo-pay-${c}` });
            L.claimsPaid.set(c, data.payClaim);
            break;
          }
        }
      }
    }),
  );
  // the claims no worker reached before the stop: paid now, so that every one is checked
  for (const c of claimQueue) {
    const data = await untilDone('payClaim', 0, world.insurer.token, PAY_CLAIM, { c, k: `fo-pay-${c}` });
    L.claimsPaid.set(c, data.payClaim);
  }
}

// ---------------------------------------------------------------- assertions

async function verify(db: Database, world: World, L: Ledger, phase: string) {
  const consentIds = new Set(
    (await rows<{ id: string }>(db.orm, sql`select id::text from consents where purpose = 'UNDERWRITING'`)).map((r) => r.id),
  );
  const lostConsents = L.consents.filter((id) => !consentIds.has(id));
  check(lostConsents.length === 0, `${phase}: all ${L.consents.length} acknowledged consents present (lost ${lostConsents.length})`);

  const refs = new Set(
    (
      await rows<{ ref: string }>(
        db.orm,
        sql`select account_ref as ref from credit_accounts where institution_id = ${world.bank.id} and account_ref like 'FO-%'`,
      )
    ).map((r) => r.ref),
  );
  const lostBatches = L.furnishedAcked.filter((b) => !b.every((r) => refs.has(r)));
  check(
    lostBatches.length === 0,
    `${phase}: all ${L.furnishedAcked.length} acknowledged furnishing batches present (lost ${lostBatches.length})`,
  );
  const partial = [...L.furnishedAcked, ...L.furnishedFailed].filter((b) => {
    const n = b.filter((r) => refs.has(r)).length;
    return n !== 0 && n !== b.length;
  });
  check(
    partial.length === 0,
    `${phase}: every furnishing batch all or nothing (${L.furnishedFailed.length} refused batches: ${L.furnishedFailed.filter((b) => refs.has(b[0])).length} committed whole before the answer was lost, the rest absent)`,
  );

  const appRows = await rows<{ id: string }>(
    db.orm,
    sql`select a.id::text from applications a where a.borrower_id in (${sql.join(
      world.borrowers.map((b) => sql`${b.id}::uuid`),
      sql`, `,
    )})`,
  );
  const appIds = new Set(appRows.map((r) => r.id));
  const ackedApps = [...L.applications.values()];
  const lostApps = ackedApps.filter((id) => !appIds.has(id));
  check(lostApps.length === 0, `${phase}: all ${ackedApps.length} acknowledged applications present (lost ${lostApps.length})`);
  check(
    appRows.length === ackedApps.length && new Set(ackedApps).size === ackedApps.length,
    `${phase}: one application per idempotency key, retries included (${appRows.length} rows for ${ackedApps.length} keys)`,
  );

  const paidTwice = await rows<{ claim: string; n: number }>(
    db.orm,
    sql`select claim_id::text as claim, count(*)::int as n from ledger_transactions where kind = 'CLAIM_PAYMENT' group by claim_id having count(*) > 1`,
  );
  check(paidTwice.length === 0, `${phase}: no claim paid twice (${paidTwice.length} paid more than once)`);
  const claimIds = [...L.claimsPaid.keys()];
  const paid = claimIds.length
    ? await rows<{ id: string; status: string; payments: number }>(
        db.orm,
        sql`select c.id::text, c.status, (select count(*)::int from ledger_transactions t where t.claim_id = c.id and t.kind = 'CLAIM_PAYMENT') as payments
            from claims c where c.id in (${sql.join(
              claimIds.map((c) => sql`${c}::uuid`),
              sql`, `,
            )})`,
      )
    : [];
  check(
    paid.length === claimIds.length && paid.every((c) => c.status === 'PAID' && c.payments === 1),
    `${phase}: each of the ${claimIds.length} claims paid exactly once (PAID with one CLAIM_PAYMENT)`,
  );

  const tb = await post(PORTS[0], world.admin, `{ trialBalance { total accountsOutOfBalance unbalancedTransactions } }`, {});
  const t = (tb.body?.data as any)?.trialBalance;
  check(
    !!t && Number(t.total) === 0 && t.accountsOutOfBalance === 0 && t.unbalancedTransactions === 0,
    `${phase}: trial balance zero (${JSON.stringify(t ?? tb.body?.errors)})`,
  );
}

function summarize(L: Ledger, crashAt: number, phase: string) {
  const o = L.outcomes;
  const bad = o.filter((x) => !x.ok);
  const wrong = bad.filter((x) => !(x.status === 503 && x.code === 'SERVICE_UNAVAILABLE' && x.retryAfter !== null));
  const codes: Record<string, number> = {};
  for (const x of bad) {
    const k = x.timedOut ? 'TIMEOUT' : `${x.status} ${x.code ?? '(no code)'}`;
    codes[k] = (codes[k] ?? 0) + 1;
  }
  const writesAfter = o.filter((x) => x.start >= crashAt);
  const firstOk = writesAfter.find((x) => x.ok) ? Math.min(...writesAfter.filter((x) => x.ok).map((x) => x.end)) : NaN;
  const failedAfter = writesAfter.filter((x) => !x.ok);
  const lastFail = failedAfter.length ? Math.max(...failedAfter.map((x) => x.end)) : crashAt;
  const rtoFirst = (firstOk - crashAt) / 1000;
  const rtoLast = (lastFail - crashAt) / 1000;
  const slowest = Math.max(...bad.map((x) => x.end - x.start), 0);
  log(
    `${phase}: ${o.length} requests (${o.filter((x) => x.ok).length} acknowledged, ${bad.length} refused), error codes ${JSON.stringify(codes)}, slowest refusal ${slowest} ms`,
  );
  log(`${phase}: RTO ${rtoFirst.toFixed(1)} s to the first write accepted after the crash; last refusal ${rtoLast.toFixed(1)} s after it`);
  check(wrong.length === 0, `${phase}: every failed request was 503 SERVICE_UNAVAILABLE with Retry-After (${wrong.length} were not)`);
  check(!bad.some((x) => x.timedOut), `${phase}: no request hung past ${REQUEST_TIMEOUT_MS / 1000} s`);
  check(
    Number.isFinite(rtoFirst) && rtoLast < RTO_LIMIT_S,
    `${phase}: writes accepted again within ${RTO_LIMIT_S} s (RTO ${rtoLast.toFixed(1)} s)`,
  );
  check(bad.length > 0, `${phase}: the crash was felt by the load (${bad.length} refusals), so the test tested something`);
  return { requests: o.length, refused: bad.length, codes, rtoFirst, rtoLast };
}

// ---------------------------------------------------------------- the run

async function waitStable(timeoutS: number) {
  const until = Date.now() + timeoutS * 1000;
  while (Date.now() < until) {
    const state = sh('node.sh', 'state');
    const lines = state.split('\n').filter((l) => /\|\s*\d+\s*\|/.test(l));
    const settled = lines.map((l) => l.split('|').map((c) => c.trim())).filter((c) => c[5] === c[6]);
    const roles = settled.map((c) => c[5]).sort();
    if (lines.length === 3 && settled.length === 3 && roles.join(',') === 'primary,secondary,secondary') return;
    await sleep(500);
  }
  throw new Error(`cluster not back to primary + 2 secondaries in ${timeoutS} s:\n${sh('node.sh', 'state')}`);
}

async function phase(world: World, claims: string[], label: string, all: Ledger[]) {
  const L = newLedger();
  all.push(L);
  const primary = sh('node.sh', 'primary').trim();
  log(`${label}: load through :${PORTS.join(' and :')}, primary is ${primary}`);
  const stop = { now: false };
  const load = runLoad(world, claims, L, stop, label);
  await sleep(4000);
  const crashAt = Date.now();
  log(`${label}: crash ${primary} (keeper killed, pg_ctl stop -m immediate)`);
  sh('node.sh', 'crash', primary);
  // run on until writes have been accepted for 3 s in a row, at most 45 s
  const until = crashAt + 45_000;
  while (Date.now() < until) {
    await sleep(500);
    const recent = L.outcomes.filter((x) => x.start > Date.now() - 3000);
    if (Date.now() - crashAt > 4000 && recent.length > 5 && recent.every((x) => x.ok)) break;
  }
  stop.now = true;
  await load;
  log(`${label}: promoted ${sh('node.sh', 'primary').trim()}`);
  return { crashed: primary, crashAt, L };
}

async function main() {
  const started = Date.now();
  const logDir = mkdtempSync(path.join(tmpdir(), 'credit-share-failover-'));
  const servers: Server[] = [];
  let db: Database | undefined;
  const report: Record<string, unknown> = {};
  try {
    log('cluster: down (leftovers), then up');
    sh('down.sh');
    process.stdout.write(sh('up.sh'));
    const urls = clusterUrls();
    const env = {
      NODE_ENV: 'development',
      DATABASE_URL: urls.DATABASE_URL,
      READ_DATABASE_URL: urls.READ_DATABASE_URL,
      JWT_SECRET: SECRET,
      DEMO_DATA: 'off',
      LOG_LEVEL: 'warn',
      DB_POOL_SIZE: '8',
      RATE_LIMIT_ACTOR_PER_MINUTE: '0',
      RATE_LIMIT_IP_PER_MINUTE: '0',
      // the scheduled jobs run too: they must not break, and only one replica runs each tick
      EVENT_INTERVAL_SECONDS: '2',
      SHUTDOWN_GRACE_MS: '2000',
    };

    // migrate once (the servers find the migrations applied), then the setup in this process
    const config = loadConfig({ ...env, LOG_LEVEL: 'silent' });
    db = await openConfiguredDatabase(config);
    const clock = { now: new Date(Date.now() - 131 * 86_400_000) };
    const app = await createApp({ config, db, clock: () => clock.now });
    const t = {
      app,
      tdb: { db, url: urls.DATABASE_URL, drop: async () => {} },
      config,
      get now() {
        return clock.now;
      },
      setNow(d: Date | string) {
        clock.now = new Date(d);
      },
      token: (claims: DevTokenClaims, ttl?: number) => signDevToken(config.jwt, claims, ttl),
      async gql(token: string | null, query: string, variables?: Record<string, unknown>) {
        const contextValue = await app.contextFor(token === null ? undefined : `Bearer ${token}`);
        const res = await app.apollo.executeOperation({ query, variables }, { contextValue });
        if (res.body.kind !== 'single') throw new Error('unexpected incremental result');
        return res.body.singleResult as GqlResult;
      },
      close: async () => {},
    } as unknown as TestApp;

    const setupStarted = Date.now();
    const [bank, insurer] = [await institution(t, 'BANK'), await institution(t, 'INSURER')];
    const owner = await borrower(t, bank);
    await consent(t, owner, bank);
    const borrowers: BorrowerHandle[] = [];
    for (let i = 0; i < WORKERS; i++) borrowers.push(await borrower(t, bank));
    const furnishFor = borrowers.slice(0, 4).map((b) => b.id);
    for (const b of furnishFor) await allowFurnishing(t, b, bank);
    // defaulted loans with claims filed, their payment left to the load (moves the clock to yesterday)
    const deals = await defaultedDeals(t, owner, bank, insurer, CLAIMS_PER_PHASE * 2);
    const claims: string[] = [];
    for (const d of deals) {
      const r = await t.gql(bank.token, FILE_CLAIM, { l: d.loanId, k: `fo-file-${d.loanId}` });
      if (r.errors?.length) throw new Error(`fileClaim: ${JSON.stringify(r.errors)}`);
      claims.push((r.data as any).fileClaim.id);
    }
    await app.stop();
    const admin = await signDevToken(config.jwt, { sub: 'failover-admin', role: 'ADMIN' });
    const world: World = { bank, insurer, admin, borrowers, furnishFor };
    log(`setup: ${deals.length} defaulted loans with claims filed, ${borrowers.length} borrowers, in ${Date.now() - setupStarted} ms`);

    for (const port of PORTS) servers.push(await startServer(port, env, logDir));
    log(`servers: ${servers.map((s) => `:${s.port} (pid ${s.proc.pid})`).join(', ')}; logs in ${logDir}`);

    const ledgers: Ledger[] = [];
    const a = await phase(world, claims.slice(0, CLAIMS_PER_PHASE), 'A', ledgers);
    await verify(db, world, a.L, 'A');
    report.A = { crashed: a.crashed, ...summarize(a.L, a.crashAt, 'A') };

    log(`A: ${a.crashed} back (pg_autoctl run), rejoining as a secondary`);
    const back = Date.now();
    sh('node.sh', 'start', a.crashed);
    await waitStable(120);
    log(`A: ${a.crashed} is a secondary again after ${((Date.now() - back) / 1000).toFixed(1)} s`);

    const b = await phase(world, claims.slice(CLAIMS_PER_PHASE), 'B', ledgers);
    // the first phase's writes too: they survived the second failover as well
    const merged: Ledger = {
      outcomes: [...a.L.outcomes, ...b.L.outcomes],
      consents: [...a.L.consents, ...b.L.consents],
      furnishedAcked: [...a.L.furnishedAcked, ...b.L.furnishedAcked],
      furnishedFailed: [...a.L.furnishedFailed, ...b.L.furnishedFailed],
      applications: new Map([...a.L.applications, ...b.L.applications]),
      claimsPaid: new Map([...a.L.claimsPaid, ...b.L.claimsPaid]),
    };
    await verify(db, world, merged, 'B (both phases)');
    report.B = { crashed: b.crashed, ...summarize(b.L, b.crashAt, 'B') };

    const elected = await rows<{ n: number }>(
      db.orm,
      sql`select count(*)::int as n from pg_stat_activity where application_name = 'credit-share-lock'`,
    );
    log(`scheduled jobs: ${elected[0]?.n ?? 0} election session(s) open now (one replica runs each tick)`);
  } catch (err) {
    failures.push(`run aborted: ${(err as Error).stack ?? String(err)}`);
    log('ERROR', err);
  } finally {
    for (const s of servers) s.proc.kill('SIGTERM');
    await Promise.all(servers.map((s) => new Promise((r) => (s.proc.exitCode !== null ? r(null) : s.proc.once('exit', r)))));
    await db?.close().catch(() => {});
    try {
      if (!process.env.KEEP_CLUSTER) sh('down.sh');
    } catch (err) {
      failures.push(`cluster down failed: ${String(err)}`);
    }
  }
  log(`summary: ${JSON.stringify(report)}`);
  log(
    `done in ${((Date.now() - started) / 1000).toFixed(0)} s: ${failures.length ? `${failures.length} FAILED` : 'all assertions passed'}`,
  );
  for (const f of failures) log(`FAILED: ${f}`);
  process.exit(failures.length ? 1 : 0);
}

await main();
