/**
 * Scaling figures (issue 15 part 5): the HA cluster of scripts/cluster (pg_auto_failover: a
 * primary, a synchronous secondary and an asynchronous read replica on 127.0.0.1), with
 *
 * - `creditProfile` throughput through ONE API replica against TWO (two processes on two ports,
 *   the same total client connections split between them), in interleaved reps, with the load
 *   average and where the machine's CPU went (per process group, from /proc) for each;
 * - the database-side ceiling of the same work without HTTP or GraphQL: the profile statement
 *   (consent check + inquiry insert + audit insert + profile) in a loop, on the single server and
 *   on the cluster's primary (synchronous commit), transactions/s from pg_stat_database;
 * - `programmeMetrics` p50/p99 from a server reading metrics through READ_DATABASE_URL (the
 *   replica) against one reading the primary, requests alternating between the two.
 *
 * The cluster runs in its own directory and on its own ports (BENCH_CLUSTER_DIR, 6100–6103 by
 * default), so a failover test's cluster on 6000–6003 is left alone; it is stopped at the end
 * unless `keepCluster`.
 */
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, loadavg } from 'node:os';
import autocannon from 'autocannon';
import { PgDialect } from 'drizzle-orm/pg-core';
import postgres from 'postgres';
import { signDevToken } from '../src/auth/tokens.js';
import { profileStatement } from '../src/modules/credit/profile.js';
import { inquiryWindowStart, retentionCutoff } from '../src/modules/credit/rules.js';
import { businessDate } from '../src/time.js';
import {
  BENCH_SECRET,
  BENCH_SERVER_ENV,
  committedTransactions,
  median,
  percentile,
  timedQuery,
  startProcess,
  stopProcess,
  waitForHealth,
} from './common.js';
import { profileDataset, type DatasetSpec } from './dataset.js';
import { DASHBOARD_QUERY, ensureMetricsDataset } from './metrics.js';
import { PROFILE_QUERY } from './profile.js';

export interface ScalingOptions {
  /** The single PostgreSQL server (the database-side ceiling's baseline). */
  serverUrl: string;
  port: number;
  connections: number;
  duration: number;
  reps: number;
  borrowers: number;
  loans: number;
  metricsRuns: number;
  fresh: boolean;
  keepCluster: boolean;
  /** Also one against two API replicas on the single server (serverUrl). */
  single: boolean;
}

export const CLUSTER_ENV = {
  CLUSTER_DIR: process.env.BENCH_CLUSTER_DIR ?? '/var/tmp/credit-share-scaling',
  MONITOR_PORT: process.env.BENCH_CLUSTER_PORT ?? '6100',
  NODE1_PORT: String(Number(process.env.BENCH_CLUSTER_PORT ?? '6100') + 1),
  NODE2_PORT: String(Number(process.env.BENCH_CLUSTER_PORT ?? '6100') + 2),
  REPLICA_PORT: String(Number(process.env.BENCH_CLUSTER_PORT ?? '6100') + 3),
};
const NODES = { node1: CLUSTER_ENV.NODE1_PORT, node2: CLUSTER_ENV.NODE2_PORT, replica: CLUSTER_ENV.REPLICA_PORT };
const BANKS = ['saibei-rural-bank', 'chongli-city-bank', 'zhangyuan-village-bank'];
const JWT = { mode: 'hs256' as const, secret: BENCH_SECRET, isDevSecret: false };
const SERVER_ENV = BENCH_SERVER_ENV;

/** `npm run cluster:up|down` when package.json has it, else the script itself; its output only on failure. */
function cluster(verb: 'up' | 'down'): { ok: boolean; output: string; seconds: number } {
  const t0 = performance.now();
  const scripts = JSON.parse(readFileSync('package.json', 'utf8')).scripts ?? {};
  const [cmd, args] = scripts[`cluster:${verb}`]
    ? ['npm', ['run', '--silent', `cluster:${verb}`]]
    : ['bash', [`scripts/cluster/${verb}.sh`]];
  const r = spawnSync(cmd, args, { env: { ...process.env, ...CLUSTER_ENV }, encoding: 'utf8', timeout: 600_000 });
  return {
    ok: r.status === 0,
    output: `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? String(r.error) : ''}`,
    seconds: (performance.now() - t0) / 1000,
  };
}

