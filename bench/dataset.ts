import { openDatabase } from '../src/db/client.js';
import { loadDemoData } from '../src/demo/load.js';
import { BENCH_PEPPER, benchDatabase, markDataset } from './common.js';

export interface DatasetSpec {
  borrowers: number;
  accountsPerBorrower: number;
  inquiriesPerBorrower: number;
  seed: number;
}

const specKey = (s: DatasetSpec) => `profile:${s.borrowers}x${s.accountsPerBorrower}+${s.inquiriesPerBorrower}@${s.seed}`;

/**
 * The benchmark database on the real server: created and filled by the deterministic demo
 * generator once, then reused while the spec (and the migrations) are unchanged.
 */
export async function ensureProfileDataset(serverUrl: string, dbName: string, spec: DatasetSpec, fresh: boolean): Promise<string> {
  const { url, reused } = await benchDatabase(serverUrl, dbName, specKey(spec), fresh);
  if (reused) return url;
  const started = Date.now();
  const db = await openDatabase({ url, poolSize: 4 });
  const summary = await loadDemoData(
    db,
    {
      seed: spec.seed,
      borrowers: spec.borrowers,
      asOf: new Date(),
      pepper: BENCH_PEPPER,
      accountsPerBorrower: spec.accountsPerBorrower,
      inquiriesPerBorrower: spec.inquiriesPerBorrower,
      consentAll: true,
    },
    2000,
    (done) => {
      if (done % 20000 === 0) process.stdout.write(`  generated ${done} borrowers\r`);
    },
  );
  await db.orm.execute('analyze' as any);
  await db.close();
  await markDataset(url, specKey(spec));
  console.log(
    `  dataset: ${summary.borrowers} borrowers, ${summary.accounts} accounts, ${summary.consents} consents, ${summary.inquiries} inquiries in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  return url;
}
