import { and, asc, desc, eq, lt } from 'drizzle-orm';
import type { Executor } from '../../db/client.js';
import { creditAccounts, disputes } from '../../db/schema/index.js';

const disputeColumns = {
  id: disputes.id,
  accountId: disputes.accountId,
  accountRef: creditAccounts.accountRef,
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
  accountId: string;
  accountRef: string;
  borrowerId: string;
  institutionId: string;
  reason: string;
  status: string;
  filedAt: Date;
  dueAt: Date;
  outcome: string | null;
  resolutionNote: string | null;
  resolvedAt: Date | null;
};

const base = (db: Executor) =>
  db.select(disputeColumns).from(disputes).innerJoin(creditAccounts, eq(creditAccounts.id, disputes.accountId));

export async function insertDispute(tx: Executor, values: typeof disputes.$inferInsert) {
  const [d] = await tx.insert(disputes).values(values).returning({ id: disputes.id });
  return d;
}

export async function disputeById(db: Executor, id: string): Promise<DisputeView | undefined> {
  const [d] = await base(db).where(eq(disputes.id, id));
  return d;
}

/** The dispute, locked for its answer (the policy decides whose it is). */
export async function lockDispute(tx: Executor, id: string) {
  const [d] = await tx.select().from(disputes).where(eq(disputes.id, id)).for('update');
  return d;
}

export async function markResolved(tx: Executor, id: string, v: { outcome: string; note: string; at: Date; by: string }) {
  await tx
    .update(disputes)
    .set({ status: 'RESOLVED', outcome: v.outcome, resolutionNote: v.note, resolvedAt: v.at, resolvedBy: v.by })
    .where(eq(disputes.id, id));
}

export const disputesOfBorrower = (db: Executor, borrowerId: string): Promise<DisputeView[]> =>
  base(db).where(eq(disputes.borrowerId, borrowerId)).orderBy(desc(disputes.filedAt));

export const disputesOfInstitution = (db: Executor, institutionId: string, status?: string): Promise<DisputeView[]> =>
  base(db)
    .where(and(eq(disputes.institutionId, institutionId), status ? eq(disputes.status, status) : undefined))
    .orderBy(asc(disputes.dueAt));

export const overdue = (db: Executor, now: Date): Promise<DisputeView[]> =>
  base(db)
    .where(and(eq(disputes.status, 'OPEN'), lt(disputes.dueAt, now)))
    .orderBy(asc(disputes.dueAt));
