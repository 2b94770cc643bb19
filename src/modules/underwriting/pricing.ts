import { Decimal } from 'decimal.js';
import {
  benchmarkRate,
  rateCeiling,
  termFactor,
  type Grade,
  type PremiumPayment,
  type ProgrammeParameters,
  type RepaymentMethod,
} from '../parameters/rules.js';
import { generateSchedule, totalInterest, type Instalment } from '../lending/schedule.js';
import { addMonths } from '../../time.js';

/**
 * Risk-based premium (建议二), charged by policy year on the balance at risk (建议一), and the
 * borrower's annualised all-in cost (年化综合融资成本).
 *
 *   annual premium rate = clamp(base × grade multiplier × term factor, floor, ceiling)
 *   policy year y       = months 12(y−1) … 12y of the loan (the last one shorter after an extension)
 *   insured balance_y   = the schedule's principal still owed at the start of year y
 *   premium_y           = rate × balance_y × months_y ÷ 12                              (half-up to the fen)
 *   subsidy_y           = min(premium_y, (base − borrower base) × balance_y × months_y ÷ 12)
 *   borrower's part_y   = premium_y − subsidy_y
 *
 * Like CGTMSE's annual guarantee fee on the outstanding amount, a borrower never pays premium on
 * principal already repaid. Each year's premium is charged at the start of that year (ANNUAL), or
 * every year's up front (SINGLE, a parameter). The subsidy is the programme's fixed share (1.3
 * points at 2.3% − 1%), so risk pricing moves what the borrower pays.
 *
 * The financing cost is the internal rate of return of every cash flow the borrower has: the
 * principal received, less the premium paid at the start; each instalment; each later year's
 * premium; annualised as 12 × the monthly IRR (the PBoC's 2021 rule on showing 年化利率: IRR
 * method, 单利 annualisation — a loan with no premium costs exactly its nominal rate).
 */
export interface PriceRequest {
  amount: string;
  termYears: number;
  interestRate: string;
  repaymentMethod: RepaymentMethod;
  grade: Grade;
  /** Business date the benchmark rate is read at, and the schedule starts on. */
  date: string;
}

export interface PremiumYear {
  year: number;
  /** The day the policy year starts and its premium falls due (ANNUAL); SINGLE: all due at the start. */
  startsOn: string;
  months: number;
  insuredBalance: string;
  premium: string;
  subsidy: string;
  borrowerPremium: string;
}

export interface Price {
  benchmarkRate: string | null;
  benchmarkEffectiveOn: string | null;
  rateCeiling: string | null;
  termOffered: boolean;
  premiumRate: string | null;
  /** Totals over the whole term (the sums of the premium schedule). */
  premiumAmount: string | null;
  borrowerPremium: string | null;
  subsidyPremium: string | null;
  premiumPayment?: PremiumPayment;
  premiumSchedule?: PremiumYear[];
  interestAmount: string;
  /** The annualised all-in cost (IRR), rounded to 6 places for display. */
  financingCostRate: string | null;
}

const HALF_UP = Decimal.ROUND_HALF_UP;
export const toFen = (d: Decimal) => d.toDecimalPlaces(2, HALF_UP);

export function annualPremiumRate(p: ProgrammeParameters, grade: Grade, termYears: number): Decimal | null {
  const factor = termFactor(p, termYears);
  if (factor === null) return null;
  const raw = new Decimal(p.basePremiumRate).mul(p.gradeMultipliers[grade]).mul(factor);
  return Decimal.min(Decimal.max(raw, p.premiumRateFloor), p.premiumRateCeiling).toDecimalPlaces(6, HALF_UP);
}

/** One year's premium on `balance` for `months`, and its split (the rule above, half-up to the fen). */
export function yearPremium(
  p: ProgrammeParameters,
  rate: Decimal.Value,
  balance: Decimal.Value,
  months: number,
): Pick<PremiumYear, 'insuredBalance' | 'premium' | 'subsidy' | 'borrowerPremium'> {
  const B = new Decimal(balance);
  const share = new Decimal(months).div(12);
  const premium = toFen(B.mul(rate).mul(share));
  const subsidy = Decimal.min(premium, toFen(B.mul(new Decimal(p.basePremiumRate).minus(p.borrowerBasePremiumRate)).mul(share)));
  return {
    insuredBalance: B.toFixed(2),
    premium: premium.toFixed(2),
    subsidy: subsidy.toFixed(2),
    borrowerPremium: premium.minus(subsidy).toFixed(2),
  };
}

/**
 * The premium of each policy year of a schedule (instalments numbered from 1, one a month,
 * starting on `startsOn`).
 */
