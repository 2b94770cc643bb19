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

/** Test databases left by an interrupted run; one still in use by a live run is left alone. */
async function dropStaleDatabases(admin: Awaited<ReturnType<typeof openDatabase>>) {
  const r: any = await admin.orm.execute(`select datname from pg_database where datname ~ '^cs_(tmpl|test)_[0-9a-f]+$'` as any);
  for (const { datname } of Array.isArray(r) ? r : r.rows) {
    await admin.orm.execute(`drop database if exists ${datname}` as any).catch(() => {});
  }
}

/** Migrate once; every test file then starts from a copy of the migrated database. */
export default async function setup(project: TestProject) {
  const url = process.env.DATABASE_URL;
  if (url) {
    const template = `cs_tmpl_${randomBytes(4).toString('hex')}`;
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
