import postgres from 'postgres';
import { openDatabase } from '../src/db/client.js';
import { migrateDatabase } from '../src/db/migrate.js';
import { loadDemoData } from '../src/demo/load.js';
import { BENCH_PEPPER, withDatabase } from './common.js';

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
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  const url = withDatabase(serverUrl, dbName);
  try {
    const exists = (await admin`select 1 from pg_database where datname = ${dbName}`).length > 0;
    if (exists && !fresh) {
      const db = postgres(url, { max: 1, onnotice: () => {} });
      const marker = await db`select value from bench_meta where key = 'dataset'`.catch(() => []);
      await db.end();
      if (marker[0]?.value === specKey(spec)) {
        // migrations may have moved on since the data was generated
        const d = await openDatabase({ url, poolSize: 1 });
        await migrateDatabase(d);
        await d.close();
        return url;
      }
    }
    if (exists) await admin.unsafe(`drop database ${dbName} with (force)`);
    await admin.unsafe(`create database ${dbName}`);
  } finally {
    await admin.end();
  }
  const started = Date.now();
  const db = await openDatabase({ url, poolSize: 4 });
  await migrateDatabase(db);
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
  await db.orm.execute(`create table if not exists bench_meta (key text primary key, value text)` as any);
  await db.orm.execute(`insert into bench_meta values ('dataset', '${specKey(spec)}') on conflict (key) do update set value = excluded.value` as any);
  await db.close();
  console.log(
    `  dataset: ${summary.borrowers} borrowers, ${summary.accounts} accounts, ${summary.consents} consents, ${summary.inquiries} inquiries in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  return url;
}