const hostUrl = (port: string, db: string) => `postgres://postgres@127.0.0.1:${port}/${db}`;
/** The application's URL: both candidates, postgres.js finds the one that takes writes. */
const clusterUrl = (db: string) =>
  `postgres://postgres@127.0.0.1:${NODES.node1},127.0.0.1:${NODES.node2}/${db}?target_session_attrs=read-write`;

async function one<T>(url: string, q: string): Promise<T> {
  const sql = postgres(url, { max: 1, onnotice: () => {}, connect_timeout: 5 });
  try {
    return (await sql.unsafe(q))[0] as T;
  } finally {
    await sql.end();
  }
}

async function primaryPort(): Promise<string> {
  for (const port of [NODES.node1, NODES.node2]) {
    const r = await one<{ primary: boolean }>(hostUrl(port, 'postgres'), 'select not pg_is_in_recovery() as primary').catch(() => null);
    if (r?.primary) return port;
  }
  throw new Error('no primary in the cluster');
}

/** Waits until the replica has replayed everything the primary has written so far. */
async function replicaCaughtUp(primary: string) {
  const { lsn } = await one<{ lsn: string }>(hostUrl(primary, 'postgres'), 'select pg_current_wal_lsn()::text as lsn');
  for (let i = 0; i < 600; i++) {
    const r = await one<{ ok: boolean }>(hostUrl(NODES.replica, 'postgres'), `select pg_last_wal_replay_lsn() >= '${lsn}'::pg_lsn as ok`);
    if (r.ok) return;
    await new Promise((res) => setTimeout(res, 200));
  }
  throw new Error('the read replica did not catch up in 120 s');
}

/** The CPU groups of this run: the API replicas, each cluster node's Postgres, the keepers, the single server. */
function groups(api: Record<string, number>, singlePostmaster: number): CpuGroups {
  const pm = (dir: string) => {
    try {
      return Number(readFileSync(`${dir}/postmaster.pid`, 'utf8').split('\n')[0]);
    } catch {
      return -1;
    }
  };
  const postmasters: Record<string, number> = {};
  for (const n of Object.keys(NODES)) postmasters[`postgres ${n}`] = pm(`${CLUSTER_ENV.CLUSTER_DIR}/${n}`);
  postmasters['postgres monitor'] = pm(`${CLUSTER_ENV.CLUSTER_DIR}/monitor`);
  postmasters['postgres single'] = singlePostmaster;
  return { api, postmasters, self: process.pid };
}

interface LoadRep {
  rep: number;
  reqPerSec: number;
  p50: number;
  p99: number;
  errors: number;
  requests: number;
  txPerSec: number;
  load1: number;
  cpu: CpuShare;
}

async function load(
  targets: { port: number; connections: number }[],
  duration: number,
  ids: string[],
  headers: Record<string, string>[],
  tx: () => Promise<number>,
) {
  const body = () =>
    JSON.stringify({ query: PROFILE_QUERY, variables: { b: ids[Math.floor(Math.random() * ids.length)], p: 'LOAN_APPLICATION' } });
  let errors = 0;
  const run = (port: number, connections: number) =>
    autocannon({
      url: `http://127.0.0.1:${port}/graphql`,
      connections,
      duration,
      method: 'POST',
      requests: [
        {
          setupRequest: (req: any) => ({
            ...req,
            headers: { 'content-type': 'application/json', ...headers[Math.floor(Math.random() * headers.length)] },
            body: body(),
          }),
          onResponse: (status: number, resBody: string) => {
            if (status !== 200 || resBody.includes('"errors"')) errors++;
          },
        },
      ],
    } as any);
  const tx0 = await tx();
  const t0 = performance.now();
  const rs = await Promise.all(targets.map((t) => run(t.port, t.connections)));
  const seconds = (performance.now() - t0) / 1000;
  await new Promise((res) => setTimeout(res, 1000)); // pg_stat_database flushes
  const tx1 = await tx();
  const requests = rs.reduce((s, r) => s + r.requests.total, 0);
  return {
    reqPerSec: rs.reduce((s, r) => s + r.requests.average, 0),
    // over the replicas: the mean median, the worst p99
    p50: rs.reduce((s, r) => s + r.latency.p50, 0) / rs.length,
    p99: Math.max(...rs.map((r) => r.latency.p99)),
    errors: errors + rs.reduce((s, r) => s + r.errors + r.non2xx, 0),
    requests,
    txPerSec: (tx1 - tx0) / seconds,
  };
}

