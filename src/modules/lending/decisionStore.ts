import { and, asc, desc, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Executor } from '../../db/client.js';
import { applicationReviews, applications, humanReviews, institutions } from '../../db/schema/index.js';

/** SQL for the decisions a borrower may read (every review, superseded ones too) and the human reviews of declines. */
export type HumanReviewRow = typeof humanReviews.$inferSelect;

/** Every review of the borrower's applications, newest first (at one instant, a replacement before what it replaced), with what the summary needs. */
export async function decisionsOf(db: Executor, borrowerId: string, limit: number) {
  return db
    .select({
      review: applicationReviews,
      amount: applications.amount,
      termYears: applications.termYears,
      institutionName: institutions.name,
    })
    .from(applicationReviews)
    .innerJoin(applications, eq(applications.id, applicationReviews.applicationId))
    .innerJoin(institutions, eq(institutions.id, applicationReviews.institutionId))
    .where(eq(applications.borrowerId, borrowerId))
    .orderBy(desc(applicationReviews.reviewedAt), sql`${applicationReviews.supersededAt} desc nulls first`, desc(applicationReviews.id))
    .limit(limit);
}

/** A review, locked (the one a human review reconsiders). */
export async function lockReview(tx: Executor, id: string) {
  const [r] = await tx.select().from(applicationReviews).where(eq(applicationReviews.id, id)).for('update');
  return r;
}

/** The most recent current decline of an application: what a borrower may ask a person to reconsider. */
export async function currentDecline(tx: Executor, applicationId: string) {
  const [r] = await tx
    .select()
    .from(applicationReviews)
    .where(
      and(
        eq(applicationReviews.applicationId, applicationId),
        eq(applicationReviews.decision, 'DECLINE'),
        isNull(applicationReviews.supersededAt),
      ),
    )
    .orderBy(desc(applicationReviews.reviewedAt))
    .limit(1);
  return r;
}

export async function supersedeReview(tx: Executor, id: string, at: Date) {
  await tx.update(applicationReviews).set({ supersededAt: at }).where(eq(applicationReviews.id, id));
}

export async function insertHumanReview(tx: Executor, v: typeof humanReviews.$inferInsert) {
  const [r] = await tx.insert(humanReviews).values(v).returning();
  return r;
}

export async function humanReviewOfReview(db: Executor, reviewId: string) {
  const [r] = await db.select().from(humanReviews).where(eq(humanReviews.reviewId, reviewId));
  return r;
}

export async function lockHumanReview(tx: Executor, id: string) {
  const [r] = await tx.select().from(humanReviews).where(eq(humanReviews.id, id)).for('update');
  return r;
}

export async function updateHumanReview(tx: Executor, id: string, set: Partial<typeof humanReviews.$inferInsert>) {
  const [r] = await tx.update(humanReviews).set(set).where(eq(humanReviews.id, id)).returning();
  return r;
}

/** The human reviews of these reviews (a decision's, in myDecisions). */
export async function humanReviewsOfReviews(db: Executor, reviewIds: readonly string[]) {
  if (!reviewIds.length) return [];
  return db
    .select()
    .from(humanReviews)
    .where(inArray(humanReviews.reviewId, [...reviewIds]));
}

/** Human reviews an institution answers, oldest first. */
export async function humanReviewsFor(db: Executor, institutionId: string, status: string | undefined, limit: number) {
  return db
    .select()
    .from(humanReviews)
    .where(and(eq(humanReviews.institutionId, institutionId), status ? eq(humanReviews.status, status) : undefined))
    .orderBy(asc(humanReviews.requestedAt), asc(humanReviews.id))
    .limit(limit);
}
