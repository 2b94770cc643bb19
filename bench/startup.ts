/**
 * Start-up and memory (issue 13, part 4):
 *  - the embedded first start (`npm start` = tsx src/main.ts on a fresh DATA_DIR, demo data
 *    included): spawn to the "ready" line, median of N runs; then N restarts on the same data;
 *    one more first start on a machine without the migrated PGlite template (src/demo/template.ts);
 *  - generating the 2,000-borrower demo set (the JavaScript alone, no database), median of N;
 *  - the RSS of the embedded server after a first start (the app's node process, and the whole
 *    tsx process tree);
 *  - the production build (`npm run build`, then `npm run start:prod` = node dist/main.js on
 *    PostgreSQL, no demo data): RSS idle, and peak RSS and req/s under autocannon on the
 *    creditProfile query.
 * Each figure against its target, MET or MISSED. Measurements, not tests.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import postgres from 'postgres';
import { generateBorrowers } from '../src/demo/generate.js';
import { generateProgramme, SEED_PLAN } from '../src/demo/programme.js';
import { Rng } from '../src/demo/random.js';
import { SEED_PARAMETERS } from '../src/modules/parameters/rules.js';
import { BENCH_PEPPER, fmt, median, rssMb, verdict, waitForHealth } from './common.js';
import { profileDataset } from './dataset.js';
import { bankToken, oursEnv, PROFILE_QUERY } from './profile.js';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');

/** Every process in the tree under `pid` (itself first), from /proc via ps. */
function processTree(pid: number): { pid: number; rssMb: number; name: string }[] {
  const table = execFileSync('ps', ['-eo', 'pid=,ppid=,rss=,comm=']).toString().trim().split('\n');
  const rows = table
    .map((l) => l.trim().split(/\s+/))
    .map(([p, pp, rss, comm]) => ({ pid: +p, ppid: +pp, rssMb: Math.round(+rss / 1024), name: comm }));
  const under = (p: number): typeof rows => rows.filter((r) => r.ppid === p).flatMap((r) => [r, ...under(r.pid)]);
  return [...rows.filter((r) => r.pid === pid), ...under(pid)];
}

interface Started {
  ms: number;
  appMs: number;
  /** RSS of the node process running the app (tsx's child), and of the whole tree (tsx, node, esbuild). */
  appRssMb: number;
  treeRssMb: number;
}