/** The same total client connections on one API replica, then split over two; interleaved reps. */
async function oneAgainstTwo(
  opts: ScalingOptions,
  appUrl: string,
  adminUrl: string,
  dbName: string,
  ids: string[],
  headers: Record<string, string>[],
  groupsOf: (a: number, b: number) => CpuGroups,
  label: string,
) {
  const portA = opts.port + 40;
  const portB = opts.port + 41;
  await portsFree(portA, portB);
  const env = (port: number) => ({ ...SERVER_ENV, DATABASE_URL: appUrl, PORT: String(port) });
  const a = startProcess(['--import', 'tsx', 'src/main.ts'], env(portA));
  const b = startProcess(['--import', 'tsx', 'src/main.ts'], env(portB));
  const reps: { one: LoadRep[]; two: LoadRep[] } = { one: [], two: [] };
  try {
    await Promise.all([waitForHealth(portA, a), waitForHealth(portB, b)]);
    for (const port of [portA, portB]) {
      const r = await fetch(`http://127.0.0.1:${port}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers[0] },
        body: JSON.stringify({ query: PROFILE_QUERY, variables: { b: ids[0], p: 'LOAN_APPLICATION' } }),
      }).then((x) => x.json());
      if (!r.data?.creditProfile?.accounts?.length) throw new Error(`replica :${port}: bad answer ${JSON.stringify(r).slice(0, 300)}`);
    }
    const tx = () => committedTransactions(adminUrl, dbName);
    const half = Math.max(1, Math.round(opts.connections / 2));
    const configs = {
      one: [{ port: portA, connections: opts.connections }],
      two: [
        { port: portA, connections: half },
        { port: portB, connections: opts.connections - half },
      ],
    };
    await load(configs.two, 3, ids, headers, tx); // warm-up of both
    const g = groupsOf(a.pid!, b.pid!);
    for (let rep = 1; rep <= opts.reps; rep++) {
      for (const name of (rep % 2 ? ['one', 'two'] : ['two', 'one']) as ('one' | 'two')[]) {
        const w = cpuWindow(g);
        const r = await load(configs[name], opts.duration, ids, headers, tx);
        const cpu = w.end(r.requests);
        const row = { rep, ...r, load1: loadavg()[0], cpu };
        reps[name].push(row);
        console.log(
          `  ${label} rep ${rep} ${name === 'one' ? 'one replica ' : 'two replicas'}: ${Math.round(r.reqPerSec)} req/s, p50 ${r.p50.toFixed(0)} ms, p99 ${r.p99.toFixed(0)} ms, ${Math.round(r.txPerSec)} transactions/s in the database, load average ${row.load1.toFixed(2)}, CPU busy ${cpu.busyPct.toFixed(0)}%`,
        );
      }
    }
  } finally {
    await Promise.all([stopProcess(a), stopProcess(b)]);
  }
  return reps;
}

/** A server that cannot listen exits, but another one on the port would answer the health check: refuse first. */
async function portsFree(...ports: number[]) {
  for (const port of ports)
    await new Promise<void>((resolve, reject) => {
      const probe = createServer();
      probe.once('error', () =>
        reject(new Error(`port ${port} is in use: pass --port to move the scaling section's ports (--port + 40 … + 43)`)),
      );
      probe.listen(port, '127.0.0.1', () => probe.close(() => resolve()));
    });
}

/** The profile statement (consent check, inquiry and audit inserts, profile) for one borrower, as raw-server.ts builds it. */
function profileQuery(borrowerId: string, institutionId: string) {
  const now = new Date();
  const historyStart = new Date(now);
  historyStart.setUTCMonth(historyStart.getUTCMonth() - 24);
  const day = businessDate(now);
  return new PgDialect().sqlToQuery(
    profileStatement({
      borrowerId,
      now,
      currentMonth: Number(day.slice(0, 4)) * 12 + Number(day.slice(5, 7)) - 1,
      retentionCutoff: retentionCutoff(now),
      inquiryWindowStart: inquiryWindowStart(now),
      inquiryHistoryStart: historyStart,
      audit: { requestId: randomUUID(), userId: 'ceiling-user', role: 'BANK', institutionId, borrowerActorId: null },
      institutionRead: { institutionId, purpose: 'LOAN_APPLICATION', needsOpenAccount: false },
      page: { limit: 100 },
      withFacts: false,
    }),
  );
}

