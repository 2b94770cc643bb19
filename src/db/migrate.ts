import type { Database } from './client.js';
import { MIGRATIONS_DIR } from './client.js';

/** Applies the committed drizzle-kit migrations; the same files for PGlite and PostgreSQL. */
export async function migrateDatabase(db: Database): Promise<void> {
  if (db.driver === 'postgres') {
    const { migrate } = await import('drizzle-orm/postgres-js/migrator');
    await migrate(db.orm as any, { migrationsFolder: MIGRATIONS_DIR });
  } else {
    const { migrate } = await import('drizzle-orm/pglite/migrator');
    await migrate(db.orm as any, { migrationsFolder: MIGRATIONS_DIR });
  }
}
