import { Decimal } from 'decimal.js';
import type { Context } from '../../context.js';
import type { Executor } from '../../db/client.js';
import { FUND, institutionAccount, lockFund, post } from '../ledger/api.js';
import { loanById } from '../lending/api.js';
import type { DomainChange } from '../events/api.js';
import type { MetricChange } from '../metrics/api.js';
import * as store from './store.js';
import type { ClaimRow } from './store.js';

/**
 * Pay a claim's compensation shortfall (or its first payment) from the fund as far as it goes.
 * If recoveries have since made good part of the insurer's loss, that part is no longer owed:
 * the fund never pays an insurer beyond what it still has not recovered. Returns the claim as it
 * now stands, what was paid, and what the payment adds to the kept metrics (for the caller's event
 * to carry; null when nothing was paid).
 */
export async function payCompensation(
  tx: Executor,
  ctx: Context,
  claim: ClaimRow,
  loanRef: string,
): Promise<{ claim: ClaimRow; paid: Decimal; metrics: MetricChange | null }> {
  const stillLost = Decimal.max(0, new Decimal(claim.insurerAmount).minus(claim.compensationPaid).minus(claim.recoveredInsurer));
  const due = Decimal.min(claim.compensationShortfall, stillLost);
  const extinguished = new Decimal(claim.compensationShortfall).minus(due);
  const available = await lockFund(tx, FUND.RISK_COMPENSATION);
  const pay = Decimal.min(due, available);
  if (pay.lte(0) && extinguished.isZero()) return { claim, paid: new Decimal(0), metrics: null };
  let metrics: MetricChange | null = null;
  if (pay.gt(0)) {
    const loan = await loanById(tx, claim.loanId);
    metrics = { applicationId: loan!.applicationId, deltas: { compensation_paid: pay.toFixed(2) } };
    await post(tx, ctx, {
      kind: 'RISK_COMPENSATION',
      memo: `risk compensation on loan ${loanRef}`,
      claimId: claim.id,
      loanId: claim.loanId,
      borrowerId: claim.borrowerId,
      entries: [
        { account: institutionAccount(claim.insurerId), amount: pay },
        { account: FUND.RISK_COMPENSATION, amount: pay.neg() },
      ],
    });
  }
  const updated = await store.updateClaim(tx, claim.id, {
    compensationOwed: new Decimal(claim.compensationOwed ?? 0).minus(extinguished).toFixed(2),
    compensationPaid: new Decimal(claim.compensationPaid).plus(pay).toFixed(2),
    compensationShortfall: due.minus(pay).toFixed(2),
    updatedAt: ctx.now,
  });
  return { claim: updated, paid: pay, metrics };
}

/**
 * A deposit into the risk-compensation fund pays the shortfalls it owes, oldest approval first,
 * as far as it goes. Returns what it paid. Runs in the depositor's transaction; each claim paid is
 * recorded (`claim.compensation_paid`, carrying its metrics) through the depositor's `record`.
 */
export async function settleCompensationShortfalls(tx: Executor, ctx: Context, record: (c: DomainChange) => void): Promise<Decimal> {
  let settled = new Decimal(0);
  for (const c of await store.lockClaimsWithShortfall(tx)) {
    const { claim: after, paid, metrics } = await payCompensation(tx, ctx, c, c.loanId);
    settled = settled.plus(new Decimal(after.compensationPaid).minus(c.compensationPaid));
    if (paid.gt(0)) {
      record({
        action: 'claim.compensation_paid',
        targetType: 'claim',
        targetId: c.id,
        // the government's own act, like the approval: recorded without the borrower's identity
        detail: { paid: paid.toFixed(2), shortfall: after.compensationShortfall, via: 'fund.deposit' },
        metrics: metrics ?? undefined,
      });
    }
    if (new Decimal(after.compensationShortfall).gt(0)) break;
  }
  return settled;
}
