import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { inject } from 'vitest';
import { openDatabase, type Database } from '../../src/db/client.js';
import { adminUrl, withDatabase } from './pg-admin.js';

export const dbMode = () => inject('dbMode');
export const onRealServer = () => inject('dbMode') === 'postgres';

export interface TestDatabase {
  db: Database;
  /** For tests that need a second, independent connection pool (concurrency). */
  url?: string;
  drop(): Promise<void>;
}

/** An isolated, migrated database for one test file. */
export async function createTestDatabase(opts: { poolSize?: number } = {}): Promise<TestDatabase> {
  if (inject('dbMode') === 'postgres') {
    const base = process.env.DATABASE_URL!;
    const name = `cs_test_${randomBytes(6).toString('hex')}`;
    const admin = await openDatabase({ url: adminUrl(base), poolSize: 1 });
    for (let attempt = 0; ; attempt++) {
      try {
        await admin.orm.execute(`create database ${name} template ${inject('pgTemplate')}` as any);
        break;
      } catch (err) {
        // Two files cloning the template at the same instant: try again shortly.
        if (attempt >= 20) throw err;
        await new Promise((r) => setTimeout(r, 100 + Math.random() * 200));
      }
    }
    const url = withDatabase(base, name);
    const db = await openDatabase({ url, poolSize: opts.poolSize ?? 10 });
    return {
      db,
      url,
      async drop() {
        await db.close().catch(() => {});
        await admin.orm.execute(`drop database if exists ${name} with (force)` as any);
        await admin.close();
      },
    };
  }
  const image = new Blob([readFileSync(inject('pgliteImage'))]);
  const db = await openDatabase({ loadDataDir: image });
  return { db, drop: () => db.close() };
}
