import { Decimal } from 'decimal.js';
import type { DayCount } from '../parameters/rules.js';
import { addMonths, daysBetween } from '../../time.js';
import { accrue, type InstalmentState } from './schedule.js';

/**
 * Early settlement (提前结清), pure rules: what a borrower pays to close a loan on a date, and
 * the unearned premium the insurer returns.
 *
 * What is owed on `on`:
 *  - overdue: every instalment due on or before `on`, what is still unpaid of it (principal and
 *    interest);
 *  - the principal not yet due, in full;
 *  - the interest accrued on that principal since the last due date on or before `on` (or the
 *    disbursement), on the loan's day-count convention (under PBOC_30_360 these odd days cost
 *    the daily rate, annual ÷ 360), rounded half-up to the fen once; less what the borrower
 *    already paid of the current instalment's interest; never more than that instalment's
 *    scheduled interest, never below 0;
 *  - less a credit for interest paid ahead for days that never ran (beyond what the current
 *    instalment earned, and all of any later instalment's): it is re-applied to principal.
 * Every later scheduled interest is forgone (interestForgone).
 *
 * No penalty interest (罚息) is charged on the overdue amounts here: a penalty rate is the bank's
 * own contract term, not the programme's rule, so the programme's quote leaves it out.
 */
const HALF_UP = Decimal.ROUND_HALF_UP;
const fen = (d: Decimal) => d.toDecimalPlaces(2, HALF_UP);
const ZERO = new Decimal(0);

export interface SettlementTerms {
  disbursedOn: string;
  annualRate: string;
  dayCount: DayCount;
}

export interface SettlementFigures {
  on: string;
  /** All principal not yet repaid (overdue + not yet due). */
  principalOutstanding: string;
  overduePrincipal: string;
  overdueInterest: string;
  /** Principal of instalments due after `on`. */
  principalNotYetDue: string;
  /** Interest accrued since `accruedFrom` on the principal not yet due, less what was paid of it. */
  accruedInterest: string;
  /** What the current instalment earned by `on` (its interest due once settled). */
  earnedInterest: string;
  /** Interest paid ahead for days that never ran, credited against the total. */
  interestCredit: string;
  accruedFrom: string;
  /** The instalment the accrued interest belongs to (the first due after `on`); null when none is left. */
  currentSeq: number | null;
  total: string;
  interestForgone: string;
}

const unpaidPrincipal = (i: InstalmentState) => new Decimal(i.principalDue).minus(i.principalPaid);
const unpaidInterest = (i: InstalmentState) => new Decimal(i.interestDue).minus(i.interestPaid);
const sum = (xs: Decimal[]) => xs.reduce((t, x) => t.plus(x), ZERO);

export function settlementQuote(schedule: InstalmentState[], loan: SettlementTerms, on: string): SettlementFigures {
  const sorted = [...schedule].sort((a, b) => a.seq - b.seq);
  const due = sorted.filter((i) => i.dueOn <= on);
  const later = sorted.filter((i) => i.dueOn > on);
  const overduePrincipal = sum(due.map(unpaidPrincipal));
  const overdueInterest = sum(due.map(unpaidInterest));
  const notYetDue = sum(later.map(unpaidPrincipal));
  const accruedFrom = due.length ? due[due.length - 1].dueOn : loan.disbursedOn;
  const current = later[0];
  // the days since the last due date are odd days (less than the period): under PBOC_30_360 they
  // cost the daily rate, annual ÷ 360 (a whole month is only ever the scheduled instalment)
  const partial: DayCount = loan.dayCount === 'PBOC_30_360' ? 'ACT_360' : loan.dayCount;
  const earned = current ? Decimal.min(fen(accrue(notYetDue, loan.annualRate, partial, accruedFrom, on)), current.interestDue) : ZERO;
  const accrued = current ? Decimal.max(ZERO, earned.minus(current.interestPaid)) : ZERO;
  // interest paid ahead for days that never ran is credited back: beyond what the current
  // instalment earned, and all of a later instalment's
  const credit = current
    ? Decimal.max(ZERO, new Decimal(current.interestPaid).minus(earned)).plus(sum(later.slice(1).map((i) => new Decimal(i.interestPaid))))
    : ZERO;
  const scheduledLater = sum(later.map((i) => new Decimal(i.interestDue)));
  const principalOutstanding = overduePrincipal.plus(notYetDue);
  return {
    on,
    principalOutstanding: principalOutstanding.toFixed(2),
    overduePrincipal: overduePrincipal.toFixed(2),
    overdueInterest: overdueInterest.toFixed(2),
    principalNotYetDue: notYetDue.toFixed(2),
    accruedInterest: accrued.toFixed(2),
    earnedInterest: earned.toFixed(2),
    interestCredit: credit.toFixed(2),
    accruedFrom,
    currentSeq: current?.seq ?? null,
    total: Decimal.max(ZERO, principalOutstanding.plus(overdueInterest).plus(accrued).minus(credit)).toFixed(2),
    interestForgone: Decimal.max(ZERO, scheduledLater.minus(earned)).toFixed(2),
  };
}

