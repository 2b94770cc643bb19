import path from 'node:path';
import type { Config } from '../config.js';
import { openDatabase, type Database } from './client.js';
import { migrateDatabase } from './migrate.js';

/** The configured database (PostgreSQL when DATABASE_URL is set, else embedded PGlite under DATA_DIR), migrated. */
export async function openConfiguredDatabase(config: Config): Promise<Database> {
  const db = config.databaseUrl
    ? await openDatabase({ url: config.databaseUrl, poolSize: config.dbPoolSize })
    : await openDatabase({ dataDir: path.resolve(config.dataDir, 'pglite') });
  await migrateDatabase(db, config.databaseUrl);
  return db;
}

/**
 * The pool for reads that tolerate replication lag (READ_DATABASE_URL: programme metrics,
 * parameters, institution lists), or `primary` itself when none is configured. Never migrated:
 * a replica follows the primary's schema.
 */
export async function openReadDatabase(config: Config, primary: Database): Promise<Database> {
  if (!config.readDatabaseUrl) return primary;
  return openDatabase({ url: config.readDatabaseUrl, poolSize: config.dbPoolSize, applicationName: 'credit-share-read' });
}
