import { Decimal } from 'decimal.js';
import type { Context } from '../../context.js';
import type { Executor } from '../../db/client.js';
import type { AccountStatus } from '../../domain.js';
import { furnishLoan, furnishPolicy, type LoanRow, type PolicyRow } from '../lending/api.js';
import { stillOwed } from './rules.js';
import type { ClaimRow } from './store.js';

/**
 * How a claim's money reaches the shared credit record (docs/money.md, "How each event reaches
 * the credit record"). After the insurer pays, the borrower owes two parties: the bank its share
 * (the loan's record) and the insurer, with the fund behind it, what the insurer paid (the
 * policy's record). Each record carries what is still owed to its side; it closes when that
 * reaches 0 (recovered in full) or when its side writes the rest off, and a closed record stays
 * closed: later money is still shared, but the retention clock is never restarted.
 */
export type Side = 'bank' | 'insurer';
export const SIDES: readonly Side[] = ['bank', 'insurer'];

/** The status a side's record carries while the debt is owed, and after it is recovered in full (adverse: the retention rule applies). */
export const OWED_STATUS: Record<Side, AccountStatus> = { bank: 'CLAIM_PAID_BY_INSURER', insurer: 'IN_COLLECTION' };
/** The status a side's record closes with when that side writes off what is left (核销). */
export const WRITTEN_OFF_STATUS: AccountStatus = 'CHARGED_OFF';

export const writtenOffAt = (c: ClaimRow, side: Side) => (side === 'bank' ? c.bankWrittenOffAt : c.insurerWrittenOffAt);

/** Whether a side's record of a paid claim is still open: not written off, and something is still owed to it. */
export function isRecordOpen(c: ClaimRow, side: Side): boolean {
  return writtenOffAt(c, side) === null && new Decimal(stillOwed(c)[side]).gt(0);
}

/** The loan and the policy a claim is on: the two records it keeps. */
export interface Deal {
  loan: LoanRow;
  policy: PolicyRow;
}

function furnish(tx: Executor, ctx: Context, side: Side, deal: Deal, r: Parameters<typeof furnishLoan>[3]) {
  return side === 'bank' ? furnishLoan(tx, ctx, deal.loan, r) : furnishPolicy(tx, ctx, deal.policy, r);
}

/**
 * Report `sides` of a paid claim as its money now stands, for the month of `on`: the balance
 * still owed to that side, closed on `on` when nothing is left. Call it only for records that
 * were open before the event (a closed record stays closed).
 */
export async function reportOwed(tx: Executor, ctx: Context, claim: ClaimRow, deal: Deal, sides: readonly Side[], on: string) {
  const owed = stillOwed(claim);
  for (const side of sides) {
    const balance = owed[side];
    const closedOn = new Decimal(balance).isZero() ? on : null;
    await furnish(tx, ctx, side, deal, { status: OWED_STATUS[side], balance, closedOn, asOf: on });
  }
}

/** A side wrote off what is left: its record closes on `on`, at 0, charged off. */
export const reportWrittenOff = (tx: Executor, ctx: Context, side: Side, deal: Deal, on: string) =>
  furnish(tx, ctx, side, deal, { status: WRITTEN_OFF_STATUS, balance: '0.00', closedOn: on, asOf: on });