/** The database-side ceiling: `workers` connections running the profile statement back to back for `seconds`. */
export async function statementCeiling(url: string, dbName: string, adminUrl: string, workers: number, seconds: number) {
  const sql = postgres(url, { max: workers, onnotice: () => {}, fetch_types: false });
  try {
    const ids = (await sql`select id from borrowers where name like 'bench-%'`).map((r) => r.id as string);
    const lat: number[] = [];
    let errors = 0;
    const tx0 = await committedTransactions(adminUrl, dbName);
    const t0 = performance.now();
    const end = t0 + seconds * 1000;
    await Promise.all(
      Array.from({ length: workers }, async () => {
        while (performance.now() < end) {
          const q = profileQuery(ids[Math.floor(Math.random() * ids.length)], BANKS[Math.floor(Math.random() * BANKS.length)]);
          const s = performance.now();
          const [row] = await sql.unsafe(q.sql, q.params as any[], { prepare: true });
          lat.push(performance.now() - s);
          if (!row?.allowed) errors++;
        }
      }),
    );
    const elapsed = (performance.now() - t0) / 1000;
    await sql.end(); // a closing backend flushes its statistics
    const tx1 = await committedTransactions(adminUrl, dbName);
    return {
      perSec: lat.length / elapsed,
      txPerSec: (tx1 - tx0) / elapsed,
      p50: percentile(lat, 50),
      p99: percentile(lat, 99),
      errors,
      load1: loadavg()[0],
    };
  } finally {
    await sql.end();
  }
}

export type ScalingResult = Awaited<ReturnType<typeof measure>>;

/** The whole section; null (with the reason printed) when the cluster cannot be brought up. */
export async function benchScaling(opts: ScalingOptions): Promise<ScalingResult | null> {
  const up = cluster('up');
  if (!up.ok) {
    console.log(`  skipped: the cluster did not come up (scripts/cluster/up.sh); its last words:`);
    for (const line of up.output.trim().split('\n').slice(-6)) console.log(`    ${line}`);
    return null;
  }
  console.log(
    `  cluster: up in ${up.seconds.toFixed(1)} s (${CLUSTER_ENV.CLUSTER_DIR}, monitor :${CLUSTER_ENV.MONITOR_PORT}, nodes :${NODES.node1} :${NODES.node2}, replica :${NODES.replica})`,
  );
  try {
    return await measure(opts);
  } finally {
    if (!opts.keepCluster) {
      const down = cluster('down');
      if (!down.ok) console.log(`  cluster:down failed: ${down.output.trim().split('\n').slice(-3).join(' / ')}`);
    }
  }
}

