import { and, asc, desc, eq, isNull, lt } from 'drizzle-orm';
import type { Executor } from '../../db/client.js';
import { creditAccounts, disputes } from '../../db/schema/index.js';
import type { DisputeSubject } from '../../domain.js';

const disputeColumns = {
  id: disputes.id,
  subject: disputes.subject,
  accountId: disputes.accountId,
  accountRef: creditAccounts.accountRef,
  inquiryId: disputes.inquiryId,
  publicRecordId: disputes.publicRecordId,
  borrowerId: disputes.borrowerId,
  institutionId: disputes.institutionId,
  reason: disputes.reason,
  status: disputes.status,
  filedAt: disputes.filedAt,
  dueAt: disputes.dueAt,
  outcome: disputes.outcome,
  resolutionNote: disputes.resolutionNote,
  resolvedAt: disputes.resolvedAt,
};

export type DisputeView = {
  id: string;
  subject: DisputeSubject;
  accountId: string | null;
  accountRef: string | null;
  inquiryId: string | null;
  publicRecordId: string | null;
  borrowerId: string;
  /** Who answers; null for an identity dispute (the platform's ADMIN answers). */
  institutionId: string | null;
  reason: string;
  status: string;
  filedAt: Date;
  dueAt: Date;
  outcome: string | null;
  resolutionNote: string | null;
  resolvedAt: Date | null;
};

const base = (db: Executor) =>
  db.select(disputeColumns).from(disputes).leftJoin(creditAccounts, eq(creditAccounts.id, disputes.accountId)).$dynamic();
/** The table's checks hold subject to its list. */
const views = async (q: PromiseLike<unknown[]>) => (await q) as DisputeView[];

export async function insertDispute(tx: Executor, values: typeof disputes.$inferInsert) {
  const [d] = await tx.insert(disputes).values(values).returning({ id: disputes.id });
  return d;
}

export async function disputeById(db: Executor, id: string): Promise<DisputeView | undefined> {
  const [d] = await views(base(db).where(eq(disputes.id, id)));
  return d;
}

/** The dispute, locked for its answer (the policy decides whose it is). */
export async function lockDispute(tx: Executor, id: string) {
  const [d] = await tx.select().from(disputes).where(eq(disputes.id, id)).for('update');
  return d;
}

export async function markResolved(
  tx: Executor,
  id: string,
  v: { outcome: string; note: string; at: Date; by: string; correction: unknown },
) {
  await tx
    .update(disputes)
    .set({ status: 'RESOLVED', outcome: v.outcome, resolutionNote: v.note, resolvedAt: v.at, resolvedBy: v.by, correction: v.correction })
    .where(eq(disputes.id, id));
}

export const disputesOfBorrower = (db: Executor, borrowerId: string): Promise<DisputeView[]> =>
  views(base(db).where(eq(disputes.borrowerId, borrowerId)).orderBy(desc(disputes.filedAt)));

const withStatus = (status?: string) => (status ? eq(disputes.status, status) : undefined);

/** Disputes an institution or authority answers. */
export const disputesOfInstitution = (db: Executor, institutionId: string, status?: string): Promise<DisputeView[]> =>
  views(
    base(db)
      .where(and(eq(disputes.institutionId, institutionId), withStatus(status)))
      .orderBy(asc(disputes.dueAt)),
  );

/** Identity disputes: the platform answers them. */
export const identityDisputes = (db: Executor, status?: string): Promise<DisputeView[]> =>
  views(
    base(db)
      .where(and(eq(disputes.subject, 'IDENTITY'), isNull(disputes.institutionId), withStatus(status)))
      .orderBy(asc(disputes.dueAt)),
  );

export const overdue = (db: Executor, now: Date): Promise<DisputeView[]> =>
  views(
    base(db)
      .where(and(eq(disputes.status, 'OPEN'), lt(disputes.dueAt, now)))
      .orderBy(asc(disputes.dueAt)),
  );
