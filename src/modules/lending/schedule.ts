import { Decimal } from 'decimal.js';
import type { DayCount, RepaymentMethod } from '../parameters/rules.js';
import { addMonths, daysBetween } from '../../time.js';

/**
 * Repayment schedules, monthly, in exact decimals (half-up to the fen).
 *  - INTEREST_ONLY_BULLET: interest each month, the principal with the last instalment
 *    (分期付息、到期一次性偿还本金).
 *  - EQUAL_INSTALMENTS: a level payment (等额本息, the standard formula at the monthly rate
 *    annual ÷ 12); each month's interest is on the balance, the last instalment clears whatever
 *    principal remains (分期还款).
 *
 * Interest follows the programme's day-count convention (`dayCount`, a parameter):
 *  - PBOC_30_360 (the default): 《人民币利率管理规定》 Art 25–26 — a whole month costs the
 *    monthly rate (annual ÷ 12), odd days cost the daily rate (annual ÷ 360). This is how Chinese
 *    banks compute instalment loans (按月计息), so a month's interest does not depend on whether
 *    it has 28 or 31 days, and a year of interest is exactly principal × rate.
 *  - ACT_360: actual days × annual ÷ 360 (the same rules' option to count every period in actual
 *    days; a year then costs 365/360 of the nominal rate).
 *  - ACT_365: actual days × annual ÷ 365 (international practice, for comparison).
 * Each instalment's interest is rounded to the fen; the rounding residue goes to the last
 * instalment, so the instalments' interest sums exactly to the convention's exact total (the
 * unrounded sum of every period's interest, rounded once), and their principal to the principal.
 */
export interface Instalment {
  seq: number;
  dueOn: string;
  principalDue: string;
  interestDue: string;
}

const HALF_UP = Decimal.ROUND_HALF_UP;
const fen = (d: Decimal) => d.toDecimalPlaces(2, HALF_UP);

export const DEFAULT_DAY_COUNT: DayCount = 'PBOC_30_360';

/**
 * Exact (unrounded) interest on `balance` from `from` to `to` (to ≥ from) under the convention.
 */
export function accrue(balance: Decimal.Value, annualRate: Decimal.Value, dayCount: DayCount, from: string, to: string): Decimal {
  const B = new Decimal(balance);
  const r = new Decimal(annualRate);
  if (to <= from) return new Decimal(0);
  if (dayCount === 'ACT_360') return B.mul(r).mul(daysBetween(from, to)).div(360);
  if (dayCount === 'ACT_365') return B.mul(r).mul(daysBetween(from, to)).div(365);
  // PBOC_30_360: whole months at annual ÷ 12 (counted from `from`), the odd days at annual ÷ 360
  let months = 0;
  while (addMonths(from, months + 1) <= to) months++;
  const oddDays = daysBetween(addMonths(from, months), to);
  return B.mul(r).mul(months).div(12).plus(B.mul(r).mul(oddDays).div(360));
}

/** One scheduled period's exact interest: a scheduled period is a whole month under PBOC_30_360. */
const periodInterest = (balance: Decimal, rate: Decimal.Value, dayCount: DayCount, from: string, to: string) =>
  dayCount === 'PBOC_30_360' ? balance.mul(rate).div(12) : accrue(balance, rate, dayCount, from, to);

export interface ScheduleRequest {
  principal: string;
  annualRate: string;
  /** The term in whole years, or `months` for an extended remainder. */
  termYears?: number;
  months?: number;
  method: RepaymentMethod;
  /** The day interest starts: the disbursement, or the last due date before an extension. */
  disbursedOn: string;
  dayCount?: DayCount;
  /** The first instalment's number (an extension continues the loan's numbering). */
  firstSeq?: number;
  /**
   * The contract day due dates count from (default `disbursedOn`): instalment k of the request
   * falls due `monthOffset + k` months after it, so an extension that starts on a clamped due
   * date (Feb 28 of a loan made on Jan 31) keeps the contract's day (Mar 31, not Mar 28).
   */
  anchorOn?: string;
  monthOffset?: number;
}

