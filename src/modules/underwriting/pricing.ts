import { Decimal } from 'decimal.js';
import { benchmarkRate, rateCeiling, termFactor, type Grade, type ProgrammeParameters, type RepaymentMethod } from '../parameters/rules.js';
import { generateSchedule, totalInterest } from '../lending/schedule.js';

/**
 * Risk-based premium (建议二) and the borrower's financing cost.
 *
 *   annual premium rate = clamp(base × grade multiplier × term factor, floor, ceiling)
 *   premium             = amount × annual rate × years                       (half-up to the fen)
 *   subsidy             = min(premium, amount × (base − borrower base) × years)
 *   borrower's part     = premium − subsidy
 *   financing cost      = interest rate + borrower's part ÷ (amount × years)  (a year)
 *
 * The subsidy is the programme's fixed share (1.3 points at today's 2.3% − 1%), so risk
 * pricing moves what the borrower pays: a better rating lowers it.
 */
export interface PriceRequest {
  amount: string;
  termYears: number;
  interestRate: string;
  repaymentMethod: RepaymentMethod;
  grade: Grade;
  /** Business date the benchmark rate is read at. */
  date: string;
}

export interface Price {
  benchmarkRate: string | null;
  benchmarkEffectiveOn: string | null;
  rateCeiling: string | null;
  termOffered: boolean;
  premiumRate: string | null;
  premiumAmount: string | null;
  borrowerPremium: string | null;
  subsidyPremium: string | null;
  interestAmount: string;
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

/** Exact financing cost a year, unrounded, for the eligibility comparison. */
export function financingCost(interestRate: string, borrowerPremium: Decimal, amount: string, termYears: number): Decimal {
  return new Decimal(interestRate).plus(borrowerPremium.div(new Decimal(amount).mul(termYears)));
}

export function price(p: ProgrammeParameters, r: PriceRequest): Price {
  const bench = benchmarkRate(p, r.date, r.termYears);
  const rate = annualPremiumRate(p, r.grade, r.termYears);
  const schedule = generateSchedule({
    principal: r.amount,
    annualRate: r.interestRate,
    termYears: r.termYears,
    method: r.repaymentMethod,
    disbursedOn: r.date,
  });
  const interestAmount = totalInterest(schedule).toFixed(2);
  const out: Price = {
    benchmarkRate: bench?.rate ?? null,
    benchmarkEffectiveOn: bench?.effectiveOn ?? null,
    rateCeiling: rateCeiling(p, r.date, r.termYears),
    termOffered: rate !== null,
    premiumRate: null,
    premiumAmount: null,
    borrowerPremium: null,
    subsidyPremium: null,
    interestAmount,
    financingCostRate: null,
  };
  if (rate === null) return out;
  const amount = new Decimal(r.amount);
  const premium = toFen(amount.mul(rate).mul(r.termYears));
  const subsidyRate = new Decimal(p.basePremiumRate).minus(p.borrowerBasePremiumRate);
  const subsidy = Decimal.min(premium, toFen(amount.mul(subsidyRate).mul(r.termYears)));
  const borrower = premium.minus(subsidy);
  return {
    ...out,
    premiumRate: rate.toString(),
    premiumAmount: premium.toFixed(2),
    borrowerPremium: borrower.toFixed(2),
    subsidyPremium: subsidy.toFixed(2),
    financingCostRate: amount.isZero()
      ? null
      : financingCost(r.interestRate, borrower, r.amount, r.termYears).toDecimalPlaces(6, HALF_UP).toString(),
  };
}
