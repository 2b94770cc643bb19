/**
 * The creditProfile bench: this server, the raw limit (node:http + postgres.js, the same statement)
 * and PostGraphile v5 (a VOLATILE SQL function doing the same work), all three running at once on
 * their own ports, measured in interleaved reps (the order rotates each rep) so that the machine's
 * noise falls on all of them alike. Then the no-cliff check: this server's single-connection
 * latency on datasets of growing size, and one borrower with 10,000 accounts.
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import autocannon from 'autocannon';
import postgres from 'postgres';
import { signDevToken } from '../src/auth/tokens.js';
import {
  BENCH_SECRET,
  BENCH_SERVER_ENV,
  fmt,
  median,
  percentile,
  rssMb,
  startProcess,
  stopProcess,
  verdict,
  waitForHealth,
} from './common.js';
import type { ChildProcess } from 'node:child_process';

export const PROFILE_QUERY = `query Profile($b: ID!, $p: ConsentPurpose!) {
  creditProfile(borrowerId: $b, purpose: $p) {
    borrower { id name category county sector registeredOn nationalIdMasked }
    accounts { id accountRef kind furnisher { id name } originalAmount balance openedOn closedOn status statusMonth paymentPattern disputed }
    summary { openAccounts totalBalance worstStatus24Months inquiriesLast6Months }
    inquiries { institution { name } purpose inquiredAt }
  }
}`;

/** PostGraphile's mutation: the function returns the same fields as JSON. */
export const POSTGRAPHILE_MUTATION = `mutation Profile($b: UUID!, $p: String!) { creditProfile(input: { borrowerId: $b, purpose: $p }) { result } }`;

const BANKS = ['saibei-rural-bank', 'chongli-city-bank', 'zhangyuan-village-bank'];
const JWT = { mode: 'hs256' as const, secret: BENCH_SECRET, isDevSecret: false };
export const bankToken = (bank: string) => signDevToken(JWT, { sub: `${bank}-bench`, role: 'BANK', inst: bank });

export interface RepResult {
  rep: number;
  server: ServerKey;
  loadAvg: number;
  reqPerSec: number;
  p50: number;
  p99: number;
  cpuMsPerRequest: number;
  rssMb: number;
  errors: number;
  requests: number;
}

type ServerKey = 'ours' | 'raw' | 'postgraphile';

interface Server {
  key: ServerKey;
  name: string;
  args: string[];
  env: Record<string, string>;
  port: number;
  headers: (bank: string) => Promise<Record<string, string>>;
  body: (borrowerId: string, purpose: string) => string;
  /** The profile out of a response body, in this server's shape (undefined: no profile). */
  profile: (json: any) => Profile | undefined;
  child?: ChildProcess;
  bankHeaders?: Record<string, string>[];
}

interface Profile {
  borrower: { id: string };
  accounts: { id: string; balance: string; status: string; paymentPattern?: string; paymentHistory?: string }[];
  summary: { openAccounts: number; totalBalance: string; worstStatus24Months: string | null };
}

/** This server's environment for the bench on one database and port (BENCH_SERVER_ENV). */
export function oursEnv(dbUrl: string, port: number): Record<string, string> {
  return { ...BENCH_SERVER_ENV, DATABASE_URL: dbUrl, PORT: String(port) };
}

const graphqlBody = (borrowerId: string, purpose: string) =>
  JSON.stringify({ query: PROFILE_QUERY, variables: { b: borrowerId, p: purpose } });

function servers(dbUrl: string, port: number): Server[] {
  const base = { DATABASE_URL: dbUrl, DB_POOL_SIZE: '10', NODE_ENV: 'production', HOST: '127.0.0.1' };
  return [
    {
      key: 'ours',
      name: 'this server (src/main.ts)',
      args: ['--import', 'tsx', 'src/main.ts'],
      env: oursEnv(dbUrl, port),
      port,
      headers: async (bank) => ({ authorization: `Bearer ${await bankToken(bank)}` }),
      body: graphqlBody,
      profile: (j) => j?.data?.creditProfile ?? undefined,
    },
    {
      key: 'raw',
      name: 'raw: node:http + postgres.js, same statement',
      args: ['--import', 'tsx', 'bench/raw-server.ts'],
      env: { ...base, PORT: String(port + 5) },
      port: port + 5,
      headers: async (bank) => ({ 'x-institution': bank }),
      body: graphqlBody,
      profile: (j) => j?.data?.creditProfile ?? undefined,
    },
    {
      key: 'postgraphile',
      name: 'PostGraphile 5.1.5: VOLATILE SQL function, JWT → pgSettings',
      args: ['--import', 'tsx', 'bench/postgraphile/server.ts'],
      env: { ...base, PORT: String(port + 6), JWT_SECRET: BENCH_SECRET },
      port: port + 6,
      headers: async (bank) => ({ authorization: `Bearer ${await bankToken(bank)}` }),
      body: (b, p) => JSON.stringify({ query: POSTGRAPHILE_MUTATION, variables: { b, p } }),
      profile: (j) => j?.data?.creditProfile?.result ?? undefined,
    },
  ];
}