async function measure(opts: ScalingOptions) {
  const primary = await primaryPort();
  const spec: DatasetSpec = { borrowers: opts.borrowers, accountsPerBorrower: 10, inquiriesPerBorrower: 3, seed: 7 };
  const dbName = 'cs_bench_scaling';
  const metricsDb = 'cs_bench_scaling_metrics';
  const gen = await profileDataset(hostUrl(primary, 'postgres'), dbName, spec, opts.fresh);
  console.log(
    `  data: ${spec.borrowers.toLocaleString('en-US')} borrowers × ${spec.accountsPerBorrower} accounts + ${spec.inquiriesPerBorrower} inquiries on the primary (:${primary}, database ${dbName}) ${gen.reused ? 'reused' : `in ${gen.seconds.toFixed(1)} s`}`,
  );
  await ensureMetricsDataset(hostUrl(primary, 'postgres'), metricsDb, opts.loans, opts.fresh);
  await replicaCaughtUp(primary);
  const idSql = postgres(hostUrl(primary, dbName), { max: 1, onnotice: () => {} });
  const ids = (await idSql`select id from borrowers where name like 'bench-%'`).map((x) => x.id as string);
  await idSql.end();
  const headers = await Promise.all(
    BANKS.map(async (b) => ({ authorization: `Bearer ${await signDevToken(JWT, { sub: `${b}-bench`, role: 'BANK', inst: b })}` })),
  );

  // 1. creditProfile: one API replica against two, on the same cluster (and, if asked, on the single server)
  // the single server's postmaster: the parent of one of its backends (when it runs on this machine)
  const single = postgres(opts.serverUrl, { max: 1, onnotice: () => {} });
  let singlePostmaster = -1;
  try {
    const [backend] = await single`select pg_backend_pid() as pid`;
    singlePostmaster = Number(readFileSync(`/proc/${backend.pid}/stat`, 'utf8').split(') ')[1].split(' ')[1]);
  } catch {
    /* another machine */
  } finally {
    await single.end();
  }
  const g = (a: number, b: number) => groups({ 'API replica A': a, 'API replica B': b }, singlePostmaster);
  const reps = await oneAgainstTwo(opts, clusterUrl(dbName), hostUrl(primary, 'postgres'), dbName, ids, headers, g, 'cluster');
  const singleSpec = await profileDataset(opts.serverUrl, dbName, spec, opts.fresh);
  const onSingle = opts.single ? await oneAgainstTwo(opts, singleSpec.url, opts.serverUrl, dbName, ids, headers, g, 'single :5432') : null;

  // 2. the database-side ceiling of the same work: on the single server, then on the cluster's primary
  const adminSingle = opts.serverUrl;
  const ceiling = {
    single: await statementCeiling(singleSpec.url, dbName, adminSingle, 16, opts.duration),
    cluster: await statementCeiling(clusterUrl(dbName), dbName, hostUrl(primary, 'postgres'), 16, opts.duration),
  };

  // 3. programmeMetrics: read through the replica against read from the primary, requests alternating
  const portM = opts.port + 42;
  const portR = opts.port + 43;
  await portsFree(portM, portR);
  const readerTx = () => committedTransactions(hostUrl(NODES.replica, 'postgres'), metricsDb);
  const mp = startProcess(['--import', 'tsx', 'src/main.ts'], { ...SERVER_ENV, DATABASE_URL: clusterUrl(metricsDb), PORT: String(portM) });
  const mr = startProcess(['--import', 'tsx', 'src/main.ts'], {
    ...SERVER_ENV,
    DATABASE_URL: clusterUrl(metricsDb),
    READ_DATABASE_URL: hostUrl(NODES.replica, metricsDb),
    PORT: String(portR),
  });
  const lat = { primary: [] as number[], replica: [] as number[] };
  let replicaReads = 0;
  let lagMs = NaN;
  try {
    await Promise.all([waitForHealth(portM, mp), waitForHealth(portR, mr)]);
    const token = await signDevToken(JWT, { sub: 'bench-gov', role: 'GOVERNMENT', inst: 'zjk-finance-bureau' });
    const ask = async (port: number, f: object | null) => (await timedQuery(port, token, DASHBOARD_QUERY, { f })).ms;
    for (let i = 0; i < 3; i++) await Promise.all([ask(portM, null), ask(portR, null)]);
    const filters = [null, { year: 2025 }, { category: 'RURAL_HOUSEHOLD' }, { county: '蔚县' }, null];
    const r0 = await readerTx();
    for (let i = 0; i < opts.metricsRuns; i++) {
      const f = filters[i % filters.length];
      const order = i % 2 ? [portM, portR] : [portR, portM];
      for (const port of order) (port === portM ? lat.primary : lat.replica).push(await ask(port, f));
    }
    // a busy backend reports its counts at most once a second, and an idle one's last counts wait
    // for PostgreSQL's 10 s idle flush (PGSTAT_IDLE_INTERVAL): count after that
    await new Promise((res) => setTimeout(res, 11_000));
    replicaReads = (await readerTx()) - r0;
    lagMs = Number(
      (
        await one<{ ms: string | null }>(
          hostUrl(primary, 'postgres'),
          `select max(extract(epoch from replay_lag) * 1000)::text as ms from pg_stat_replication where application_name like '%3'`,
        ).catch(() => ({ ms: null }))
      ).ms ?? 0,
    );
  } finally {
    await Promise.all([stopProcess(mp), stopProcess(mr)]);
  }
  return {
    primary,
    reps,
    single: onSingle,
    ceiling,
    metrics: {
      primary: { p50: percentile(lat.primary, 50), p99: percentile(lat.primary, 99), runs: lat.primary.length },
      replica: { p50: percentile(lat.replica, 50), p99: percentile(lat.replica, 99), runs: lat.replica.length },
      replicaReads,
      lagMs,
    },
  };
}

