import { readFileSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { MIGRATIONS_DIR, one, type Database } from './client.js';

/** The newest migration this build ships (drizzle records its journal timestamp when applied). */
function latestShippedMigration(): number {
  const journal = JSON.parse(readFileSync(path.join(MIGRATIONS_DIR, 'meta/_journal.json'), 'utf8')) as { entries: { when: number }[] };
  return Math.max(...journal.entries.map((e) => e.when));
}

export type Readiness = { ready: true } | { ready: false; reason: string };

/** Ready: the database answers, and every migration this build ships has been applied. */
export async function databaseReadiness(db: Database): Promise<Readiness> {
  try {
    const row = await one<{ applied: string | null }>(
      db.orm,
      sql`select max(created_at)::text as applied from drizzle.__drizzle_migrations`,
    );
    const applied = Number(row?.applied ?? 0);
    if (applied < latestShippedMigration()) return { ready: false, reason: 'migrations pending' };
    return { ready: true };
  } catch {
    return { ready: false, reason: 'database unavailable' };
  }
}