/** User + system CPU time of a process so far, in ms (/proc/<pid>/stat, fields 14 and 15). */
export function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state): utime is field 14, stime field 15; clock ticks of 10 ms (CLK_TCK 100 on Linux)
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

async function post(server: Server, headers: Record<string, string>, body: string) {
  const r = await fetch(`http://127.0.0.1:${server.port}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
  return r.json();
}

/**
 * The three must answer alike before any is timed: the same borrower, the same page of accounts in
 * the same order with the same balance, status and pattern, the same summary. Returns the differences.
 */
async function compareAnswers(list: Server[], ids: string[]): Promise<string[]> {
  const problems: string[] = [];
  const sample = [0, 1, 2, 3, 4].map((i) => ids[Math.floor(((i + 0.5) * ids.length) / 5)]);
  for (const b of sample) {
    const answers = await Promise.all(
      list.map(async (s) => ({ s, p: s.profile(await post(s, s.bankHeaders![0], s.body(b, 'LOAN_APPLICATION'))) })),
    );
    const key = (p: Profile | undefined) =>
      p
        ? JSON.stringify({
            borrower: p.borrower.id,
            accounts: p.accounts.map((a) => [a.id, Number(a.balance), a.status, a.paymentPattern ?? a.paymentHistory ?? null]),
            open: p.summary.openAccounts,
            total: Number(p.summary.totalBalance),
            worst: p.summary.worstStatus24Months,
          })
        : 'no profile';
    const ref = key(answers[0].p);
    if (ref === 'no profile') problems.push(`${answers[0].s.name}: no profile for ${b}`);
    for (const a of answers.slice(1))
      if (key(a.p) !== ref) problems.push(`${a.s.name} differs from ${answers[0].s.name} for ${b}: ${key(a.p).slice(0, 200)}`);
  }
  return problems;
}

function loadRun(server: Server, ids: string[], connections: number, duration: number) {
  let errors = 0;
  return autocannon({
    url: `http://127.0.0.1:${server.port}/graphql`,
    connections,
    duration,
    method: 'POST',
    requests: [
      {
        setupRequest: (req: any) => ({
          ...req,
          headers: { 'content-type': 'application/json', ...server.bankHeaders![Math.floor(Math.random() * BANKS.length)] },
          body: server.body(ids[Math.floor(Math.random() * ids.length)], 'LOAN_APPLICATION'),
        }),
        onResponse: (status: number, resBody: string) => {
          if (status !== 200 || resBody.includes('"errors"')) errors++;
        },
      },
    ],
  } as any).then((r) => ({ r, errors: () => errors + r.errors + r.non2xx }));
}

export interface ProfileSummary {
  reps: RepResult[];
  medians: Record<ServerKey, { reqPerSec: number; p50: number; p99: number; cpuMsPerRequest: number; rssMb: number }>;
  mismatches: string[];
}

/** Installs PostGraphile's function (bench_pg.credit_profile) in the bench database. */
export async function installPostgraphileFunction(dbUrl: string) {
  const sql = postgres(dbUrl, { max: 1, onnotice: () => {} });
  try {
    await sql.unsafe(readFileSync(new URL('./postgraphile/credit_profile.sql', import.meta.url), 'utf8'));
  } finally {
    await sql.end();
  }
}

/**
 * Interleaved reps: every server started once and warmed up, then for each rep each server in
 * turn (the order rotating) under autocannon; one printed row per measurement.
 */