const GROUP_ORDER = [
  'API replica A',
  'API replica B',
  'load generator',
  'postgres node1',
  'postgres node2',
  'postgres replica',
  'postgres monitor',
  'postgres single',
  'pg_autoctl keepers',
  'other PostgreSQL',
  'other processes',
];

function printOneAgainstTwo(
  title: string,
  reps: { one: LoadRep[]; two: LoadRep[] },
  pgGroups: string[],
  fmt: (n: number, d?: number) => string,
) {
  console.log(`\n  ${title}`);
  console.log(
    `  | API replicas | req/s (median) | p50 ms | p99 ms | DB transactions/s | errors | CPU ms/request: API · ${pgGroups.join(' · ')} · load generator |`,
  );
  console.log('  | --- | --- | --- | --- | --- | --- | --- |');
  for (const name of ['one', 'two'] as const) {
    const rs = reps[name];
    const cpu = (k: string) => median(rs.map((x) => x.cpu.msPerRequest[k] ?? 0)).toFixed(2);
    const api = median(rs.map((x) => (x.cpu.msPerRequest['API replica A'] ?? 0) + (x.cpu.msPerRequest['API replica B'] ?? 0))).toFixed(2);
    console.log(
      `  | ${name} | ${fmt(median(rs.map((x) => x.reqPerSec)))} | ${median(rs.map((x) => x.p50)).toFixed(0)} | ${median(rs.map((x) => x.p99)).toFixed(0)} | ${fmt(median(rs.map((x) => x.txPerSec)))} | ${rs.reduce((s, x) => s + x.errors, 0)}/${fmt(rs.reduce((s, x) => s + x.requests, 0))} | ${api} · ${pgGroups.map(cpu).join(' · ')} · ${cpu('load generator')} |`,
    );
  }
  const ratios = reps.two.map((t, i) => t.reqPerSec / reps.one[i].reqPerSec);
  console.log(
    `  two replicas / one = ${ratios.map((x) => x.toFixed(2)).join(', ')} per rep (median ${median(ratios).toFixed(2)}×) on ${cpus().length} CPUs`,
  );
  console.log('  where the CPU went (share of the whole machine, median over reps):');
  const seen = new Set([...reps.one, ...reps.two].flatMap((x) => Object.keys(x.cpu.pct)));
  const keys = GROUP_ORDER.filter((k) => seen.has(k));
  console.log(`  | API replicas | ${keys.join(' | ')} | idle |`);
  console.log(`  | --- | ${keys.map(() => '---').join(' | ')} | --- |`);
  for (const name of ['one', 'two'] as const) {
    const rs = reps[name];
    console.log(
      `  | ${name} | ${keys.map((k) => `${median(rs.map((x) => x.cpu.pct[k] ?? 0)).toFixed(0)}%`).join(' | ')} | ${median(rs.map((x) => 100 - x.cpu.busyPct)).toFixed(0)}% |`,
    );
  }
}

