import { Decimal } from 'decimal.js';

/**
 * Where the programme's losses are shared. All amounts exact, to the fen.
 *
 * Claim (先行拨付): on a defaulted loan the insurer pays the bank its share of the outstanding
 * principal (80% under today's parameters); the bank bears the rest. The insurer's part is
 * rounded half-up and the bank's is the remainder, so the parts always sum to the whole.
 *
 * Risk compensation (风险补偿): after a court confirms the loan non-performing, the fund pays
 * the insurer ratio × its net loss (what it paid less what it has recovered), at most the
 * per-loan quota, and at most what the fund holds; the rest is recorded as a shortfall.
 *
 * Recoveries (欠款追偿): each amount recovered is shared among those who bore the loss (bank,
 * insurer, fund) in proportion to what each has not yet recovered, by largest remainder to the
 * fen. No one gets back more than it lost, and recoveries beyond the unrecovered loss are refused.
 */
const HALF_UP = Decimal.ROUND_HALF_UP;
const D = (x: Decimal.Value) => new Decimal(x);

export function splitLoss(outstandingPrincipal: string, insurerShare: string): { insurer: string; bank: string } {
  const whole = D(outstandingPrincipal);
  const insurer = whole.mul(insurerShare).toDecimalPlaces(2, HALF_UP);
  return { insurer: insurer.toFixed(2), bank: whole.minus(insurer).toFixed(2) };
}

export function compensationOwed(a: { insurerPaid: string; insurerRecovered: string; ratio: string; quota: string }): {
  netLoss: string;
  owed: string;
} {
  const net = Decimal.max(0, D(a.insurerPaid).minus(a.insurerRecovered));
  const owed = Decimal.min(net.mul(a.ratio).toDecimalPlaces(2, HALF_UP), a.quota);
  return { netLoss: net.toFixed(2), owed: owed.toFixed(2) };
}

/** Pay what is owed from what the fund holds: never more than either. */
export function payFromFund(owed: string, available: string): { paid: string; shortfall: string } {
  const paid = Decimal.max(0, Decimal.min(owed, available));
  return { paid: paid.toFixed(2), shortfall: D(owed).minus(paid).toFixed(2) };
}

/**
 * Split `amount` in proportion to `weights`, to the fen, by largest remainder (ties to the
 * earlier key): the parts sum exactly to the amount.
 */
export function allocateProRata<K extends string>(amount: string, weights: Record<K, string>): Record<K, string> {
  const keys = Object.keys(weights) as K[];
  const total = keys.reduce((s, k) => s.plus(weights[k]), D(0));
  const cents = D(amount).mul(100);
  if (total.isZero()) return Object.fromEntries(keys.map((k) => [k, '0.00'])) as Record<K, string>;
  const exact = keys.map((k) => cents.mul(weights[k]).div(total));
  const floors = exact.map((e) => e.floor());
  let left = cents.minus(floors.reduce((s, f) => s.plus(f), D(0))).toNumber();
  const order = keys.map((_, i) => i).sort((a, b) => exact[b].minus(floors[b]).cmp(exact[a].minus(floors[a])) || a - b);
  for (const i of order) {
    if (left <= 0) break;
    floors[i] = floors[i].plus(1);
    left--;
  }
  return Object.fromEntries(keys.map((k, i) => [k, floors[i].div(100).toFixed(2)])) as Record<K, string>;
}

export type LossBearer = 'bank' | 'insurer' | 'fund';

export interface LossPosition {
  /** What each bore. */
  bore: Record<LossBearer, string>;
  /** What each has recovered so far. */
  recovered: Record<LossBearer, string>;
}

export function unrecovered(p: LossPosition): Record<LossBearer, string> {
  const out = {} as Record<LossBearer, string>;
  for (const k of ['bank', 'insurer', 'fund'] as LossBearer[]) out[k] = Decimal.max(0, D(p.bore[k]).minus(p.recovered[k])).toFixed(2);
  return out;
}

/** Shares of a recovery, or null if it exceeds the unrecovered loss. */
export function recoveryShares(amount: string, p: LossPosition): Record<LossBearer, string> | null {
  const left = unrecovered(p);
  const total = D(left.bank).plus(left.insurer).plus(left.fund);
  if (D(amount).gt(total)) return null;
  return allocateProRata(amount, left);
}

/** What each party bore on a claim: the bank its share, the insurer what it paid less compensation, the fund the compensation. */
export function lossBorne(c: { bankAmount: string; insurerAmount: string; compensationPaid: string }): Record<LossBearer, string> {
  return {
    bank: c.bankAmount,
    insurer: D(c.insurerAmount).minus(c.compensationPaid).toFixed(2),
    fund: c.compensationPaid,
  };
}

/**
 * What the borrower still owes each side of a paid claim, as the shared record reports it: the
 * bank its share less what it recovered (the loan's record), the insurer and the fund together
 * what the insurer paid less what either recovered (the policy's record). Compensation moves
 * money between the fund and the insurer, never the borrower's debt, so it does not appear.
 */
export function stillOwed(c: {
  bankAmount: string;
  insurerAmount: string;
  recoveredBank: string;
  recoveredInsurer: string;
  recoveredFund: string;
}): { bank: string; insurer: string } {
  return {
    bank: Decimal.max(0, D(c.bankAmount).minus(c.recoveredBank)).toFixed(2),
    insurer: Decimal.max(0, D(c.insurerAmount).minus(c.recoveredInsurer).minus(c.recoveredFund)).toFixed(2),
  };
}