export async function benchProfile(opts: {
  dbUrl: string;
  dbName: string;
  serverUrl: string;
  connections: number;
  duration: number;
  port: number;
  reps: number;
}): Promise<ProfileSummary> {
  await installPostgraphileFunction(opts.dbUrl);
  const sql = postgres(opts.dbUrl, { max: 1, onnotice: () => {} });
  const ids = (await sql`select id from borrowers order by id`).map((r) => r.id as string);
  await sql.end();
  const list = servers(opts.dbUrl, opts.port);
  const reps: RepResult[] = [];
  try {
    await Promise.all(
      list.map(async (s) => {
        s.child = startProcess(s.args, s.env);
        await waitForHealth(s.port, s.child);
        s.bankHeaders = await Promise.all(BANKS.map((b) => s.headers(b)));
      }),
    );
    const mismatches = await compareAnswers(list, ids);
    for (const m of mismatches) console.log(`  MISMATCH: ${m}`);
    if (!mismatches.length)
      console.log(`  answers checked: the three servers return the same page, balances, statuses and summary for 5 borrowers`);
    for (const s of list) await loadRun(s, ids, opts.connections, 5); // warm-up: JIT, pools, caches
    console.log('\n| rep | server | load avg (1 min) | req/s | p50 ms | p99 ms | CPU ms/req | peak RSS MB | errors |');
    console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
    for (let rep = 1; rep <= opts.reps; rep++) {
      const order = list.map((_, i) => list[(i + rep - 1) % list.length]);
      for (const s of order) {
        const load = loadavg()[0];
        const pid = s.child!.pid!;
        let peak = rssMb(pid);
        const sampler = setInterval(() => (peak = Math.max(peak, rssMb(pid))), 250);
        const cpu0 = cpuMs(pid);
        const { r, errors } = await loadRun(s, ids, opts.connections, opts.duration);
        const cpu1 = cpuMs(pid);
        clearInterval(sampler);
        const row: RepResult = {
          rep,
          server: s.key,
          loadAvg: load,
          reqPerSec: r.requests.average,
          p50: r.latency.p50,
          p99: r.latency.p99,
          cpuMsPerRequest: (cpu1 - cpu0) / Math.max(1, r.requests.total),
          rssMb: peak,
          errors: errors(),
          requests: r.requests.total,
        };
        reps.push(row);
        console.log(
          `| ${rep} | ${s.name} | ${load.toFixed(2)} | ${fmt(row.reqPerSec)} | ${row.p50} | ${row.p99} | ${row.cpuMsPerRequest.toFixed(2)} | ${row.rssMb} | ${row.errors}/${fmt(row.requests)} |`,
        );
      }
    }
    const medians = Object.fromEntries(
      list.map((s) => {
        const mine = reps.filter((r) => r.server === s.key);
        return [
          s.key,
          {
            reqPerSec: median(mine.map((r) => r.reqPerSec)),
            p50: median(mine.map((r) => r.p50)),
            p99: median(mine.map((r) => r.p99)),
            cpuMsPerRequest: median(mine.map((r) => r.cpuMsPerRequest)),
            rssMb: Math.max(...mine.map((r) => r.rssMb)),
          },
        ];
      }),
    ) as ProfileSummary['medians'];
    console.log(`\n| server (median of ${opts.reps} reps) | req/s | p50 ms | p99 ms | CPU ms/req | peak RSS MB |`);
    console.log('| --- | --- | --- | --- | --- | --- |');
    for (const s of list) {
      const m = medians[s.key];
      console.log(`| ${s.name} | ${fmt(m.reqPerSec)} | ${m.p50} | ${m.p99} | ${m.cpuMsPerRequest.toFixed(2)} | ${m.rssMb} |`);
    }
    const ratioLine = (x: number, target: number) => `${x.toFixed(2)}× (target ≥ ${target}×: ${verdict(x >= target)})`;
    console.log(`\n  this server ÷ raw          = ${ratioLine(medians.ours.reqPerSec / medians.raw.reqPerSec, 0.9)}  [req/s medians]`);
    console.log(
      `  this server ÷ PostGraphile = ${ratioLine(medians.ours.reqPerSec / medians.postgraphile.reqPerSec, 1.5)}  [req/s medians]`,
    );
    const perRep = Array.from({ length: opts.reps }, (_, i) => {
      const of = (k: ServerKey) => reps.find((r) => r.rep === i + 1 && r.server === k)!.reqPerSec;
      return `rep ${i + 1}: ${(of('ours') / of('raw')).toFixed(2)}× raw, ${(of('ours') / of('postgraphile')).toFixed(2)}× PostGraphile`;
    });
    console.log(`  per rep: ${perRep.join('; ')}`);
    if (mismatches.length) console.log(`  (the answers differed: see MISMATCH above; the ratios compare unlike work)`);
    return { reps, medians, mismatches };
  } finally {
    await Promise.all(list.filter((s) => s.child).map((s) => stopProcess(s.child!)));
  }
}

