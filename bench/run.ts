import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { ensureProfileDataset } from './dataset.js';
import { fmt } from './common.js';
import { benchProfile } from './profile.js';
import { benchMetrics, ensureMetricsDataset } from './metrics.js';
import { benchEvents, printEvents } from './events.js';

// npm run bench [-- --borrowers 100000 --duration 15 --connections 20 --fresh] [-- --only profile|metrics|events]
const { values } = parseArgs({
  options: {
    borrowers: { type: 'string', default: '100000' },
    accounts: { type: 'string', default: '10' },
    duration: { type: 'string', default: '15' },
    connections: { type: 'string', default: '20' },
    server: { type: 'string', default: process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test' },
    port: { type: 'string', default: '4100' },
    fresh: { type: 'boolean', default: false },
    loans: { type: 'string', default: '1000000' },
    only: { type: 'string' },
    // the events section: records per furnishing, unwatched/watched batch pairs, batches of 1,000 back to back, seconds at 200 records/s
    'events-batch': { type: 'string', default: '500' },
    'events-rounds': { type: 'string', default: '8' },
    'events-stream': { type: 'string', default: '5' },
    'events-paced': { type: 'string', default: '10' },
  },
});

const serverUrl = values.server!;
const SECTIONS = ['profile', 'metrics', 'events'];
if (values.only && !SECTIONS.includes(values.only)) {
  console.error(`--only takes one of ${SECTIONS.join(', ')}`);
  process.exit(2);
}
const runs = (section: string) => !values.only || values.only === section;
console.log(`# npm run bench (${new Date().toISOString()}, node ${process.version})\n`);

if (runs('profile')) {
  console.log(`## creditProfile: consent check + profile + inquiry write`);
  const spec = { borrowers: Number(values.borrowers), accountsPerBorrower: Number(values.accounts), inquiriesPerBorrower: 3, seed: 7 };
  const dbName = 'cs_bench_profile';
  const dbUrl = await ensureProfileDataset(serverUrl, dbName, spec, values.fresh!);
  console.log(
    `  data: ${fmt(spec.borrowers)} borrowers × ${spec.accountsPerBorrower} accounts + ${spec.inquiriesPerBorrower} inquiries each (database ${dbName})`,
  );
  console.log(
    `  load: autocannon, ${values.connections} connections × ${values.duration} s, random borrower per request, pool 10, NODE_ENV=production\n`,
  );
  const results = await benchProfile({
    dbUrl,
    dbName,
    serverUrl,
    connections: Number(values.connections),
    duration: Number(values.duration),
    port: Number(values.port),
  });
  console.log('| server | req/s | p50 ms | p99 ms | peak RSS MB | SQL/request | errors |');
  console.log('| --- | --- | --- | --- | --- | --- | --- |');
  for (const r of results) {
    console.log(
      `| ${r.name} | ${fmt(r.reqPerSec)} | ${r.p50} | ${r.p99} | ${r.rssMb} | ${fmt(r.statementsPerRequest, 2)} | ${r.errors}/${fmt(r.requests)} |`,
    );
  }
  const [ours, raw] = results;
  console.log(
    `\n  this server / raw = ${(ours.reqPerSec / raw.reqPerSec).toFixed(2)}× (target ≥ 0.40×; PostGraphile measured 2,600–3,100 req/s on these machines)`,
  );
}

if (runs('metrics')) {
  console.log(`\n## programmeMetrics over ${fmt(Number(values.loans))} loans`);
  const metricsUrl = await ensureMetricsDataset(serverUrl, 'cs_bench_metrics', Number(values.loans), values.fresh!);
  const m = await benchMetrics({ dbUrl: metricsUrl, port: Number(values.port) + 1, runs: 40 });
  console.log('| query | p50 ms | p99 ms | runs |');
  console.log('| --- | --- | --- | --- |');
  console.log(
    `| programmeMetrics over HTTP (full dashboard query: kept groups + suppression) | ${m.api.p50.toFixed(1)} | ${m.api.p99.toFixed(1)} | ${m.api.runs} |`,
  );
  console.log(`| naive scan: the same groups from the base tables (SQL only) | ${m.naive.p50.toFixed(1)} | – | ${m.naive.runs} |`);
  console.log(`\n  naive / kept groups = ${(m.naive.p50 / m.api.p50).toFixed(1)}× (target ≥ 10×; p50 target < 200 ms)`);
  console.log(`  answer: ${m.answer.totals.loans} loans, disbursed ${m.answer.totals.disbursed}, leverage ${m.answer.leverage.ratio}×`);
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
