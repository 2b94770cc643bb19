import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { openDatabase } from '../../src/db/client.js';
import { migrateDatabase } from '../../src/db/migrate.js';
import { adminUrl, withDatabase } from './pg-admin.js';

declare module 'vitest' {
  export interface ProvidedContext {
    dbMode: 'pglite' | 'postgres';
    pgliteImage: string;
    pgTemplate: string;
  }
}

/** A run's template is named with its creation time, so a concurrent run's template is never taken for a stale one. */
const STALE_TEMPLATE_S = 3 * 3600;

/**
 * Test databases left by an interrupted run. A test database still in use by a live run has
 * connections and is left alone; a template has none, so only old ones go.
 */
async function dropStaleDatabases(admin: Awaited<ReturnType<typeof openDatabase>>) {
  const r: any = await admin.orm.execute(`select datname from pg_database where datname ~ '^cs_(tmpl|test)_[0-9a-f_]+$'` as any);
  const now = Math.floor(Date.now() / 1000);
  for (const { datname } of (Array.isArray(r) ? r : r.rows) as { datname: string }[]) {
    const made = /^cs_tmpl_([0-9a-f]+)_/.exec(datname);
    if (made && now - parseInt(made[1], 16) < STALE_TEMPLATE_S) continue;
    await admin.orm.execute(`drop database if exists ${datname}` as any).catch(() => {});
  }
}

/** Migrate once; every test file then starts from a copy of the migrated database. */
export default async function setup(project: TestProject) {
  const url = process.env.DATABASE_URL;
  if (url) {
    const template = `cs_tmpl_${Math.floor(Date.now() / 1000).toString(16)}_${randomBytes(4).toString('hex')}`;
    const admin = await openDatabase({ url: adminUrl(url), poolSize: 1 });
    await dropStaleDatabases(admin);
    await admin.orm.execute(`create database ${template}` as any);
    const db = await openDatabase({ url: withDatabase(url, template), poolSize: 1 });
    await migrateDatabase(db);
    await db.close();
    project.provide('dbMode', 'postgres');
    project.provide('pgTemplate', template);
    project.provide('pgliteImage', '');
    return async () => {
      await admin.orm.execute(`drop database if exists ${template} with (force)` as any);
      await admin.close();
    };
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'cs-pglite-'));
  const db = await openDatabase({});
  await migrateDatabase(db);
  const image = await ((db.orm as any).$client as import('@electric-sql/pglite').PGlite).dumpDataDir('none');
  await db.close();
  const file = path.join(dir, 'migrated.tar');
  writeFileSync(file, Buffer.from(await image.arrayBuffer()));
  project.provide('dbMode', 'pglite');
  project.provide('pgliteImage', file);
  project.provide('pgTemplate', '');
  return () => rmSync(dir, { recursive: true, force: true });
}