export function printScaling(r: ScalingResult, fmt: (n: number, d?: number) => string) {
  const primaryNode = r.primary === CLUSTER_ENV.NODE1_PORT ? 'node1' : 'node2';
  const secondaryNode = primaryNode === 'node1' ? 'node2' : 'node1';
  printOneAgainstTwo(
    `creditProfile on the cluster (primary ${primaryNode}, synchronous ${secondaryNode}, async replica):`,
    r.reps,
    [`postgres ${primaryNode}`, `postgres ${secondaryNode}`, 'postgres replica'],
    fmt,
  );
  if (r.single)
    printOneAgainstTwo('creditProfile on the single PostgreSQL server (:5432, no standby):', r.single, ['postgres single'], fmt);
  console.log(
    '\n  the database-side ceiling: the profile statement (consent check + inquiry + audit + profile) back to back, 16 connections, no HTTP/GraphQL:',
  );
  console.log('  | server | statements/s | transactions/s (pg_stat_database) | p50 ms | p99 ms | load average |');
  console.log('  | --- | --- | --- | --- | --- | --- |');
  for (const [name, c] of [
    ['single PostgreSQL (:5432, no standby)', r.ceiling.single],
    ['cluster primary (synchronous_standby_names ANY 1)', r.ceiling.cluster],
  ] as const)
    console.log(
      `  | ${name} | ${fmt(c.perSec)} | ${fmt(c.txPerSec)} | ${c.p50.toFixed(1)} | ${c.p99.toFixed(1)} | ${c.load1.toFixed(2)} |`,
    );
  console.log(`  cluster / single = ${(r.ceiling.cluster.perSec / r.ceiling.single.perSec).toFixed(2)}×`);
  const m = r.metrics;
  console.log('\n  | programmeMetrics read from | p50 ms | p99 ms | runs |');
  console.log('  | --- | --- | --- | --- |');
  console.log(`  | the primary (DATABASE_URL only) | ${m.primary.p50.toFixed(1)} | ${m.primary.p99.toFixed(1)} | ${m.primary.runs} |`);
  console.log(`  | the read replica (READ_DATABASE_URL) | ${m.replica.p50.toFixed(1)} | ${m.replica.p99.toFixed(1)} | ${m.replica.runs} |`);
  console.log(
    `  replica / primary p50 = ${(m.replica.p50 / m.primary.p50).toFixed(2)}×; transactions on the replica's metrics database during the run: ${fmt(m.replicaReads)}${m.replicaReads < m.replica.runs ? ' (fewer than the requests: this server did NOT read metrics from the replica)' : ''}; replica replay lag at the end ${Number.isFinite(m.lagMs) ? `${m.lagMs.toFixed(1)} ms` : 'n/a'}`,
  );
}

// ---- where the CPU goes: every process's ticks from /proc, grouped, over one measured window

interface CpuGroups {
  api: Record<string, number>;
  postmasters: Record<string, number>;
  self: number;
}
interface CpuShare {
  /** Share of the whole machine (all CPUs) that was busy. */
  busyPct: number;
  /** Share of the whole machine per group. */
  pct: Record<string, number>;
  msPerRequest: Record<string, number>;
}

const CLK_TCK = Number((spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout ?? '').trim()) || 100;

function procTicks() {
  const out = new Map<number, { ppid: number; comm: string; ticks: number }>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    let s: string;
    try {
      s = readFileSync(`/proc/${d}/stat`, 'utf8');
    } catch {
      continue; // gone meanwhile
    }
    const close = s.lastIndexOf(')');
    const f = s.slice(close + 2).split(' '); // f[0] is field 3 (state): ppid is field 4, utime 14, stime 15
    out.set(Number(d), { ppid: Number(f[1]), comm: s.slice(s.indexOf('(') + 1, close), ticks: Number(f[11]) + Number(f[12]) });
  }
  return out;
}

function machineTicks() {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const total = f.slice(0, 8).reduce((a, b) => a + b, 0);
  return { total, idle: f[3] + f[4] };
}

function groupOf(g: CpuGroups, pid: number, p: { ppid: number; comm: string }): string {
  for (const [name, id] of Object.entries(g.api)) if (pid === id || p.ppid === id) return name;
  if (pid === g.self) return 'load generator';
  for (const [name, id] of Object.entries(g.postmasters)) if (pid === id || p.ppid === id) return name;
  if (p.comm.startsWith('pg_autoctl')) return 'pg_autoctl keepers';
  if (p.comm === 'postgres') return 'other PostgreSQL';
  return 'other processes';
}

/** Starts a window; `end(requests)` gives each group's share of the machine and CPU ms per request. */
function cpuWindow(g: CpuGroups) {
  const before = procTicks();
  const m0 = machineTicks();
  return {
    end(requests: number): CpuShare {
      const after = procTicks();
      const m1 = machineTicks();
      const capacity = m1.total - m0.total;
      const ticks: Record<string, number> = {};
      for (const [pid, p] of after) {
        const d = p.ticks - (before.get(pid)?.ticks ?? 0);
        if (d > 0) ticks[groupOf(g, pid, p)] = (ticks[groupOf(g, pid, p)] ?? 0) + d;
      }
      const pct: Record<string, number> = {};
      const msPerRequest: Record<string, number> = {};
      for (const [k, v] of Object.entries(ticks)) {
        pct[k] = (100 * v) / capacity;
        msPerRequest[k] = (v * 1000) / CLK_TCK / Math.max(1, requests);
      }
      return { busyPct: (100 * (capacity - (m1.idle - m0.idle))) / capacity, pct, msPerRequest };
    },
  };
}
