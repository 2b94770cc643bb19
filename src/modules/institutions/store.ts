import { asc, eq, inArray } from 'drizzle-orm';
import type { Executor } from '../../db/client.js';
import { institutions } from '../../db/schema/index.js';
import type { InstitutionKind } from '../../domain.js';

export type InstitutionRow = typeof institutions.$inferSelect;
/** What an Institution field needs: a row, or the id, kind and name a statement already carries. */
export type InstitutionView = Pick<InstitutionRow, 'id' | 'kind' | 'name'> & Partial<Pick<InstitutionRow, 'authority' | 'deactivatedAt'>>;

export async function findInstitution(db: Executor, id: string): Promise<InstitutionRow | undefined> {
  const [i] = await db.select().from(institutions).where(eq(institutions.id, id));
  return i;
}

export async function institutionsByIds(db: Executor, ids: readonly string[]) {
  return db
    .select()
    .from(institutions)
    .where(inArray(institutions.id, [...ids]));
}

export async function listInstitutions(db: Executor, kind?: InstitutionKind) {
  return db
    .select()
    .from(institutions)
    .where(kind ? eq(institutions.kind, kind) : undefined)
    .orderBy(asc(institutions.kind), asc(institutions.name));
}

export async function lockInstitution(tx: Executor, id: string): Promise<InstitutionRow | undefined> {
  const [i] = await tx.select().from(institutions).where(eq(institutions.id, id)).for('update');
  return i;
}

export async function updateInstitution(tx: Executor, id: string, set: Partial<typeof institutions.$inferInsert>) {
  const [i] = await tx.update(institutions).set(set).where(eq(institutions.id, id)).returning();
  return i;
}

export async function insertInstitution(db: Executor, values: typeof institutions.$inferInsert) {
  const [i] = await db.insert(institutions).values(values).onConflictDoNothing().returning();
  return i;
}
