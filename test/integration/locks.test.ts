import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { openDatabase, rows } from '../../src/db/client.js';
import { ifElected, withExclusiveLock } from '../../src/db/locks.js';
import { migrateDatabase } from '../../src/db/migrate.js';
import { onRealServer } from '../helpers/db.js';
import { adminUrl, withDatabase } from '../helpers/pg-admin.js';

describe('one replica at a time', () => {
  it('embedded: one process, the work simply runs', async () => {
    expect(await ifElected(undefined, 'job:test', async () => 42)).toEqual({ ran: true, result: 42 });
    expect(await withExclusiveLock(undefined, 'test', async () => 'done')).toBe('done');
  });

  describe.runIf(onRealServer())('on PostgreSQL (advisory locks)', () => {
    it('three replicas migrating an empty database at once: each succeeds, every migration applied once', async () => {
      const base = process.env.DATABASE_URL!;
      const name = `cs_test_${randomBytes(6).toString('hex')}`;
      const admin = await openDatabase({ url: adminUrl(base), poolSize: 1 });
      await admin.orm.execute(sql.raw(`create database ${name}`));
      const url = withDatabase(base, name);
      const replicas = await Promise.all([1, 2, 3].map(() => openDatabase({ url, poolSize: 2 })));
      try {
        await Promise.all(replicas.map((db) => migrateDatabase(db, url)));
        const applied = await rows<{ hash: string; n: number }>(
          replicas[0].orm,
          sql`select hash, count(*)::int as n from drizzle.__drizzle_migrations group by hash`,
        );
        expect(applied.length).toBeGreaterThan(7);
        expect(applied.every((m) => m.n === 1)).toBe(true);
      } finally {
        await Promise.all(replicas.map((db) => db.close()));
        await admin.orm.execute(sql.raw(`drop database if exists ${name} with (force)`));
        await admin.close();
      }
    });

    it('a scheduled job runs on the replica that holds its lock; the others skip that tick', async () => {
      const url = process.env.DATABASE_URL!;
      let release!: () => void;
      const holding = new Promise<void>((r) => (release = r));
      let started!: () => void;
      const running = new Promise<void>((r) => (started = r));
      const first = ifElected(url, 'job:locks-test', async () => {
        started();
        await holding;
        return 'first';
      });
      await running;
      const second = await ifElected(url, 'job:locks-test', async () => 'second');
      expect(second).toEqual({ ran: false });
      release();
      expect(await first).toEqual({ ran: true, result: 'first' });
      // once released, the next tick may run anywhere
      expect(await ifElected(url, 'job:locks-test', async () => 'third')).toEqual({ ran: true, result: 'third' });
    });
  });
});