export function premiumSchedule(
  p: ProgrammeParameters,
  a: { rate: Decimal.Value; principal: string; schedule: Instalment[]; startsOn: string },
): PremiumYear[] {
  const n = a.schedule.length;
  const sorted = [...a.schedule].sort((x, y) => x.seq - y.seq);
  const out: PremiumYear[] = [];
  let balance = new Decimal(a.principal);
  for (let y = 1; 12 * (y - 1) < n; y++) {
    const first = 12 * (y - 1);
    const months = Math.min(12, n - first);
    out.push({ year: y, startsOn: addMonths(a.startsOn, first), months, ...yearPremium(p, a.rate, balance, months) });
    for (const i of sorted.slice(first, first + months)) balance = balance.minus(i.principalDue);
  }
  return out;
}

const sum = (xs: PremiumYear[], k: 'premium' | 'subsidy' | 'borrowerPremium') => xs.reduce((t, x) => t.plus(x[k]), new Decimal(0));

/**
 * The borrower's cash flows on the monthly grid, period 0 = the start: + principal received,
 * − the premium due at the start, − each instalment, − each later year's premium (ANNUAL).
 */
export function borrowerCashFlows(a: {
  principal: string;
  schedule: Instalment[];
  premiums: PremiumYear[];
  payment: PremiumPayment;
}): Decimal[] {
  const flows = Array.from({ length: a.schedule.length + 1 }, () => new Decimal(0));
  flows[0] = new Decimal(a.principal);
  [...a.schedule].sort((x, y) => x.seq - y.seq).forEach((i, k) => (flows[k + 1] = flows[k + 1].minus(i.principalDue).minus(i.interestDue)));
  for (const y of a.premiums) {
    const at = a.payment === 'SINGLE' ? 0 : 12 * (y.year - 1);
    flows[at] = flows[at].minus(y.borrowerPremium);
  }
  return flows;
}

/**
 * A small bounded memo (least recently used out first) for pure functions of a string key: the
 * demo and a busy quote screen price the same terms over and over, and each IRR is a few hundred
 * 34-digit operations. A cached value is a Decimal (immutable) or null, never a shared mutable object.
 */
export class Lru<V> {
  private readonly m = new Map<string, V>();
  constructor(private readonly max: number) {}
  get(k: string): V | undefined {
    const v = this.m.get(k);
    if (v !== undefined) {
      this.m.delete(k);
      this.m.set(k, v);
    }
    return v;
  }
  set(k: string, v: V) {
    this.m.delete(k);
    this.m.set(k, v);
    if (this.m.size > this.max) this.m.delete(this.m.keys().next().value!);
  }
  get size() {
    return this.m.size;
  }
}

const irrs = new Lru<Decimal | null>(4096);

/**
 * 12 × the monthly internal rate of return of `flows` (flows[k] at month k), exact to ~1e-20:
 * Newton's method in 40-digit decimals from a floating-point start. Null when the flows have no
 * sign change (nothing borrowed or nothing repaid). Computed once per distinct flows (keyed by
 * their exact decimal strings, the last 4,096 kept): a repeated call returns the same Decimal.
 */
export function annualisedIrr(flows: Decimal[]): Decimal | null {
  const key = flows.map((f) => f.toString()).join(',');
  const known = irrs.get(key);
  if (known !== undefined) return known;
  const fresh = solveIrr(flows);
  irrs.set(key, fresh);
  return fresh;
}

const D40 = Decimal.clone({ precision: 34 });

function solveIrr(flows: Decimal[]): Decimal | null {
  if (!flows.some((f) => f.gt(0)) || !flows.some((f) => f.lt(0))) return null;
  // a floating-point bisection on a generous bracket (the root to ~1e-16), then Newton in
  // 34-digit decimals, which doubles the exact digits each step: two or three steps
  const fl = flows.map((f) => f.toNumber());
  const npvF = (i: number) => {
    const v = 1 / (1 + i);
    let t = 0;
    let vk = 1;
    for (const c of fl) {
      t += c * vk;
      vk *= v;
    }
    return t;
  };
  let lo = -0.99;
  let hi = 1;
  const sLo = Math.sign(npvF(lo));
  if (sLo === Math.sign(npvF(hi))) return null;
  for (let k = 0; k < 80; k++) {
    const mid = (lo + hi) / 2;
    if (Math.sign(npvF(mid)) === sLo) lo = mid;
    else hi = mid;
  }
  const cs = flows.map((c) => new D40(c.toString()));
  let i = new D40((lo + hi) / 2);
  for (let step = 0; step < 6; step++) {
    const v = new D40(1).div(i.plus(1));
    let f = new D40(0);
    // Horner: f = Σ c_k v^k and g = Σ k c_k v^(k−1), so d/di f = −g v²
    let g = new D40(0);
    for (let k = cs.length - 1; k >= 0; k--) {
      g = g.mul(v).plus(f);
      f = f.mul(v).plus(cs[k]);
    }
    const df = g.mul(v).mul(v).neg();
    if (df.isZero()) break;
    const delta = f.div(df);
    i = i.minus(delta);
    if (delta.abs().lt('1e-28')) break;
  }
  return new Decimal(i.mul(12).toSignificantDigits(30).toString());
}

