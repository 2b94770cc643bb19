import { Decimal } from 'decimal.js';
import { asc, eq, lt, sql } from 'drizzle-orm';
import { z } from 'zod';
import { requireRole } from '../../auth/policy.js';
import type { Executor } from '../../db/client.js';
import { policies } from '../../db/schema/index.js';
import type { Context } from '../../context.js';
import { idempotent } from '../../idempotency.js';
import { parse, positiveAmount } from '../../validation.js';
import { appendAudit } from '../audit/store.js';
import { loanById, type PolicyRow } from '../lending/store.js';
import { bump } from '../metrics/cube.js';
import * as losses from '../losses/store.js';
import type { ProgrammeParameters } from '../parameters/rules.js';
import { BORROWERS, BUDGET, FUND, institutionAccount, lockAll, lockFund, post, reserveAccount, type FundAccount } from './posting.js';

const HALF_UP = Decimal.ROUND_HALF_UP;

/** Pay (part of) a policy's premium subsidy from the fund: never more than owed, never more than the fund holds. */
async function paySubsidy(tx: Executor, ctx: Context, policy: Pick<PolicyRow, 'id' | 'policyNumber' | 'insurerId' | 'borrowerId' | 'subsidyAmount' | 'subsidyPaid'>) {
  const owed = new Decimal(policy.subsidyAmount).minus(policy.subsidyPaid);
  if (owed.lte(0)) return new Decimal(0);
  const available = await lockFund(tx, FUND.PREMIUM_SUBSIDY);
  const pay = Decimal.min(owed, available);
  if (pay.lte(0)) return pay;
  await post(tx, ctx, {
    kind: 'PREMIUM_SUBSIDY',
    memo: `premium subsidy for policy ${policy.policyNumber}`,
    policyId: policy.id,
    borrowerId: policy.borrowerId,
    entries: [
      { account: institutionAccount(policy.insurerId), amount: pay },
      { account: FUND.PREMIUM_SUBSIDY, amount: pay.neg() },
    ],
  });
  await tx
    .update(policies)
    .set({ subsidyPaid: sql`${policies.subsidyPaid} + ${pay.toFixed(2)}::numeric` })
    .where(eq(policies.id, policy.id));
  return pay;
}

/**
 * The money a policy's issue moves: the borrower's premium to the insurer, the subsidy from the
 * premium-subsidy fund (what it holds now; the rest when it is next topped up), and the
 * insurer's risk reserve (建议四) set aside from the premium income.
 */
export async function postPolicyPremium(tx: Executor, ctx: Context, policy: PolicyRow, params: ProgrammeParameters) {
  const insurer = institutionAccount(policy.insurerId);
  await lockAll(tx, ctx, [insurer, FUND.PREMIUM_SUBSIDY, reserveAccount(policy.insurerId)]);
  await post(tx, ctx, {
    kind: 'BORROWER_PREMIUM',
    memo: `borrower's premium for policy ${policy.policyNumber}`,
    policyId: policy.id,
    borrowerId: policy.borrowerId,
    entries: [
      { account: insurer, amount: policy.borrowerPremium },
      { account: BORROWERS, amount: new Decimal(policy.borrowerPremium).neg() },
    ],
  });
  const paid = await paySubsidy(tx, ctx, policy);
  const reserve = new Decimal(policy.premiumAmount).mul(params.riskReserveShare).toDecimalPlaces(2, HALF_UP);
  await post(tx, ctx, {
    kind: 'RISK_RESERVE',
    memo: `risk reserve from policy ${policy.policyNumber} premium`,
    policyId: policy.id,
    borrowerId: policy.borrowerId,
    entries: [
      { account: reserveAccount(policy.insurerId), amount: reserve },
      { account: insurer, amount: reserve.neg() },
    ],
  });
  return { subsidyPaid: paid.toFixed(2), reserve: reserve.toFixed(2) };
}

/**
 * Pay a claim's compensation shortfall (or its first payment) from the fund as far as it goes.
 * If recoveries have since made good part of the insurer's loss, that part is no longer owed:
 * the fund never pays an insurer beyond what it still has not recovered.
 */
export async function payCompensation(tx: Executor, ctx: Context, claim: losses.ClaimRow, loanRef: string) {
  const stillLost = Decimal.max(0, new Decimal(claim.insurerAmount).minus(claim.compensationPaid).minus(claim.recoveredInsurer));
  const due = Decimal.min(claim.compensationShortfall, stillLost);
  const extinguished = new Decimal(claim.compensationShortfall).minus(due);
  const available = await lockFund(tx, FUND.RISK_COMPENSATION);
  const pay = Decimal.min(due, available);
  if (pay.lte(0) && extinguished.isZero()) return claim;
  if (pay.gt(0)) {
    const loan = await loanById(tx, claim.loanId);
    await bump(tx, loan!.applicationId, { compensation_paid: pay.toFixed(2) });
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
  return losses.updateClaim(tx, claim.id, {
    compensationOwed: new Decimal(claim.compensationOwed ?? 0).minus(extinguished).toFixed(2),
    compensationPaid: new Decimal(claim.compensationPaid).plus(pay).toFixed(2),
    compensationShortfall: due.minus(pay).toFixed(2),
    updatedAt: ctx.now,
  });
}

const depositArgs = z.object({
  fund: z.enum(['PREMIUM_SUBSIDY', 'RISK_COMPENSATION']),
  amount: positiveAmount,
  memo: z.string().trim().min(1).max(500),
});

/**
 * A budget deposit into a fund (GOVERNMENT). What the fund owes from before (subsidies not yet
 * paid, compensation cut short) is settled from it at once, oldest first.
 */
export async function depositToFund(ctx: Context, args: { fund: string; amount: string; memo: string; idempotencyKey: string }) {
  requireRole(ctx, 'GOVERNMENT');
  const a = parse(depositArgs, args);
  const { idempotencyKey: _k, ...input } = args;
  const fund: FundAccount = FUND[a.fund];
  return idempotent(ctx, 'depositToFund', args.idempotencyKey, input, async (tx) => {
    const t = await post(tx, ctx, {
      kind: 'FUND_DEPOSIT',
      memo: a.memo,
      entries: [
        { account: fund, amount: a.amount },
        { account: BUDGET, amount: new Decimal(a.amount).neg() },
      ],
    });
    let settled = new Decimal(0);
    if (fund === FUND.PREMIUM_SUBSIDY) {
      const owing = await tx
        .select()
        .from(policies)
        .where(lt(policies.subsidyPaid, policies.subsidyAmount))
        .orderBy(asc(policies.issuedAt), asc(policies.id))
        .for('update');
      for (const p of owing) {
        const paid = await paySubsidy(tx, ctx, p);
        settled = settled.plus(paid);
        if (paid.lt(new Decimal(p.subsidyAmount).minus(p.subsidyPaid))) break;
      }
    } else {
      for (const c of await losses.lockClaimsWithShortfall(tx)) {
        const after = await payCompensation(tx, ctx, c, c.loanId);
        settled = settled.plus(new Decimal(after.compensationPaid).minus(c.compensationPaid));
        if (new Decimal(after.compensationShortfall).gt(0)) break;
      }
    }
    await appendAudit(tx, ctx, {
      action: 'fund.deposit',
      targetType: 'ledger_transaction',
      targetId: t!.id,
      detail: { fund: a.fund, amount: a.amount, arrearsSettled: settled.toFixed(2) },
    });
    return { transactionId: t!.id, fund: a.fund, amount: new Decimal(a.amount).toFixed(2), arrearsSettled: settled.toFixed(2) };
  });
}

