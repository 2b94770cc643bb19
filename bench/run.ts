import { parseArgs } from 'node:util';
import { ensureProfileDataset } from './dataset.js';
import { fmt } from './common.js';
import { benchProfile } from './profile.js';

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
  },
});

const serverUrl = values.server!;
console.log(`# npm run bench (${new Date().toISOString()}, node ${process.version})\n`);

console.log(`## creditProfile: consent check + profile + inquiry write`);
const spec = { borrowers: Number(values.borrowers), accountsPerBorrower: Number(values.accounts), inquiriesPerBorrower: 3, seed: 7 };
const dbName = 'cs_bench_profile';
const dbUrl = await ensureProfileDataset(serverUrl, dbName, spec, values.fresh!);
console.log(`  data: ${fmt(spec.borrowers)} borrowers × ${spec.accountsPerBorrower} accounts + ${spec.inquiriesPerBorrower} inquiries each (database ${dbName})`);
console.log(`  load: autocannon, ${values.connections} connections × ${values.duration} s, random borrower per request, pool 10, NODE_ENV=production\n`);
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
  console.log(`| ${r.name} | ${fmt(r.reqPerSec)} | ${r.p50} | ${r.p99} | ${r.rssMb} | ${fmt(r.statementsPerRequest, 2)} | ${r.errors}/${fmt(r.requests)} |`);
}
const [ours, raw] = results;
console.log(`\n  this server / raw = ${(ours.reqPerSec / raw.reqPerSec).toFixed(2)}× (target ≥ 0.40×; PostGraphile measured 2,600–3,100 req/s on these machines)`);
