import { Decimal } from 'decimal.js';
import type { RepaymentMethod } from '../parameters/rules.js';
import { addMonths, daysBetween } from '../../time.js';

/**
 * Repayment schedules, monthly, in exact decimals (half-up to the fen).
 *  - INTEREST_ONLY_BULLET: interest each month, the principal with the last instalment
 *    (分期付息、到期一次性偿还本金).
 *  - EQUAL_INSTALMENTS: a level payment; each month's interest is on the balance, the last
 *    instalment clears whatever principal remains (分期还款).
 */
export interface Instalment {
  seq: number;
  dueOn: string;
  principalDue: string;
  interestDue: string;
}

const HALF_UP = Decimal.ROUND_HALF_UP;
const fen = (d: Decimal) => d.toDecimalPlaces(2, HALF_UP);

export function generateSchedule(a: {
  principal: string;
  annualRate: string;
  termYears: number;
  method: RepaymentMethod;
  disbursedOn: string;
}): Instalment[] {
  const n = a.termYears * 12;
  const P = new Decimal(a.principal);
  const r = new Decimal(a.annualRate).div(12);
  const out: Instalment[] = [];
  if (a.method === 'INTEREST_ONLY_BULLET') {
    const interest = fen(P.mul(r));
    for (let k = 1; k <= n; k++) {
      out.push({
        seq: k,
        dueOn: addMonths(a.disbursedOn, k),
        principalDue: (k === n ? P : new Decimal(0)).toFixed(2),
        interestDue: interest.toFixed(2),
      });
    }
    return out;
  }
  const payment = r.isZero() ? fen(P.div(n)) : fen(P.mul(r).div(new Decimal(1).minus(r.plus(1).pow(-n))));
  let balance = P;
  for (let k = 1; k <= n; k++) {
    const interest = fen(balance.mul(r));
    const principal = k === n ? balance : Decimal.min(balance, payment.minus(interest));
    balance = balance.minus(principal);
    out.push({ seq: k, dueOn: addMonths(a.disbursedOn, k), principalDue: principal.toFixed(2), interestDue: interest.toFixed(2) });
  }
  return out;
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