/** What settling does to each instalment: paid in full, the current one's interest cut to what it earned, later ones' to 0. */
export interface SettledInstalment {
  seq: number;
  /** The instalment's interest due after settlement. */
  interestDue: string;
  /** What this payment adds to the instalment (interest below 0: prepaid interest re-applied to principal). */
  principal: string;
  interest: string;
}

export function settleInstalments(schedule: InstalmentState[], q: SettlementFigures): SettledInstalment[] {
  return [...schedule]
    .sort((a, b) => a.seq - b.seq)
    .map((i) => {
      const interestDue = i.dueOn <= q.on ? new Decimal(i.interestDue) : i.seq === q.currentSeq ? new Decimal(q.earnedInterest) : ZERO;
      return {
        seq: i.seq,
        interestDue: interestDue.toFixed(2),
        principal: unpaidPrincipal(i).toFixed(2),
        interest: interestDue.minus(i.interestPaid).toFixed(2),
      };
    });
}

/** A policy year as the refund needs it. */
export interface ChargedYear {
  year: number;
  startsOn: string;
  months: number;
  premium: string;
  subsidy: string;
  status: string;
}

export interface YearRefund {
  year: number;
  refund: string;
  subsidyRefund: string;
  borrowerRefund: string;
}

/**
 * The unearned premium of every CHARGED policy year, pro rata by days of its coverage
 * [startsOn, startsOn + months) left after `on`: a year not started yet is returned in full, a
 * year already over returns nothing. Each refund is split like the premium: the subsidy's part
 * fen(refund × subsidy ÷ premium), the borrower the rest.
 */
export function premiumRefund(years: ChargedYear[], on: string): YearRefund[] {
  return years
    .filter((y) => y.status === 'CHARGED')
    .sort((a, b) => a.year - b.year)
    .map((y) => {
      const premium = new Decimal(y.premium);
      const ends = addMonths(y.startsOn, y.months);
      const refund =
        on <= y.startsOn ? premium : on >= ends ? ZERO : fen(premium.mul(daysBetween(on, ends)).div(daysBetween(y.startsOn, ends)));
      const subsidyRefund = premium.isZero() ? ZERO : fen(refund.mul(y.subsidy).div(premium));
      return {
        year: y.year,
        refund: refund.toFixed(2),
        subsidyRefund: subsidyRefund.toFixed(2),
        borrowerRefund: refund.minus(subsidyRefund).toFixed(2),
      };
    });
}

export const refundTotals = (r: YearRefund[]) => ({
  refund: sum(r.map((x) => new Decimal(x.refund))).toFixed(2),
  subsidyRefund: sum(r.map((x) => new Decimal(x.subsidyRefund))).toFixed(2),
  borrowerRefund: sum(r.map((x) => new Decimal(x.borrowerRefund))).toFixed(2),
});
