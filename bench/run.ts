import { parseArgs } from 'node:util';
import { ensureProfileDataset } from './dataset.js';
import { fmt } from './common.js';
import { benchProfile } from './profile.js';
import { benchMetrics, ensureMetricsDataset } from './metrics.js';

// npm run bench [-- --borrowers 100000 --duration 15 --connections 20 --fresh]
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
  },
});

const serverUrl = values.server!;
console.log(`# npm run bench (${new Date().toISOString()}, node ${process.version})\n`);

if (values.only !== 'metrics') {
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

if (values.only !== 'profile') {
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
