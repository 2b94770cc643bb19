/**
 * The monitoring pipeline's cost, on the real server (src/main.ts, NODE_ENV=test for the
 * loopback receiver) against PostgreSQL: furnishCreditRecords by one bank → domain events in the
 * outbox → the monitoring consumer's alerts for the watching insurer → the webhook fan-out and
 * delivery worker → a Standard Webhooks receiver on 127.0.0.1 in this process.
 *
 * The world, built through GraphQL on a fresh database: borrowers, each with `accountsPerBorrower`
 * loan accounts furnished by the bank at DPD_60 last month and an insurance policy account
 * furnished by the insurer; the "watched" borrowers also grant the insurer a
 * POST_INSURANCE_MANAGEMENT consent (a basis to watch, with the open policy account), the
 * "unwatched" ones do not. The measured furnishing reports DPD_90 this month: RED DPD_90_ELSEWHERE,
 * visible at once because the account is already adverse. Two things are done straight to the
 * tables: the two institutions (no API creates one), and the DPD_60 accounts' prior-notice hold
 * (15 days, 条例 Art 15) moved into the past, as if the notice had run (the server has no test clock).
 *
 * Two server processes on the same database, one after the other:
 *  1. cost: EVENT_INTERVAL_SECONDS=0, the bench drives processEvents (ADMIN) after each batch,
 *     with nothing else running, so furnishing and consuming are timed apart; unwatched and
 *     watched batches of the same size alternate (ABBA) in the same run;
 *  2. pipeline: the production schedule at its shortest (EVENT_INTERVAL_SECONDS=1,
 *     WEBHOOK_INTERVAL_MS=100): watched batches of 1,000 furnished back to back (the sustained rate),
 *     then batches of 100 at about 200 records/s (the latency without a queue); every alert's
 *     arrival at the receiver is timed against its batch's furnishing response (the commit happened
 *     before it), and its signature checked with the Standard Webhooks verifier of the tests.
 */
import postgres from 'postgres';
import { signDevToken } from '../src/auth/tokens.js';
import { residentIdCheckDigit } from '../src/identity.js';
import { startReceiver, verifyStandardWebhook } from '../test/helpers/webhook-receiver.js';
import { BENCH_SECRET, BENCH_SERVER_ENV, benchDatabase, startProcess, stopProcess, waitForHealth } from './common.js';

export interface EventsOptions {
  serverUrl: string;
  dbName: string;
  port: number;
  /** Records per furnishing in the cost phase. */
  batch: number;
  /** Unwatched and watched batches each, in the cost phase (after one warm-up pair). */
  rounds: number;
  /** Batches of 1,000 watched records furnished back to back in the pipeline phase. */
  streamBatches: number;
  /** Seconds of batches of 100 every 500 ms on average (200 records/s) in the pipeline phase. */
  pacedSeconds: number;
  accountsPerBorrower: number;
}

export interface CostSide {
  records: number;
  furnishMs: number[];
  consumerMs: number[];
  /** Events each consumer run took (one per furnished record). */
  batchEvents: number[];
  events: number;
  alerts: number;
  deliveriesQueued: number;
  /** From processEvents' answer until the receiver had every alert of the batch. */
  drainMs: number[];
}

export interface EventsResult {
  borrowers: { watched: number; unwatched: number };
  setupSeconds: number;
  unwatched: CostSide;
  watched: CostSide;
  idleConsumerMs: number;
  /** The stream batches back to back: the sustained rate. */
  burst: StreamResult;
  /** Small batches at a steady pace below capacity: the latency without a queue. */
  paced: StreamResult;
}

export interface StreamResult {
  batches: number;
  batchSize: number;
  everyMs: number;
  alertsExpected: number;
  alertsReceived: number;
  duplicates: number;
  badSignatures: number;
  /** First furnishing request to the last alert's arrival. */
  seconds: number;
  furnishSeconds: number;
  /** Alerts received ÷ seconds. */
  perSecond: number;
  /** Alerts received ÷ (last arrival − first arrival): the delivery side alone. */
  deliveryPerSecond: number;
  commitToDelivery: { p50: number; p99: number; max: number };
  requestToDelivery: { p50: number; p99: number };
}

