import { and, eq, inArray, sql } from 'drizzle-orm';
import { one, type Executor } from '../../db/client.js';
import { loanInstalments, loanSettlements, repayments } from '../../db/schema/index.js';

export type SettlementRow = typeof loanSettlements.$inferSelect;

export async function insertSettlement(tx: Executor, v: typeof loanSettlements.$inferInsert) {
  const [s] = await tx.insert(loanSettlements).values(v).returning();
  return s;
}

export async function settlementsOf(db: Executor, loanIds: readonly string[]) {
  if (!loanIds.length) return [];
  return db
    .select()
    .from(loanSettlements)
    .where(inArray(loanSettlements.loanId, [...loanIds]));
}

/** The latest day a payment on the loan was recorded for (null if none). */
export async function lastPaidOn(db: Executor, loanId: string) {
  const r = await one<{ paid_on: string | null }>(
    db,
    sql`select max(${repayments.paidOn})::text as paid_on from ${repayments} where ${repayments.loanId} = ${loanId}::uuid`,
  );
  return r?.paid_on ?? null;
}

/** Settle one instalment: its interest due set to what it now earns, and the payment added. */
export async function settleInstalment(
  tx: Executor,
  loanId: string,
  seq: number,
  s: { interestDue: string; principal: string; interest: string },
) {
  await tx
    .update(loanInstalments)
    .set({
      interestDue: s.interestDue,
      principalPaid: sql`${loanInstalments.principalPaid} + ${s.principal}::numeric`,
      interestPaid: sql`${loanInstalments.interestPaid} + ${s.interest}::numeric`,
    })
    .where(and(eq(loanInstalments.loanId, loanId), eq(loanInstalments.seq, seq)));
}