export function generateSchedule(a: ScheduleRequest): Instalment[] {
  const n = a.months ?? (a.termYears ?? 0) * 12;
  if (!Number.isInteger(n) || n < 1) throw new Error(`a schedule needs at least one month (got ${n})`);
  const dayCount = a.dayCount ?? DEFAULT_DAY_COUNT;
  const first = a.firstSeq ?? 1;
  const P = new Decimal(a.principal);
  const rate = new Decimal(a.annualRate);
  const r = rate.div(12);
  const payment =
    a.method === 'EQUAL_INSTALMENTS' ? (r.isZero() ? fen(P.div(n)) : fen(P.mul(r).div(new Decimal(1).minus(r.plus(1).pow(-n))))) : null;
  const out: Instalment[] = [];
  let balance = P;
  let exact = new Decimal(0);
  let rounded = new Decimal(0);
  let from = a.disbursedOn;
  for (let k = 1; k <= n; k++) {
    const dueOn = addMonths(a.anchorOn ?? a.disbursedOn, (a.monthOffset ?? 0) + k);
    const period = periodInterest(balance, rate, dayCount, from, dueOn);
    exact = exact.plus(period);
    const interest = k === n ? fen(exact).minus(rounded) : fen(period);
    rounded = rounded.plus(interest);
    const principal = k === n ? balance : payment === null ? new Decimal(0) : Decimal.max(0, Decimal.min(balance, payment.minus(interest)));
    balance = balance.minus(principal);
    out.push({ seq: first + k - 1, dueOn, principalDue: principal.toFixed(2), interestDue: interest.toFixed(2) });
    from = dueOn;
  }
  // On a tiny amortising loan the residue can exceed the last period's own interest (100.00 over
  // 3 years: −0.02). No instalment may owe negative interest: what is left of the residue comes
  // off the instalments before it, latest first, so the sum stays the exact total.
  const last = out[n - 1];
  let deficit = Decimal.max(0, new Decimal(last.interestDue).neg());
  if (deficit.gt(0)) {
    last.interestDue = '0.00';
    for (let k = n - 2; k >= 0 && deficit.gt(0); k--) {
      const take = Decimal.min(deficit, out[k].interestDue);
      out[k].interestDue = new Decimal(out[k].interestDue).minus(take).toFixed(2);
      deficit = deficit.minus(take);
    }
  }
  return out;
}

/** The convention's exact total interest of a schedule's balances, rounded once (what the instalments sum to). */
export function exactInterest(
  s: Instalment[],
  a: { principal: string; annualRate: string; disbursedOn: string; dayCount?: DayCount },
): Decimal {
  let balance = new Decimal(a.principal);
  let from = a.disbursedOn;
  let exact = new Decimal(0);
  for (const i of [...s].sort((x, y) => x.seq - y.seq)) {
    exact = exact.plus(periodInterest(balance, a.annualRate, a.dayCount ?? DEFAULT_DAY_COUNT, from, i.dueOn));
    balance = balance.minus(i.principalDue);
    from = i.dueOn;
  }
  return fen(exact);
}

export const totalInterest = (s: Instalment[]) => s.reduce((t, i) => t.plus(i.interestDue), new Decimal(0));
export const totalPrincipal = (s: Instalment[]) => s.reduce((t, i) => t.plus(i.principalDue), new Decimal(0));

export interface InstalmentState extends Instalment {
  principalPaid: string;
  interestPaid: string;
}

export interface Allocation {
  seq: number;
  interest: string;
  principal: string;
}

/**
 * Apply a payment to the schedule: oldest instalment first, interest before principal.
 * Returns null if the payment exceeds everything still owed.
 */
export function allocatePayment(schedule: InstalmentState[], amount: string): Allocation[] | null {
  let left = new Decimal(amount);
  const out: Allocation[] = [];
  for (const i of [...schedule].sort((a, b) => a.seq - b.seq)) {
    if (left.isZero()) break;
    const interest = Decimal.min(left, new Decimal(i.interestDue).minus(i.interestPaid));
    left = left.minus(interest);
    const principal = Decimal.min(left, new Decimal(i.principalDue).minus(i.principalPaid));
    left = left.minus(principal);
    if (interest.gt(0) || principal.gt(0)) out.push({ seq: i.seq, interest: interest.toFixed(2), principal: principal.toFixed(2) });
  }
  return left.gt(0) ? null : out;
}

export const isSettled = (i: InstalmentState) =>
  new Decimal(i.principalPaid).eq(i.principalDue) && new Decimal(i.interestPaid).eq(i.interestDue);

/** Days past due on `today`: from the oldest instalment due before today and not fully paid. */
export function daysPastDue(schedule: InstalmentState[], today: string): number {
  const oldest = [...schedule].sort((a, b) => a.seq - b.seq).find((i) => i.dueOn < today && !isSettled(i));
  return oldest ? daysBetween(oldest.dueOn, today) : 0;
}

export const outstandingPrincipal = (schedule: InstalmentState[]) =>
  schedule.reduce((t, i) => t.plus(i.principalDue).minus(i.principalPaid), new Decimal(0));