const STREAM_BATCH = 1000;
const PACED_BATCH = 100;
const PACED_EVERY_MS = 500;
const SETUP_BATCH = 1000;
const jwt = { mode: 'hs256' as const, secret: BENCH_SECRET, isDevSecret: false };
const BANK = 'bench-events-bank';
const INSURER = 'bench-events-insurer';

const quantile = (xs: number[], q: number) => {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)];
};
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

/** A valid, unique resident identity number for borrower n (check digit computed), as the test factories make them. */
function nationalId(n: number): string {
  const birth = `${1960 + (n % 40)}${String(1 + (n % 12)).padStart(2, '0')}${String(1 + (Math.floor(n / 12) % 28)).padStart(2, '0')}`;
  const first17 = `130722${birth}${String(Math.floor(n / 336) % 1000).padStart(3, '0')}`;
  return first17 + residentIdCheckDigit(first17);
}

/** Run `fn` over `items`, `n` at a time. */
async function pool<T, R>(items: T[], n: number, fn: (x: T, i: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i], i);
      }
    }),
  );
  return out;
}

function client(port: number) {
  const url = `http://127.0.0.1:${port}/graphql`;
  return async function gql<T = any>(token: string, query: string, variables: Record<string, unknown> = {}): Promise<T> {
    const r = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await r.json()) as { data?: T; errors?: unknown[] };
    if (body.errors?.length || !body.data) throw new Error(`GraphQL ${r.status}: ${JSON.stringify(body.errors ?? body).slice(0, 500)}`);
    return body.data;
  };
}

const FURNISH = `mutation($r: [CreditRecordInput!]!) { furnishCreditRecords(records: $r) { created updated } }`;
const PROCESS = `mutation { processEvents { events alerts notices deliveriesQueued } }`;
const CONSENT = `mutation($i: ID!, $p: ConsentPurpose!, $e: DateTime!, $s: [AccountKind!]) {
  grantConsent(institutionId: $i, purpose: $p, expiresAt: $e, scope: $s) { id } }`;
const REGISTER = `mutation($i: RegisterBorrowerInput!) { registerBorrower(input: $i) { borrowerId } }`;

/** The business month (Asia/Shanghai) `back` months before now, as its first day. */
function monthStart(back: number): string {
  const d = new Date(Date.now() + 8 * 3600_000);
  const m = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - back, 1));
  return m.toISOString().slice(0, 10);
}

interface Account {
  borrowerId: string;
  accountRef: string;
}

const loanRecord = (a: Account, status: string, statusMonth: string) => ({
  borrowerId: a.borrowerId,
  accountRef: a.accountRef,
  kind: 'LOAN',
  // below the NEW_BORROWING threshold: the only alert is the one measured
  originalAmount: '50000.00',
  balance: '48000.00',
  openedOn: monthStart(6),
  status,
  statusMonth,
});

function serverEnv(opts: EventsOptions, dbUrl: string, eventSeconds: number) {
  return {
    ...BENCH_SERVER_ENV,
    DATABASE_URL: dbUrl,
    // not production: production refuses loopback webhook targets
    NODE_ENV: 'test',
    PORT: String(opts.port),
    EVENT_INTERVAL_SECONDS: String(eventSeconds),
    WEBHOOK_INTERVAL_MS: '100',
    WEBHOOK_ALLOW_LOOPBACK: 'true',
    AGEING_INTERVAL_MINUTES: '0',
  };
}