/** `npm start` without npm: the tsx binary on src/main.ts, embedded PGlite at `dataDir`; ms from spawn to the ready line. */
async function embeddedStart(dataDir: string, port: number, env: Record<string, string> = {}): Promise<Started> {
  const childEnv: Record<string, string | undefined> = { ...process.env, DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', ...env };
  delete childEnv.DATABASE_URL;
  delete childEnv.NODE_ENV;
  const t0 = performance.now();
  const child = spawn(path.join(ROOT, 'node_modules/.bin/tsx'), ['src/main.ts'], {
    cwd: ROOT,
    env: childEnv,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  try {
    let out = '';
    let err = '';
    child.stderr!.on('data', (d) => (err += d));
    const appMs = await new Promise<number>((resolve, reject) => {
      child.stdout!.on('data', (d) => {
        out += d;
        const m = /ready in (\d+) ms/.exec(out);
        if (m) resolve(Number(m[1]));
      });
      child.once('exit', (code) => reject(new Error(`server exited with ${code}: ${err.slice(-500)}`)));
    });
    const ms = performance.now() - t0;
    await new Promise((r) => setTimeout(r, 1000)); // settle (the first scheduled jobs) before reading RSS
    const tree = processTree(child.pid!);
    const app = tree.filter((p) => p.name === 'node').sort((a, b) => b.rssMb - a.rssMb)[0];
    return { ms, appMs, appRssMb: app?.rssMb ?? NaN, treeRssMb: tree.reduce((t, p) => t + p.rssMb, 0) };
  } finally {
    await stopGroup(child);
  }
}

async function stopGroup(child: ChildProcess) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  process.kill(-child.pid!, 'SIGTERM');
  const timer = setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

/** The demo set's JavaScript: 2,000 borrowers and the programme's two years, as loadDemoData generates them. */
function generateDemoSet(borrowers: number) {
  const t0 = performance.now();
  const opts = { seed: 20140601, borrowers, asOf: new Date(), pepper: BENCH_PEPPER };
  const bundles = [...generateBorrowers(opts)];
  const rng = new Rng(opts.seed ^ 0x1d5);
  const p = generateProgramme(bundles, { ...opts, params: SEED_PARAMETERS, parameterVersion: 1, plan: SEED_PLAN, uuid: () => rng.uuid() });
  return { ms: performance.now() - t0, loans: p.loans.length };
}

export async function runStartupSection(opts: { serverUrl: string; port: number; runs: number; duration: number; connections: number }) {
  const scratch = mkdtempSync(path.join(tmpdir(), 'cs-bench-startup-'));
  try {
    // 1. embedded: first starts (each on a new DATA_DIR), then restarts of the last one
    const first: Started[] = [];
    const restart: Started[] = [];
    let dir = '';
    // the template is built by the first start on a machine (or npm install); measured separately below
    execFileSync(process.execPath, ['--import', 'tsx', 'src/demo/template-cli.ts'], { cwd: ROOT, stdio: 'ignore' });
    for (let i = 0; i < opts.runs; i++) {
      dir = path.join(scratch, `first-${i}`);
      first.push(await embeddedStart(dir, opts.port));
    }
    for (let i = 0; i < opts.runs; i++) restart.push(await embeddedStart(dir, opts.port));
    const noTemplate = await embeddedStart(path.join(scratch, 'no-template'), opts.port, {
      PGLITE_TEMPLATE_CACHE: path.join(scratch, 'cache'),
    });
    const firstMs = median(first.map((s) => s.ms));
    const restartMs = median(restart.map((s) => s.ms));
    const load = loadavg()[0];
    console.log(`  embedded (npm start = tsx src/main.ts, PGlite, demo data on first start); load average ${load.toFixed(2)}`);
    console.log('| start | runs (ms, spawn to "ready") | median ms | target | |');
    console.log('| --- | --- | --- | --- | --- |');
    console.log(
      `| first start (new DATA_DIR, demo data) | ${first.map((s) => Math.round(s.ms)).join(', ')} | ${fmt(firstMs)} | < 5,000 | ${verdict(firstMs < 5000)} |`,
    );
    console.log(`| restart (same DATA_DIR) | ${restart.map((s) => Math.round(s.ms)).join(', ')} | ${fmt(restartMs)} | | |`);
    console.log(`| first start, no PGlite template on the machine yet (it is built first) | ${Math.round(noTemplate.ms)} | | | |`);

    // 2. the demo set's generation, in this process (JavaScript only)
    generateDemoSet(2000); // warm the code (a first start runs it cold, in the start's figure above)
    const gens = Array.from({ length: opts.runs }, () => generateDemoSet(2000));
    const genMs = median(gens.map((g) => g.ms));
    console.log(
      `\n  generating the 2,000-borrower demo set (borrowers + the programme's ${fmt(gens[0].loans)} loans, JavaScript only): ${gens.map((g) => Math.round(g.ms)).join(', ')} ms, median ${fmt(genMs)} ms (target < 1,000: ${verdict(genMs < 1000)})`,
    );
    const rssFirst = median(first.map((s) => s.appRssMb));
    const treeFirst = median(first.map((s) => s.treeRssMb));
    const rssRestart = median(restart.map((s) => s.appRssMb));
    console.log(
      `  RSS after a first start: ${rssFirst} MB the app's node process (${treeFirst} MB with tsx and esbuild); after a restart ${rssRestart} MB (embedded development; no target)`,
    );

    // 3. the production build on PostgreSQL
    const tb = performance.now();
    execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: ROOT, stdio: 'ignore' });
    const buildS = (performance.now() - tb) / 1000;
    const spec = { borrowers: 10_000, accountsPerBorrower: 10, inquiriesPerBorrower: 3, seed: 7 };
    const data = await profileDataset(opts.serverUrl, 'cs_bench_startup', spec, false);
    const sql = postgres(data.url, { max: 1, onnotice: () => {} });
    const ids = (await sql`select id from borrowers order by id`).map((r) => r.id as string);
    await sql.end();
    const prodPort = opts.port + 1;
    const child = spawn(process.execPath, ['--import', './dist/observability/tracing.js', 'dist/main.js'], {
      cwd: ROOT,
      env: { ...process.env, ...oursEnv(data.url, prodPort) },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    try {
      const readyMs = await waitForHealth(prodPort, child);
      await new Promise((r) => setTimeout(r, 3000));
      const idle = rssMb(child.pid!);
      const headers = { 'content-type': 'application/json', authorization: `Bearer ${await bankToken('saibei-rural-bank')}` };
      let peak = idle;
      let errors = 0;
      const sampler = setInterval(() => (peak = Math.max(peak, rssMb(child.pid!))), 200);
      const loadAvg = loadavg()[0];
      const r = await autocannon({
        url: `http://127.0.0.1:${prodPort}/graphql`,
        connections: opts.connections,
        duration: opts.duration,
        method: 'POST',
        requests: [
          {
            setupRequest: (req: any) => ({
              ...req,
              headers,
              body: JSON.stringify({
                query: PROFILE_QUERY,
                variables: { b: ids[Math.floor(Math.random() * ids.length)], p: 'LOAN_APPLICATION' },
              }),
            }),
            onResponse: (status: number, body: string) => {
              if (status !== 200 || body.includes('"errors"')) errors++;
            },
          },
        ],
      } as any);
      clearInterval(sampler);
      const after = rssMb(child.pid!);
      console.log(
        `\n  production: npm run build (${buildS.toFixed(1)} s) then node --import ./dist/observability/tracing.js dist/main.js on PostgreSQL (NODE_ENV=production, no demo data, pool 10), ready in ${fmt(readyMs)} ms; data ${fmt(spec.borrowers)} borrowers × ${spec.accountsPerBorrower} accounts (${data.reused ? 'reused' : `generated in ${data.seconds.toFixed(1)} s`})`,
      );
      console.log('| production RSS | MB | target | |');
      console.log('| --- | --- | --- | --- |');
      console.log(`| idle (3 s after ready) | ${idle} | < 300 | ${verdict(idle < 300)} |`);
      console.log(
        `| under load: peak during autocannon, ${opts.connections} connections × ${opts.duration} s on creditProfile (${fmt(r.requests.average)} req/s, p99 ${r.latency.p99} ms, ${errors + r.errors + r.non2xx} errors; load average ${loadAvg.toFixed(2)}) | ${peak} | < 300 | ${verdict(peak < 300)} |`,
      );
      console.log(`| after the load | ${after} | < 300 | ${verdict(after < 300)} |`);
    } finally {
      if (child.exitCode === null) {
        const exited = new Promise((res) => child.once('exit', res));
        child.kill('SIGTERM');
        await exited;
      }
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