/** Sequential requests on one connection (keep-alive), each checked; their latencies in ms. */
async function sequential(
  port: number,
  headers: Record<string, string>,
  body: () => string,
  n: number,
  into: number[] = [],
  pages: number[] = [],
) {
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    const r = await fetch(`http://127.0.0.1:${port}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: body(),
    });
    const j = await r.json();
    into.push(performance.now() - t0);
    if (!j?.data?.creditProfile?.accounts) throw new Error(`bad answer: ${JSON.stringify(j).slice(0, 300)}`);
    pages.push(j.data.creditProfile.accounts.length);
  }
  return into;
}

export interface CliffSet {
  borrowers: number;
  dbUrl: string;
  /** A borrower of this set with a big file, measured as its own target. */
  bigBorrower?: string;
}

export interface CliffResult {
  label: string;
  borrowers: number;
  p50: number;
  p99: number;
  requests: number;
  /** The first page's length (the big file). */
  accounts?: number;
}

/**
 * The no-cliff check: this server against each dataset at once (one process per database), its
 * single-connection latency measured in rounds that rotate over the datasets (and the big file),
 * so that the machine's noise falls on every point alike: `perRound` sequential requests for random
 * borrowers per target per round, after a warm-up of the same size.
 */
export async function benchCliff(opts: {
  sets: CliffSet[];
  port: number;
  rounds: number;
  perRound: number;
  bank: string;
}): Promise<CliffResult[]> {
  const procs: ChildProcess[] = [];
  try {
    const targets = await Promise.all(
      opts.sets.map(async (set, i) => {
        const sql = postgres(set.dbUrl, { max: 1, onnotice: () => {} });
        // a sample spread over the whole table (not the big file)
        const ids = (await sql`select id from borrowers tablesample system (2) limit 5000`).map((r) => r.id as string);
        if (ids.length < 100) ids.push(...(await sql`select id from borrowers limit 1000`).map((r) => r.id as string));
        await sql.end();
        const random = ids.filter((id) => id !== set.bigBorrower);
        const port = opts.port + i;
        const child = startProcess(['--import', 'tsx', 'src/main.ts'], oursEnv(set.dbUrl, port));
        procs.push(child);
        await waitForHealth(port, child);
        const headers = { authorization: `Bearer ${await bankToken(opts.bank)}` };
        const list = [
          {
            label: `${fmt(set.borrowers)} borrowers`,
            borrowers: set.borrowers,
            port,
            headers,
            body: () => graphqlBody(random[Math.floor(Math.random() * random.length)], 'LOAN_APPLICATION'),
            times: [] as number[],
            accounts: [] as number[],
          },
        ];
        if (set.bigBorrower)
          list.push({
            label: 'big file',
            borrowers: set.borrowers,
            port,
            headers,
            body: () => graphqlBody(set.bigBorrower!, 'LOAN_APPLICATION'),
            times: [],
            accounts: [],
          });
        return list;
      }),
    );
    const all = targets.flat();
    for (const t of all) await sequential(t.port, t.headers, t.body, opts.perRound);
    for (let round = 0; round < opts.rounds; round++)
      for (let k = 0; k < all.length; k++) {
        const t = all[(k + round) % all.length];
        await sequential(t.port, t.headers, t.body, opts.perRound, t.times, t.accounts);
      }
    return all.map((t) => ({
      label: t.label,
      borrowers: t.borrowers,
      p50: percentile(t.times, 50),
      p99: percentile(t.times, 99),
      requests: t.times.length,
      accounts: t.accounts.at(-1),
    }));
  } finally {
    await Promise.all(procs.map((c) => stopProcess(c)));
  }
}
