import { and, asc, desc, eq, gt, inArray } from 'drizzle-orm';
import type { Executor } from '../../db/client.js';
import { claims, courtConfirmations, recoveries } from '../../db/schema/index.js';

export type ClaimRow = typeof claims.$inferSelect;
export type CourtConfirmationRow = typeof courtConfirmations.$inferSelect;
export type RecoveryRow = typeof recoveries.$inferSelect;

export async function insertClaim(tx: Executor, v: typeof claims.$inferInsert) {
  const [c] = await tx.insert(claims).values(v).onConflictDoNothing({ target: claims.loanId }).returning();
  return c;
}

export async function lockClaim(tx: Executor, id: string) {
  const [c] = await tx.select().from(claims).where(eq(claims.id, id)).for('update');
  return c;
}

export async function claimById(db: Executor, id: string) {
  const [c] = await db.select().from(claims).where(eq(claims.id, id));
  return c;
}

export async function claimOfLoan(db: Executor, loanId: string) {
  const [c] = await db.select().from(claims).where(eq(claims.loanId, loanId));
  return c;
}

export async function updateClaim(tx: Executor, id: string, set: Partial<typeof claims.$inferInsert>) {
  const [c] = await tx.update(claims).set(set).where(eq(claims.id, id)).returning();
  return c;
}

/** Claims whose compensation was cut short by an empty fund, oldest approval first, locked. */
export async function lockClaimsWithShortfall(tx: Executor) {
  return tx
    .select()
    .from(claims)
    .where(gt(claims.compensationShortfall, '0'))
    .orderBy(asc(claims.compensationApprovedAt), asc(claims.id))
    .for('update');
}

/** Which claims a list holds: a bank's, an insurer's, or (neither given) all of them. */
export interface ClaimScope {
  bankId?: string;
  insurerId?: string;
}

export async function listClaims(db: Executor, scope: ClaimScope, status: string | undefined, limit: number) {
  return db
    .select()
    .from(claims)
    .where(
      and(
        scope.bankId ? eq(claims.bankId, scope.bankId) : undefined,
        scope.insurerId ? eq(claims.insurerId, scope.insurerId) : undefined,
        status ? eq(claims.status, status) : undefined,
      ),
    )
    .orderBy(desc(claims.filedAt))
    .limit(limit);
}

export async function insertCourtConfirmation(tx: Executor, v: typeof courtConfirmations.$inferInsert) {
  const [c] = await tx.insert(courtConfirmations).values(v).onConflictDoNothing().returning();
  return c;
}

export async function courtConfirmationsOf(db: Executor, loanIds: readonly string[]) {
  if (!loanIds.length) return [];
  return db
    .select()
    .from(courtConfirmations)
    .where(inArray(courtConfirmations.loanId, [...loanIds]));
}

export async function insertRecovery(tx: Executor, v: typeof recoveries.$inferInsert) {
  const [r] = await tx.insert(recoveries).values(v).returning();
  return r;
}

export async function recoveriesOf(db: Executor, claimIds: readonly string[]) {
  if (!claimIds.length) return [];
  return db
    .select()
    .from(recoveries)
    .where(inArray(recoveries.claimId, [...claimIds]))
    .orderBy(asc(recoveries.recordedAt));
}
