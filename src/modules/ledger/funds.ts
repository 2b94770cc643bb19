import { Decimal } from 'decimal.js';
import { asc, eq, lt, sql } from 'drizzle-orm';
import type { Context } from '../../context.js';
import type { Executor } from '../../db/client.js';
import { policies } from '../../db/schema/index.js';
import type { ProgrammeParameters } from '../parameters/rules.js';
import { BORROWERS, FUND, institutionAccount, lockAll, lockFund, post, reserveAccount } from './posting.js';

const HALF_UP = Decimal.ROUND_HALF_UP;

/** What the ledger needs of an issued policy (lending's policy row is one): the ledger imports no lending code. */
export interface PremiumPolicy {
  id: string;
  policyNumber: string;
  insurerId: string;
  borrowerId: string;
  premiumAmount: string;
  borrowerPremium: string;
  subsidyAmount: string;
  subsidyPaid: string;
}

/** Pay (part of) a policy's premium subsidy from the fund: never more than owed, never more than the fund holds. */
async function paySubsidy(tx: Executor, ctx: Context, policy: Omit<PremiumPolicy, 'premiumAmount' | 'borrowerPremium'>) {
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
export async function postPolicyPremium(tx: Executor, ctx: Context, policy: PremiumPolicy, params: ProgrammeParameters) {
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

/** A deposit into the premium-subsidy fund pays the subsidies it still owes, oldest policy first, as far as it goes. */
export async function settleSubsidyArrears(tx: Executor, ctx: Context): Promise<Decimal> {
  const owing = await tx
    .select()
    .from(policies)
    .where(lt(policies.subsidyPaid, policies.subsidyAmount))
    .orderBy(asc(policies.issuedAt), asc(policies.id))
    .for('update');
  let settled = new Decimal(0);
  for (const p of owing) {
    const paid = await paySubsidy(tx, ctx, p);
    settled = settled.plus(paid);
    if (paid.lt(new Decimal(p.subsidyAmount).minus(p.subsidyPaid))) break;
  }
  return settled;
}
