/** 本人声明: the borrower's statements, on a record, a public record or the whole file. */
import { and, count, eq, isNull } from 'drizzle-orm';
import type { Executor } from '../../db/client.js';
import { borrowers, personalStatements } from '../../db/schema/index.js';

/** The most statements one borrower keeps in force at once (withdraw one to add another). */
export const MAX_ACTIVE_STATEMENTS = 20;
/** The longest statement, in characters (after trimming). */
export const MAX_STATEMENT_CHARS = 500;

export interface StatementView {
  id: string;
  borrowerId: string;
  recordId: string | null;
  publicRecordId: string | null;
  text: string;
  createdAt: Date;
  withdrawnAt: Date | null;
}

const columns = {
  id: personalStatements.id,
  borrowerId: personalStatements.borrowerId,
  recordId: personalStatements.accountId,
  publicRecordId: personalStatements.publicRecordId,
  text: personalStatements.body,
  createdAt: personalStatements.createdAt,
  withdrawnAt: personalStatements.withdrawnAt,
};

/** The borrower's row, locked: statements of one borrower are added one at a time (the cap holds). */
export async function lockStatementsOf(tx: Executor, borrowerId: string) {
  const [b] = await tx.select({ id: borrowers.id }).from(borrowers).where(eq(borrowers.id, borrowerId)).for('update');
  if (!b) return null;
  const [{ n }] = await tx
    .select({ n: count() })
    .from(personalStatements)
    .where(and(eq(personalStatements.borrowerId, borrowerId), isNull(personalStatements.withdrawnAt)));
  return { active: n };
}

export async function insertStatement(
  tx: Executor,
  v: { borrowerId: string; recordId: string | null; publicRecordId: string | null; text: string; now: Date },
): Promise<StatementView> {
  const [s] = await tx
    .insert(personalStatements)
    .values({ borrowerId: v.borrowerId, accountId: v.recordId, publicRecordId: v.publicRecordId, body: v.text, createdAt: v.now })
    .returning(columns);
  return s;
}

export async function lockStatement(tx: Executor, id: string): Promise<StatementView | undefined> {
  const [s] = await tx.select(columns).from(personalStatements).where(eq(personalStatements.id, id)).for('update');
  return s;
}

export async function withdrawStatement(tx: Executor, id: string, now: Date): Promise<StatementView> {
  const [s] = await tx.update(personalStatements).set({ withdrawnAt: now }).where(eq(personalStatements.id, id)).returning(columns);
  return s;
}
