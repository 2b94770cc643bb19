import { and, desc, eq, gte, inArray, sql } from 'drizzle-orm';
import { one, type Executor } from '../../db/client.js';
import { borrowers, loanExtensions, loanInstalments, policyPremiums } from '../../db/schema/index.js';
import type { PremiumYear } from '../underwriting/pricing.js';

export type ExtensionRow = typeof loanExtensions.$inferSelect;

/** What loan_extensions.endorsement holds. */
export interface EndorsementView {
  before: PremiumYear[];
  after: PremiumYear[];
  additionalPremium: string;
  annualisedCost: string | null;
}

/** An extension as the API shows it. */
export interface ExtensionView {
  id: string;
  loanId: string;
  extraMonths: number;
  interestRate: string;
  oldMaturityOn: string;
  newMaturityOn: string;
  status: 'PROPOSED' | 'AGREED' | 'DECLINED';
  reason: string;
  proposedAt: Date;
  decidedAt: Date | null;
  declineReason: string | null;
  endorsement: EndorsementView | null;
}

export const extensionView = (r: ExtensionRow): ExtensionView => ({
  id: r.id,
  loanId: r.loanId,
  extraMonths: r.extraMonths,
  interestRate: r.interestRate,
  oldMaturityOn: r.oldMaturityOn,
  newMaturityOn: r.newMaturityOn,
  status: r.status as ExtensionView['status'],
  reason: r.reason,
  proposedAt: r.proposedAt,
  decidedAt: r.decidedAt,
  declineReason: r.declineReason,
  endorsement: (r.endorsement as EndorsementView | null) ?? null,
});

export async function insertExtension(tx: Executor, v: typeof loanExtensions.$inferInsert) {
  const [r] = await tx.insert(loanExtensions).values(v).returning();
  return r;
}

export async function extensionById(db: Executor, id: string) {
  const [r] = await db.select().from(loanExtensions).where(eq(loanExtensions.id, id));
  return r;
}

export async function lockExtension(tx: Executor, id: string) {
  const [r] = await tx.select().from(loanExtensions).where(eq(loanExtensions.id, id)).for('update');
  return r;
}

export async function updateExtension(tx: Executor, id: string, set: Partial<typeof loanExtensions.$inferInsert>) {
  const [r] = await tx.update(loanExtensions).set(set).where(eq(loanExtensions.id, id)).returning();
  return r;
}

/** A loan's extensions, newest first. */
export async function extensionsOfLoan(db: Executor, loanId: string) {
  return db.select().from(loanExtensions).where(eq(loanExtensions.loanId, loanId)).orderBy(desc(loanExtensions.proposedAt));
}

/**
 * The latest extension of each loan: the open or agreed one (a loan has at most one of them at a
 * time), else the last declined.
 */
export async function latestExtensions(db: Executor, loanIds: readonly string[]) {
  if (!loanIds.length) return [];
  return db
    .selectDistinctOn([loanExtensions.loanId])
    .from(loanExtensions)
    .where(inArray(loanExtensions.loanId, [...loanIds]))
    .orderBy(
      loanExtensions.loanId,
      sql`${loanExtensions.status} = 'DECLINED'`,
      desc(loanExtensions.proposedAt),
      sql`${loanExtensions.decidedAt} desc nulls first`,
      desc(loanExtensions.id),
    );
}

/** The instalments an extension replaces: from `fromSeq` on. */
export async function deleteInstalmentsFrom(tx: Executor, loanId: string, fromSeq: number) {
  await tx.delete(loanInstalments).where(and(eq(loanInstalments.loanId, loanId), gte(loanInstalments.seq, fromSeq)));
}

/** The policy years not yet charged (an endorsement replaces them). */
export async function deleteScheduledPremiumYears(tx: Executor, policyId: string) {
  await tx.delete(policyPremiums).where(and(eq(policyPremiums.policyId, policyId), eq(policyPremiums.status, 'SCHEDULED')));
}

export async function borrowerCategory(db: Executor, borrowerId: string) {
  const [b] = await db.select({ category: borrowers.category }).from(borrowers).where(eq(borrowers.id, borrowerId));
  return b?.category;
}

/** Close a still-open extension proposal: the loan was settled early. */
export async function declineOpenExtensions(tx: Executor, loanId: string, now: Date) {
  await tx.execute(sql`update loan_extensions set status = 'DECLINED', decided_at = ${now.toISOString()}::timestamptz, decided_by = 'system:settlement',
      decline_reason = 'the loan was settled early (提前结清)' where loan_id = ${loanId}::uuid and status = 'PROPOSED'`);
}

/** The business day the loan's extension was agreed (null if never extended). */
export async function extensionAgreedOn(db: Executor, loanId: string) {
  const r = await one<{ on: string | null }>(
    db,
    sql`select (max(decided_at) at time zone 'Asia/Shanghai')::date::text as on from loan_extensions
        where loan_id = ${loanId}::uuid and status = 'AGREED'`,
  );
  return r?.on ?? null;
}
