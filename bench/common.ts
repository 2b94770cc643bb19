import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import postgres from 'postgres';

export const BENCH_SECRET = 'bench-secret-0123456789-0123456789-abcdef';
export const BENCH_PEPPER = 'bench-pepper-0123456789';

export function withDatabase(url: string, name: string) {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

export async function waitForHealth(port: number, child: ChildProcess, timeoutMs = 120_000) {
  const start = Date.now();
  while (Date.now() - start < timeoutMs) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    try {
      const r = await fetch(`http://127.0.0.1:${port}/health`);
      if (r.ok) return Date.now() - start;
    } catch {
      /* not yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('server did not become healthy');
}

export function startProcess(args: string[], env: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stderr!.on('data', (d) => process.stderr.write(`[server] ${d}`));
  child.stdout!.resume();
  return child;
}

export async function stopProcess(child: ChildProcess) {
  if (child.exitCode !== null) return;
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
}

/** Resident set size of a process in MB, from /proc. */
export function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Math.round(Number(m[1]) / 1024) : NaN;
}

/** Statements committed in a database: a server-side count that needs no hook in the app. */
export async function committedTransactions(url: string, db: string): Promise<number> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await sql`select pg_stat_force_next_flush()`.catch(() => {});
    const [r] = await sql`select xact_commit::bigint as n from pg_stat_database where datname = ${db}`;
    return Number(r.n);
  } finally {
    await sql.end();
  }
}

/**
 * This server's environment for the bench: production settings, pool 10, the bench's secrets, no
 * demo data, no rate limits (one load generator on one address would be refused). Sections add
 * DATABASE_URL and PORT (and what they need besides).
 */
export const BENCH_SERVER_ENV: Record<string, string> = {
  NODE_ENV: 'production',
  HOST: '127.0.0.1',
  DB_POOL_SIZE: '10',
  DEMO_DATA: 'off',
  LOG_LEVEL: 'warn',
  JWT_SECRET: BENCH_SECRET,
  NATIONAL_ID_PEPPER: BENCH_PEPPER,
  RATE_LIMIT_ACTOR_PER_MINUTE: '0',
  RATE_LIMIT_IP_PER_MINUTE: '0',
};

/** One GraphQL POST to a bench server on 127.0.0.1, timed; an answer with errors throws. */
export async function timedQuery(port: number, token: string, query: string, variables: object) {
  const t0 = performance.now();
  const r = await fetch(`http://127.0.0.1:${port}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = await r.json();
  if (body.errors) throw new Error(`:${port} ${JSON.stringify(body.errors).slice(0, 300)}`);
  return { ms: performance.now() - t0, body };
}

/** The p-th percentile (p in percent) of the samples, nearest rank from below; NaN for none. */
export const percentile = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] ?? NaN;

/** The median (the mean of the middle two for an even count). */
export const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** How a bench line reports a target. */
export const verdict = (met: boolean) => (met ? 'MET' : 'MISSED');

export const fmt = (n: number, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });

/**
 * A benchmark database on the real server, migrated: reused when its `bench_meta` marker says
 * it holds `marker` (unless `fresh`), otherwise created empty. `reused` tells the caller
 * whether it still has to fill it (and then call markDataset).
 */
export async function benchDatabase(
  serverUrl: string,
  dbName: string,
  marker: string,
  fresh: boolean,
): Promise<{ url: string; reused: boolean }> {
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  const url = withDatabase(serverUrl, dbName);
  let reused = false;
  try {
    const exists = (await admin`select 1 from pg_database where datname = ${dbName}`).length > 0;
    if (exists && !fresh) {
      const db = postgres(url, { max: 1, onnotice: () => {} });
      const found = await db`select value from bench_meta where key = 'dataset'`.catch(() => []);
      await db.end();
      reused = found[0]?.value === marker;
    }
    if (!reused) {
      if (exists) await admin.unsafe(`drop database ${dbName} with (force)`);
      await admin.unsafe(`create database ${dbName}`);
    }
  } finally {
    await admin.end();
  }
  // migrations may have moved on since the data was generated
  const { openDatabase } = await import('../src/db/client.js');
  const { migrateDatabase } = await import('../src/db/migrate.js');
  const d = await openDatabase({ url, poolSize: 1 });
  await migrateDatabase(d);
  await d.close();
  return { url, reused };
}

export async function markDataset(url: string, marker: string) {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  await sql`create table if not exists bench_meta (key text primary key, value text)`;
  await sql`insert into bench_meta values ('dataset', ${marker}) on conflict (key) do update set value = excluded.value`;
  await sql.end();
}