export async function benchEvents(opts: EventsOptions): Promise<EventsResult> {
  const A = opts.accountsPerBorrower;
  const warm = 100;
  const unwatchedAccounts = warm + opts.rounds * opts.batch;
  const pacedBatches = Math.round((opts.pacedSeconds * 1000) / PACED_EVERY_MS);
  const watchedAccounts = warm + opts.rounds * opts.batch + opts.streamBatches * STREAM_BATCH + pacedBatches * PACED_BATCH;
  const nUnwatched = Math.ceil(unwatchedAccounts / A);
  const nWatched = Math.ceil(watchedAccounts / A);

  // a fresh database each run: the measured furnishing uses its accounts up
  const { url: dbUrl } = await benchDatabase(opts.serverUrl, opts.dbName, 'events', true);
  const sql = postgres(dbUrl, { max: 2, onnotice: () => {} });
  const receiver = await startReceiver();
  try {
    for (const [id, kind] of [
      [BANK, 'BANK'],
      [INSURER, 'INSURER'],
    ])
      await sql`insert into institutions (id, kind, name, created_at) values (${id}, ${kind}, ${`Bench ${kind}`}, now())`;
    const bankToken = await signDevToken(jwt, { sub: `${BANK}-user`, role: 'BANK', inst: BANK });
    const insurerToken = await signDevToken(jwt, { sub: `${INSURER}-user`, role: 'INSURER', inst: INSURER });
    const adminToken = await signDevToken(jwt, { sub: 'bench-admin', role: 'ADMIN' });
    const gql = client(opts.port);
    const processEvents = async () => {
      const t0 = performance.now();
      const r = (await gql(adminToken, PROCESS)).processEvents as { events: number; alerts: number; deliveriesQueued: number };
      return { ...r, ms: performance.now() - t0 };
    };

    /* ---- server 1: setup, then the cost phase (the bench drives the consumer) ---- */
    let child = startProcess(['--import', 'tsx', 'src/main.ts'], serverEnv(opts, dbUrl, 0));
    let setupSeconds = 0;
    let webhookSecret = '';
    const unwatched: CostSide = {
      records: 0,
      furnishMs: [],
      consumerMs: [],
      batchEvents: [],
      events: 0,
      alerts: 0,
      deliveriesQueued: 0,
      drainMs: [],
    };
    const watched: CostSide = {
      records: 0,
      furnishMs: [],
      consumerMs: [],
      batchEvents: [],
      events: 0,
      alerts: 0,
      deliveriesQueued: 0,
      drainMs: [],
    };
    let idleConsumerMs = NaN;
    // account lists, ordered account-major so that a batch spans as many borrowers as it has records
    let watchedList: Account[] = [];
    let unwatchedList: Account[] = [];
    try {
      await waitForHealth(opts.port, child);
      const setupStart = performance.now();
      const expires = new Date(Date.now() + 365 * 86_400_000).toISOString();
      const total = nWatched + nUnwatched;
      const ids = await pool(
        Array.from({ length: total }, (_, i) => i),
        8,
        async (i) => {
          const r = await gql(bankToken, REGISTER, {
            i: {
              name: `监测基准${i}`,
              nationalId: nationalId(i + 1),
              category: 'STARTUP_MICRO_ENTERPRISE',
              county: '张北县',
              sector: 'breeding',
              registeredOn: '2024-03-01',
            },
          });
          const id = r.registerBorrower.borrowerId as string;
          const bt = await signDevToken(jwt, { sub: `borrower-${id.slice(0, 8)}`, role: 'BORROWER', bid: id });
          await gql(bt, CONSENT, { i: BANK, p: 'FURNISHING', e: expires, s: ['LOAN'] });
          await gql(bt, CONSENT, { i: INSURER, p: 'FURNISHING', e: expires, s: ['INSURANCE_POLICY'] });
          return { id, token: bt };
        },
      );
      const watchedB = ids.slice(0, nWatched);
      const unwatchedB = ids.slice(nWatched);
      const accountsOf = (bs: { id: string }[], tag: string) => {
        const out: Account[] = [];
        for (let k = 0; k < A; k++) for (const [j, b] of bs.entries()) out.push({ borrowerId: b.id, accountRef: `${tag}-${j}-${k}` });
        return out;
      };
      watchedList = accountsOf(watchedB, 'W');
      unwatchedList = accountsOf(unwatchedB, 'U');
      // the insurer's open policy account for every borrower (the same data on both sides), then the bank's loans at DPD_60 last month
      const policies = ids.map((b, j) => ({
        borrowerId: b.id,
        accountRef: `P-${j}`,
        kind: 'INSURANCE_POLICY',
        originalAmount: '50000.00',
        balance: '50000.00',
        openedOn: monthStart(6),
        status: 'CURRENT',
        statusMonth: monthStart(1),
      }));
      for (let i = 0; i < policies.length; i += SETUP_BATCH) await gql(insurerToken, FURNISH, { r: policies.slice(i, i + SETUP_BATCH) });
      const loans = [...watchedList, ...unwatchedList].map((a) => loanRecord(a, 'DPD_60', monthStart(1)));
      for (let i = 0; i < loans.length; i += SETUP_BATCH) await gql(bankToken, FURNISH, { r: loans.slice(i, i + SETUP_BATCH) });
      // the prior notice of the first adverse status has run (the one step not taken through the API)
      await sql`update credit_accounts set held_until = now() - interval '1 minute'
        where institution_id = ${BANK} and held_until is not null`;
      // the basis to watch: granted after the setup's furnishing, so none of it raises an alert
      await pool(watchedB, 8, (b) => gql(b.token, CONSENT, { i: INSURER, p: 'POST_INSURANCE_MANAGEMENT', e: expires }));
      while ((await processEvents()).events > 0);
      const [{ n: setupAlerts }] = await sql`select count(*)::int as n from alerts`;
      if (setupAlerts !== 0) throw new Error(`the setup raised ${setupAlerts} alerts; expected none`);
      const hook = await gql(
        insurerToken,
        `mutation($u: String!, $k: String!) { registerWebhook(url: $u, idempotencyKey: $k) { id secret } }`,
        {
          u: receiver.url('/insurer'),
          k: `bench-events-${Date.now()}`,
        },
      );
      webhookSecret = hook.registerWebhook.secret;
      await sql`analyze`;
      setupSeconds = (performance.now() - setupStart) / 1000;
      const idle: number[] = [];
      for (let i = 0; i < 5; i++) idle.push((await processEvents()).ms);
      idleConsumerMs = quantile(idle, 0.5);

      const waitForReceived = async (n: number, timeoutMs: number) => {
        const end = Date.now() + timeoutMs;
        while (receiver.on('/insurer').length < n && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
      };
      let uNext = 0;
      let wNext = 0;
      const runSide = async (side: 'U' | 'W', size: number, measured: boolean) => {
        const list = side === 'U' ? unwatchedList : watchedList;
        const start = side === 'U' ? uNext : wNext;
        const slice = list.slice(start, start + size);
        if (side === 'U') uNext += size;
        else wNext += size;
        const before = receiver.on('/insurer').length;
        const t0 = performance.now();
        await gql(bankToken, FURNISH, { r: slice.map((a) => loanRecord(a, 'DPD_90', monthStart(0))) });
        const furnishMs = performance.now() - t0;
        const run = await processEvents();
        // the deliveries drain before the next batch, so no background work overlaps the next timing
        const t1 = performance.now();
        if (side === 'W') {
          await waitForReceived(before + size, 60_000);
          const got = receiver.on('/insurer').length - before;
          if (got < size) throw new Error(`${got} of ${size} alerts reached the receiver within 60 s`);
        }
        const drainMs = performance.now() - t1;
        if (!measured) return;
        const s = side === 'U' ? unwatched : watched;
        s.records += size;
        s.furnishMs.push(furnishMs);
        s.consumerMs.push(run.ms);
        s.batchEvents.push(run.events);
        s.events += run.events;
        s.alerts += run.alerts;
        s.deliveriesQueued += run.deliveriesQueued;
        if (side === 'W') s.drainMs.push(drainMs);
      };
      await runSide('U', warm, false);
      await runSide('W', warm, false);
      for (let r = 0; r < opts.rounds; r++) {
        const order: ('U' | 'W')[] = r % 2 === 0 ? ['U', 'W'] : ['W', 'U'];
        for (const side of order) await runSide(side, opts.batch, true);
      }
      watchedList = watchedList.slice(wNext);
    } finally {
      await stopProcess(child);
    }

    /* ---- server 2: the pipeline on its own schedule ---- */
    child = startProcess(['--import', 'tsx', 'src/main.ts'], serverEnv(opts, dbUrl, 1));
    try {
      await waitForHealth(opts.port, child);
      // let the first ticks pass on an idle outbox
      await new Promise((r) => setTimeout(r, 1500));
      const burstList = watchedList.slice(0, opts.streamBatches * STREAM_BATCH);
      const pacedList = watchedList.slice(burstList.length, burstList.length + pacedBatches * PACED_BATCH);
      const chunks = (list: Account[], size: number) =>
        Array.from({ length: Math.ceil(list.length / size) }, (_, i) => list.slice(i * size, (i + 1) * size));
      const burst = await measureStream(chunks(burstList, STREAM_BATCH), 0);
      const paced = await measureStream(chunks(pacedList, PACED_BATCH), PACED_EVERY_MS);
      return {
        borrowers: { watched: nWatched, unwatched: nUnwatched },
        setupSeconds,
        unwatched,
        watched,
        idleConsumerMs,
        burst,
        paced,
      };
    } finally {
      await stopProcess(child);
    }

    /**
     * Furnish the batches, one starting every `everyMs` (or as soon as the previous answered),
     * and time each alert's arrival at the receiver against its batch's answer (after the commit)
     * and request (the event's occurredAt is taken when the request starts).
     */
    async function measureStream(batches: Account[][], everyMs: number): Promise<StreamResult> {
      const receivedBefore = receiver.on('/insurer').length;
      const batchOf = new Map<string, number>();
      const sentAt: number[] = [];
      const answeredAt: number[] = [];
      const start = Date.now();
      let due = start;
      for (const [b, slice] of batches.entries()) {
        // spaced 0.5–1.5 × everyMs apart (golden-ratio steps: spread, repeatable), so the batches do not lock onto the consumer's 1 s tick
        if (b > 0) due += everyMs * (0.5 + ((b * 0.6180339887) % 1));
        if (Date.now() < due) await new Promise((r) => setTimeout(r, due - Date.now()));
        for (const a of slice) batchOf.set(a.accountRef, b);
        sentAt.push(Date.now());
        await gql(bankToken, FURNISH, { r: slice.map((a) => loanRecord(a, 'DPD_90', monthStart(0))) });
        answeredAt.push(Date.now());
      }
      const furnishSeconds = (Date.now() - start) / 1000;
      const expected = sum(batches.map((b) => b.length));
      const end = Date.now() + 120_000;
      const streamed = () => receiver.on('/insurer').slice(receivedBefore);
      while (new Set(streamed().map((r) => r.headers['webhook-id'])).size < expected && Date.now() < end)
        await new Promise((r) => setTimeout(r, 20));
      const commit: number[] = [];
      const request: number[] = [];
      const seen = new Set<string>();
      let duplicates = 0;
      let badSignatures = 0;
      let first = Infinity;
      let last = start;
      for (const r of streamed()) {
        const id = String(r.headers['webhook-id']);
        if (seen.has(id)) {
          duplicates++;
          continue;
        }
        seen.add(id);
        try {
          verifyStandardWebhook(webhookSecret, r.headers, r.body, Math.floor(r.at / 1000));
        } catch {
          badSignatures++;
        }
        const b = batchOf.get(JSON.parse(r.body).data?.detail?.accountRef);
        if (b === undefined) continue;
        commit.push(r.at - answeredAt[b]);
        request.push(r.at - sentAt[b]);
        first = Math.min(first, r.at);
        last = Math.max(last, r.at);
      }
      return {
        batches: batches.length,
        batchSize: batches[0]?.length ?? 0,
        everyMs,
        alertsExpected: expected,
        alertsReceived: seen.size,
        duplicates,
        badSignatures,
        seconds: (last - start) / 1000,
        furnishSeconds,
        perSecond: commit.length / ((last - start) / 1000),
        deliveryPerSecond: commit.length / Math.max(0.001, (last - first) / 1000),
        commitToDelivery: { p50: quantile(commit, 0.5), p99: quantile(commit, 0.99), max: Math.max(...commit) },
        requestToDelivery: { p50: quantile(request, 0.5), p99: quantile(request, 0.99) },
      };
    }
  } finally {
    await receiver.close();
    await sql.end();
  }
}

/** The section's markdown, as bench/run.ts prints it. */
export function printEvents(r: EventsResult, fmt: (n: number, d?: number) => string) {
  // per batch, then the median over batches (the min–max beside it): one stall on a shared machine moves a mean
  const batch = (s: CostSide) => s.records / s.furnishMs.length;
  const perRecordAll = (s: CostSide) => s.furnishMs.map((ms) => ms / batch(s));
  const perEventAll = (s: CostSide) => s.consumerMs.map((ms, i) => ms / Math.max(1, s.batchEvents[i]));
  const perRecord = (s: CostSide) => quantile(perRecordAll(s), 0.5);
  const perEvent = (s: CostSide) => quantile(perEventAll(s), 0.5);
  const spread = (xs: number[]) => `${quantile(xs, 0.5).toFixed(3)} (${Math.min(...xs).toFixed(3)}–${Math.max(...xs).toFixed(3)})`;
  console.log(
    '| furnishCreditRecords, DPD_60 → DPD_90 | records | furnish ms/record, median batch (min–max) | consumer ms/event, median batch (min–max) | alerts | deliveries | delivery drain ms/alert |',
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- |');
  for (const [name, s] of [
    ['nobody watching', r.unwatched],
    ['an insurer watching each borrower', r.watched],
  ] as const) {
    const drain = s.drainMs.length ? (sum(s.drainMs) / s.alerts).toFixed(3) : '–';
    console.log(
      `| ${name} (${s.furnishMs.length} × ${fmt(batch(s))}) | ${fmt(s.records)} | ${spread(perRecordAll(s))} | ${spread(perEventAll(s))} | ${fmt(s.alerts)} | ${fmt(s.deliveriesQueued)} | ${drain} |`,
    );
  }
  const sign = (x: number) => `${x >= 0 ? '+' : ''}${x.toFixed(3)}`;
  console.log(
    `\n  added per furnished record with a watcher: furnishing ${sign(perRecord(r.watched) - perRecord(r.unwatched))} ms (${(perRecord(r.watched) / perRecord(r.unwatched)).toFixed(2)}×), consumer ${sign(perEvent(r.watched) - perEvent(r.unwatched))} ms (${(perEvent(r.watched) / perEvent(r.unwatched)).toFixed(2)}×); processEvents with nothing to do takes ${r.idleConsumerMs.toFixed(1)} ms, included on both sides (${(r.idleConsumerMs / batch(r.watched)).toFixed(3)} ms/event at this batch size)`,
  );
  console.log(
    '\n| pipeline, EVENT_INTERVAL_SECONDS=1, WEBHOOK_INTERVAL_MS=100 | alerts/s | delivery alerts/s | commit→delivery p50 ms | p99 ms | max ms | received | duplicates | bad signatures |',
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const [name, s] of [
    [`burst: ${r.burst.batches} × ${fmt(r.burst.batchSize)} records back to back`, r.burst],
    [`paced: ${r.paced.batches} × ${fmt(r.paced.batchSize)} records, one every ${r.paced.everyMs} ms on average`, r.paced],
  ] as const) {
    console.log(
      `| ${name} | ${fmt(s.perSecond)} | ${fmt(s.deliveryPerSecond)} | ${fmt(s.commitToDelivery.p50)} | ${fmt(s.commitToDelivery.p99)} | ${fmt(s.commitToDelivery.max)} | ${fmt(s.alertsReceived)}/${fmt(s.alertsExpected)} | ${s.duplicates} | ${s.badSignatures} |`,
    );
  }
  const b = r.burst;
  console.log(
    `\n  alerts/s: distinct alerts received ÷ (last arrival − first furnishing request); burst ${b.seconds.toFixed(1)} s, of which furnishing ${b.furnishSeconds.toFixed(1)} s; delivery alerts/s: ÷ (last − first arrival)`,
  );
  console.log(
    `  commit→delivery: arrival at the receiver − the furnishing's answer (its transaction committed before); from the request's start (the event's occurredAt): burst p50 ${fmt(b.requestToDelivery.p50)} / p99 ${fmt(b.requestToDelivery.p99)} ms, paced p50 ${fmt(r.paced.requestToDelivery.p50)} / p99 ${fmt(r.paced.requestToDelivery.p99)} ms`,
  );
}
