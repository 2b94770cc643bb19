import { Decimal } from 'decimal.js';
import { asc, eq, lt, sql } from 'drizzle-orm';
import type { Context } from '../../context.js';
import type { Executor } from '../../db/client.js';
import { policies } from '../../db/schema/index.js';
import type { ProgrammeParameters } from '../parameters/rules.js';
import { BORROWERS, FUND, institutionAccount, lockAll, lockFund, post, reserveAccount } from './posting.js';
import { lockAccounts } from './store.js';

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

/** One policy year's premium as charged (lending's policy_premiums row is one), and its split. */
export interface PremiumCharge {
  year: number;
  premium: string;
  borrowerPremium: string;
  subsidy: string;
}

/** The risk reserve (建议四) set aside from a premium: its share, half-up to the fen. */
export const riskReserveOf = (premium: Decimal.Value, share: Decimal.Value) => new Decimal(premium).mul(share).toDecimalPlaces(2, HALF_UP);

/**
 * The money charging one policy year moves (at issue, and at the start of each later year): the
 * borrower's part to the insurer, the subsidy from the premium-subsidy fund (what it holds now;
 * the rest when it is next topped up), and the insurer's risk reserve (建议四) set aside from the
 * year's premium. `policy` carries its totals with this year already added (subsidyAmount −
 * subsidyPaid is what the fund owes it).
 */
export async function postPremiumCharge(
  tx: Executor,
  ctx: Context,
  policy: PremiumPolicy,
  charge: PremiumCharge,
  params: Pick<ProgrammeParameters, 'riskReserveShare'>,
) {
  const insurer = institutionAccount(policy.insurerId);
  const of = `policy ${policy.policyNumber} year ${charge.year}`;
  await lockAll(tx, ctx, [insurer, FUND.PREMIUM_SUBSIDY, reserveAccount(policy.insurerId)]);
  await post(tx, ctx, {
    kind: 'BORROWER_PREMIUM',
    memo: `borrower's premium for ${of}`,
    policyId: policy.id,
    borrowerId: policy.borrowerId,
    entries: [
      { account: insurer, amount: charge.borrowerPremium },
      { account: BORROWERS, amount: new Decimal(charge.borrowerPremium).neg() },
    ],
  });
  const paid = await paySubsidy(tx, ctx, policy);
  const reserve = riskReserveOf(charge.premium, params.riskReserveShare);
  await post(tx, ctx, {
    kind: 'RISK_RESERVE',
    memo: `risk reserve from ${of} premium`,
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

/** What an early settlement returns of a policy's premium (lending works it out; the ledger moves it). */
export interface PremiumRefund {
  borrowerRefund: string;
  subsidyRefund: string;
  /** borrowerRefund + subsidyRefund. */
  refund: string;
  /** Each policy year's refund: the reserve gives back, year by year, what it set aside from that year's refunded premium. */
  years: string[];
}

/**
 * The unearned premium returned on early settlement, one PREMIUM_REFUND transaction paid by the
 * insurer: the borrower's part to the borrower; the subsidy's part first reduces what the fund
 * still owes on the policy, and only what the fund paid beyond the reduced subsidy goes back to
 * it; the risk reserve set aside from the refunded premium (riskReserveShare × refund, never more
 * than the reserve holds) comes back to the insurer. The caller updates the policy's amounts
 * (subsidy_paid down by `subsidyReturned`).
 */
export async function postPremiumRefund(
  tx: Executor,
  ctx: Context,
  policy: Pick<PremiumPolicy, 'id' | 'policyNumber' | 'insurerId' | 'borrowerId' | 'subsidyAmount' | 'subsidyPaid'>,
  r: PremiumRefund,
  params: Pick<ProgrammeParameters, 'riskReserveShare'>,
) {
  const insurer = institutionAccount(policy.insurerId);
  const reserveId = reserveAccount(policy.insurerId);
  await lockAll(tx, ctx, [insurer, FUND.PREMIUM_SUBSIDY, reserveId]);
  const [reserveRow] = await lockAccounts(tx, [reserveId]);
  const newSubsidy = new Decimal(policy.subsidyAmount).minus(r.subsidyRefund);
  const subsidyReturned = Decimal.max(0, new Decimal(policy.subsidyPaid).minus(newSubsidy));
  const reserveReleased = Decimal.max(
    0,
    Decimal.min(
      // fen(share × refund_y) ≤ fen(share × premium_y), what that year's charge set aside: never another policy's
      r.years.reduce((t, y) => t.plus(riskReserveOf(y, params.riskReserveShare)), new Decimal(0)),
      reserveRow?.balance ?? 0,
    ),
  );
  const t = await post(tx, ctx, {
    kind: 'PREMIUM_REFUND',
    memo: `unearned premium of policy ${policy.policyNumber} refunded on early settlement`,
    policyId: policy.id,
    borrowerId: policy.borrowerId,
    entries: [
      { account: BORROWERS, amount: r.borrowerRefund },
      { account: FUND.PREMIUM_SUBSIDY, amount: subsidyReturned },
      { account: insurer, amount: new Decimal(r.borrowerRefund).plus(subsidyReturned).minus(reserveReleased).neg() },
      { account: reserveId, amount: reserveReleased.neg() },
    ],
  });
  return { transactionId: t?.id ?? null, subsidyReturned: subsidyReturned.toFixed(2), reserveReleased: reserveReleased.toFixed(2) };
}
