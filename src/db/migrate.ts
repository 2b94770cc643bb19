import type { Database } from './client.js';
import { MIGRATIONS_DIR } from './client.js';
import { withExclusiveLock } from './locks.js';

/**
 * Applies the committed drizzle-kit migrations; the same files for PGlite and PostgreSQL. On
 * PostgreSQL under an advisory lock: N replicas starting at once migrate one after another,
 * and the later ones find nothing left to do.
 */
export async function migrateDatabase(db: Database, url?: string): Promise<void> {
  await withExclusiveLock(db.driver === 'postgres' ? url : undefined, 'migrate', () => applyMigrations(db));
}

async function applyMigrations(db: Database): Promise<void> {
  // Database.orm is typed as the common PgDatabase; each migrator wants its own driver's subclass, which it is
  if (db.driver === 'postgres') {
    const { migrate } = await import('drizzle-orm/postgres-js/migrator');
    await migrate(db.orm as unknown as Parameters<typeof migrate>[0], { migrationsFolder: MIGRATIONS_DIR });
  } else {
    const { migrate } = await import('drizzle-orm/pglite/migrator');
    await migrate(db.orm as unknown as Parameters<typeof migrate>[0], { migrationsFolder: MIGRATIONS_DIR });
  }
}