/** The exact annualised all-in cost of a schedule and its premiums (what the < ceiling rule compares). */
export function financingCost(a: {
  principal: string;
  schedule: Instalment[];
  premiums: PremiumYear[];
  payment: PremiumPayment;
}): Decimal | null {
  return annualisedIrr(borrowerCashFlows(a));
}

/** The schedule and premium years a request would have if disbursed on its date. */
export function quoteSchedule(p: ProgrammeParameters, r: Omit<PriceRequest, 'grade'>, rate: Decimal.Value | null) {
  const schedule = generateSchedule({
    principal: r.amount,
    annualRate: r.interestRate,
    termYears: r.termYears,
    method: r.repaymentMethod,
    disbursedOn: r.date,
    dayCount: p.dayCount,
  });
  const premiums = rate === null ? null : premiumSchedule(p, { rate, principal: r.amount, schedule, startsOn: r.date });
  return { schedule, premiums };
}

/**
 * Every input the exact financing cost of a quote depends on. Under PBOC 30/360 a schedule's amounts
 * do not depend on the day it starts (a scheduled month costs annual ÷ 12 whatever its length,
 * lending/schedule.ts), nor do the premium years' (only their start days move), so the date is
 * left out there and the same terms quoted on another day share the value; under an actual-day
 * count it is part of the key.
 */
const costKey = (p: ProgrammeParameters, r: Omit<PriceRequest, 'grade'>, rate: Decimal.Value) =>
  [
    p.dayCount,
    p.premiumPayment,
    p.basePremiumRate,
    p.borrowerBasePremiumRate,
    new Decimal(rate).toString(),
    r.amount,
    r.termYears,
    r.interestRate,
    r.repaymentMethod,
    p.dayCount === 'PBOC_30_360' ? '' : r.date,
  ].join('|');
const costs = new Lru<Decimal | null>(4096);

/**
 * The exact annualised all-in cost of a quote (what eligibility's < ceiling rule compares): the
 * IRR of the borrower's cash flows on `quoteSchedule`'s schedule and premium years at `rate`.
 * `price` records the one it computes, so eligibility on the same request does not redo it.
 */
export function quoteCost(p: ProgrammeParameters, r: Omit<PriceRequest, 'grade'>, rate: Decimal.Value): Decimal | null {
  const key = costKey(p, r, rate);
  const known = costs.get(key);
  if (known !== undefined) return known;
  const { schedule, premiums } = quoteSchedule(p, r, rate);
  const fresh = financingCost({ principal: r.amount, schedule, premiums: premiums!, payment: p.premiumPayment });
  costs.set(key, fresh);
  return fresh;
}

export function price(p: ProgrammeParameters, r: PriceRequest): Price {
  const bench = benchmarkRate(p, r.date, r.termYears);
  const rate = annualPremiumRate(p, r.grade, r.termYears);
  const { schedule, premiums } = quoteSchedule(p, r, rate);
  const out: Price = {
    benchmarkRate: bench?.rate ?? null,
    benchmarkEffectiveOn: bench?.effectiveOn ?? null,
    rateCeiling: rateCeiling(p, r.date, r.termYears),
    termOffered: rate !== null,
    premiumRate: null,
    premiumAmount: null,
    borrowerPremium: null,
    subsidyPremium: null,
    interestAmount: totalInterest(schedule).toFixed(2),
    financingCostRate: null,
  };
  if (rate === null || premiums === null) return out;
  const cost = new Decimal(r.amount).isZero()
    ? null
    : financingCost({ principal: r.amount, schedule, premiums, payment: p.premiumPayment });
  costs.set(costKey(p, r, rate), cost);
  return {
    ...out,
    premiumRate: rate.toString(),
    premiumAmount: sum(premiums, 'premium').toFixed(2),
    borrowerPremium: sum(premiums, 'borrowerPremium').toFixed(2),
    subsidyPremium: sum(premiums, 'subsidy').toFixed(2),
    premiumPayment: p.premiumPayment,
    premiumSchedule: premiums,
    financingCostRate: cost === null ? null : cost.toDecimalPlaces(6, HALF_UP).toString(),
  };
}
