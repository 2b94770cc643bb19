import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { BIG_BORROWER_ID, profileDataset } from './dataset.js';
import { fmt, verdict } from './common.js';
import { benchCliff, benchProfile, type CliffSet } from './profile.js';
import { runMetricsSection } from './metrics.js';
import { benchEvents, printEvents } from './events.js';
import { benchScaling, printScaling } from './scaling.js';
import { runStartupSection } from './startup.js';

// npm run bench [-- --borrowers 100000 --duration 10 --reps 3 --connections 20 --cliff 10000,100000,1000000 --fresh] [-- --only profile|metrics|events]
const { values } = parseArgs({
  options: {
    borrowers: { type: 'string', default: '100000' },
    accounts: { type: 'string', default: '10' },
    duration: { type: 'string', default: '10' },
    // the profile section: interleaved reps; the no-cliff datasets (borrowers, comma-separated) and their accounts each; the big file's accounts
    reps: { type: 'string', default: '3' },
    cliff: { type: 'string', default: '10000,100000,1000000' },
    'cliff-accounts': { type: 'string', default: '2' },
    'big-file': { type: 'string', default: '10000' },
    connections: { type: 'string', default: '20' },
    server: { type: 'string', default: process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test' },
    port: { type: 'string', default: '4100' },
    fresh: { type: 'boolean', default: false },
    loans: { type: 'string', default: '1000000' },
    // the metrics section: dataset sizes (loans, comma-separated; 5000000 is opt-in), rounds, naive scans at --loans
    'metrics-sizes': { type: 'string', default: '100000,1000000' },
    'metrics-runs': { type: 'string', default: '40' },
    'metrics-naive-runs': { type: 'string', default: '3' },
    only: { type: 'string' },
    // the events section: records per furnishing, unwatched/watched batch pairs, batches of 1,000 back to back, seconds at 200 records/s
    'events-batch': { type: 'string', default: '500' },
    'events-rounds': { type: 'string', default: '8' },
    'events-stream': { type: 'string', default: '5' },
    'events-paced': { type: 'string', default: '10' },
    // the scaling section (its own HA cluster on 6100–6103): borrowers, loans for metrics, interleaved reps, keep the cluster
    // up after, and one against two API replicas on the single server too
    'scaling-borrowers': { type: 'string', default: '20000' },
    'scaling-loans': { type: 'string', default: '100000' },
    'scaling-reps': { type: 'string', default: '3' },
    'keep-cluster': { type: 'boolean', default: false },
    'scaling-single': { type: 'boolean', default: false },
    // the startup section: first starts and restarts per median, seconds of autocannon on the production build
    'startup-runs': { type: 'string', default: '3' },
    'startup-duration': { type: 'string', default: '10' },
  },
});

const serverUrl = values.server!;
const SECTIONS = ['profile', 'metrics', 'events', 'scaling', 'startup'];
if (values.only && !SECTIONS.includes(values.only)) {
  console.error(`--only takes one of ${SECTIONS.join(', ')}`);
  process.exit(2);
}
const runs = (section: string) => !values.only || values.only === section;
console.log(`# npm run bench (${new Date().toISOString()}, node ${process.version})\n`);

if (runs('profile')) {
  console.log(`## creditProfile: consent check + inquiry, audit and event inserts + the profile, three servers interleaved`);
  const spec = { borrowers: Number(values.borrowers), accountsPerBorrower: Number(values.accounts), inquiriesPerBorrower: 3, seed: 7 };
  const dbName = 'cs_bench_profile';
  const data = await profileDataset(serverUrl, dbName, spec, values.fresh!);
  console.log(
    `  data: ${fmt(spec.borrowers)} borrowers × ${spec.accountsPerBorrower} accounts (24-month patterns) + ${spec.inquiriesPerBorrower} inquiries + 5 consents each (database ${dbName}): ${data.reused ? 'reused (--fresh regenerates)' : `generated in PostgreSQL in ${data.seconds.toFixed(1)} s = ${((data.seconds * 100_000) / spec.borrowers).toFixed(1)} s per 100k borrowers`}`,
  );
  console.log(
    `  load: autocannon, ${values.connections} connections × ${values.duration} s per server per rep, ${values.reps} reps (order rotating), random borrower and bank per request, pool 10, NODE_ENV=production; load average on ${cpus().length} CPUs beside each rep (servers, PostgreSQL and autocannon share them)`,
  );
  await benchProfile({
    dbUrl: data.url,
    dbName,
    serverUrl,
    connections: Number(values.connections),
    duration: Number(values.duration),
    port: Number(values.port),
    reps: Number(values.reps),
  });

  console.log(`\n### No cliff: this server's profile latency as the data grows (one connection, sequential requests)`);
  const sizes = String(values.cliff).split(',').map(Number).filter(Boolean);
  const cliffAccounts = Number(values['cliff-accounts']);
  const bigFile = Number(values['big-file']);
  const sets: CliffSet[] = [];
  const gens: string[] = [];
  for (const [i, n] of sizes.entries()) {
    const cliffSpec = {
      borrowers: n,
      accountsPerBorrower: cliffAccounts,
      inquiriesPerBorrower: 1,
      seed: 7,
      lean: true,
      bigFile: i === 0 ? bigFile : 0,
    };
    const d = await profileDataset(serverUrl, `cs_bench_cliff_${n}`, cliffSpec, values.fresh!);
    gens.push(d.reused ? 'reused' : `generated in ${d.seconds.toFixed(1)} s (${((d.seconds * 10_000) / n).toFixed(2)} s per 10k)`);
    sets.push({ borrowers: n, dbUrl: d.url, bigBorrower: i === 0 && bigFile ? BIG_BORROWER_ID : undefined });
  }
  const cliffLoad = loadavg()[0];
  const results = await benchCliff({ sets, port: Number(values.port) + 10, rounds: 5, perRound: 40, bank: 'saibei-rural-bank' });
  const points = results.filter((r) => r.label !== 'big file');
  const big = results.find((r) => r.label === 'big file');
  console.log(
    `  data: N borrowers × ${cliffAccounts} accounts + 1 inquiry + 1 consent each, one database and one server per N (cs_bench_cliff_N), plus one borrower with ${fmt(bigFile)} accounts in the first; 5 rounds rotating over them of 40 sequential requests each (after 40 to warm up); load average ${cliffLoad.toFixed(2)} at the start`,
  );
  console.log('| borrowers | p50 ms | p99 ms | requests | data |');
  console.log('| --- | --- | --- | --- | --- |');
  points.forEach((p, i) => console.log(`| ${fmt(p.borrowers)} | ${p.p50.toFixed(2)} | ${p.p99.toFixed(2)} | ${p.requests} | ${gens[i]} |`));
  if (points.length >= 2) {
    const [first, last] = [points[0], points[points.length - 1]];
    const ratio = last.p50 / first.p50;
    // logarithmic growth: the cost may grow by at most log(N_last)/log(N_first) (e.g. 1.5× from 10k to 1M)
    const bound = Math.log(last.borrowers) / Math.log(first.borrowers);
    console.log(
      `\n  p50 at ${fmt(last.borrowers)} ÷ p50 at ${fmt(first.borrowers)} = ${ratio.toFixed(2)}× (${fmt(last.borrowers / first.borrowers)}× the borrowers; logarithmic growth allows at most log N ratio = ${bound.toFixed(2)}×: ${verdict(ratio <= bound)})`,
    );
  }
  if (big)
    console.log(
      `  one borrower with ${fmt(bigFile)} accounts: first page of ${big.accounts} accounts, p50 ${big.p50.toFixed(2)} ms, p99 ${big.p99.toFixed(2)} ms over ${big.requests} requests (target p50 < 50 ms: ${verdict(big.p50 < 50)})`,
    );
}

if (runs('metrics')) {
  console.log(`\n## programmeMetrics: kept groups and kept arrears, flat from 100k to 1M (and 5M) loans, against the naive scan`);
  await runMetricsSection({
    serverUrl,
    sizes: values['metrics-sizes']!.split(',')
      .map(Number)
      .filter((n) => n > 0),
    naiveAt: Number(values.loans),
    port: Number(values.port) + 11,
    runs: Number(values['metrics-runs']),
    naiveRuns: Number(values['metrics-naive-runs']),
    fresh: values.fresh!,
    fmt,
  });
}

if (runs('events')) {
  console.log(`\n## monitoring events: furnishing → alerts → signed webhooks on 127.0.0.1`);
  const opts = {
    serverUrl,
    dbName: 'cs_bench_events',
    port: Number(values.port) + 2,
    batch: Number(values['events-batch']),
    rounds: Number(values['events-rounds']),
    streamBatches: Number(values['events-stream']),
    pacedSeconds: Number(values['events-paced']),
    accountsPerBorrower: 8,
  };
  const r = await benchEvents(opts);
  console.log(
    `  data: ${fmt(r.borrowers.watched)} borrowers watched by an insurer (POST_INSURANCE_MANAGEMENT consent + its open policy account), ${fmt(r.borrowers.unwatched)} not, ${opts.accountsPerBorrower} loan accounts each at DPD_60, furnished DPD_90 by another bank (RED DPD_90_ELSEWHERE); fresh database cs_bench_events, set up through GraphQL in ${r.setupSeconds.toFixed(1)} s`,
  );
  console.log(
    `  cost: processEvents (ADMIN) after each batch, nothing else running; unwatched and watched batches alternate in one run; watched deliveries drain before the next batch; load average ${loadavg()[0].toFixed(1)} on ${cpus().length} CPUs at the end (server, PostgreSQL, receiver and client share them)\n`,
  );
  printEvents(r, fmt);
}

if (runs('scaling')) {
  console.log(`\n## scaling: the HA cluster (pg_auto_failover), one API replica against two, metrics on the read replica`);
  const r = await benchScaling({
    serverUrl,
    port: Number(values.port),
    connections: Number(values.connections),
    duration: Number(values.duration),
    reps: Number(values['scaling-reps']),
    borrowers: Number(values['scaling-borrowers']),
    loans: Number(values['scaling-loans']),
    metricsRuns: 40,
    fresh: values.fresh!,
    keepCluster: values['keep-cluster']!,
    single: values['scaling-single']!,
  });
  if (r) printScaling(r, fmt);
}

if (runs('startup')) {
  console.log(`\n## startup and memory: embedded first start and restart, the demo set's generation, production RSS`);
  await runStartupSection({
    serverUrl,
    port: Number(values.port) + 20,
    runs: Number(values['startup-runs']),
    duration: Number(values['startup-duration']),
    connections: Number(values.connections),
  });
}
