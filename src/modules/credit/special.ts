import { and, eq } from 'drizzle-orm';
import type { Context } from '../../context.js';
import type { Executor } from '../../db/client.js';
import { creditAccounts, creditSpecialTransactions } from '../../db/schema/index.js';

export type SpecialTransactionKind = 'EARLY_SETTLEMENT' | 'EXTENSION';

export interface SpecialTransaction {
  /** The account: its institution and reference (a programme loan's or policy's number). */
  institutionId: string;
  accountRef: string;
  kind: SpecialTransactionKind;
  occurredOn: string;
  /** EARLY_SETTLEMENT: the amount paid to settle; EXTENSION: the balance extended. */
  amount: string;
  months?: number | null;
  newMaturityOn?: string | null;
  detail: string;
}

/**
 * Mark an account with a special transaction (征信报告 "特殊交易") in the caller's transaction.
 * The account must exist (the lifecycle furnished it first); append-only.
 */
export async function addSpecialTransaction(tx: Executor, ctx: Pick<Context, 'now'>, t: SpecialTransaction) {
  const [account] = await tx
    .select({ id: creditAccounts.id })
    .from(creditAccounts)
    .where(and(eq(creditAccounts.institutionId, t.institutionId), eq(creditAccounts.accountRef, t.accountRef)));
  if (!account) throw new Error(`no credit account ${t.institutionId}/${t.accountRef} to mark`);
  const [row] = await tx
    .insert(creditSpecialTransactions)
    .values({
      accountId: account.id,
      kind: t.kind,
      occurredOn: t.occurredOn,
      amount: t.amount,
      months: t.months ?? null,
      newMaturityOn: t.newMaturityOn ?? null,
      detail: t.detail,
      createdAt: ctx.now,
    })
    .returning();
  return row;
}
