import { desc, eq, lte, max } from 'drizzle-orm';
import type { Executor } from '../../db/client.js';
import { programmeParameters } from '../../db/schema/index.js';

export type ParameterRow = typeof programmeParameters.$inferSelect;

export async function versionInForce(db: Executor, at: Date): Promise<{ version: number } | undefined> {
  const [r] = await db
    .select({ version: programmeParameters.version })
    .from(programmeParameters)
    .where(lte(programmeParameters.effectiveFrom, at))
    .orderBy(desc(programmeParameters.effectiveFrom), desc(programmeParameters.version))
    .limit(1);
  return r;
}

export async function byVersion(db: Executor, version: number): Promise<ParameterRow | undefined> {
  const [r] = await db.select().from(programmeParameters).where(eq(programmeParameters.version, version));
  return r;
}

export async function latest(db: Executor): Promise<ParameterRow> {
  const [{ v }] = await db.select({ v: max(programmeParameters.version) }).from(programmeParameters);
  return (await byVersion(db, v!))!;
}

export async function all(db: Executor) {
  return db.select().from(programmeParameters).orderBy(desc(programmeParameters.version));
}

export async function insertVersion(db: Executor, v: Omit<typeof programmeParameters.$inferInsert, 'version'>) {
  const [r] = await db.insert(programmeParameters).values(v).returning();
  return r;
}
