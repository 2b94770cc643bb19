import type { ProgrammeParameters } from '../modules/parameters/rules.js';
import { benchmarkRate } from '../modules/parameters/rules.js';
import type { Instalment } from '../modules/lending/schedule.js';
import { price, quoteSchedule, type PremiumYear, type Price, type PriceRequest } from '../modules/underwriting/pricing.js';
import { addMonths } from '../time.js';

/**
 * The demo prices some 4,000 requests on a few hundred distinct terms, each with a schedule and
 * an IRR in 34-digit decimals. Under the PBOC 30/360 day count (the parameters' default) a
 * schedule's amounts do not depend on the day it starts (a scheduled month costs annual ÷ 12,
 * whatever its length), so two requests on the same amount, term, rate, method and grade, under
 * the same benchmark, have the same price but for the days their premium years start. The pricer
 * computes each such price once with the platform's own `price` and hands it out with the
 * request's own start days (premiumSchedule's rule: year y starts 12(y−1) months after the
 * date). Under any other day count it does not memoise. test/integration/demo-pricer.test.ts
 * checks it against `price` on every request of the demo.
 */
export interface Pricer {
  price(r: PriceRequest): Price;
  /** The amounts a quote's schedule and premium years move (the IRR's only inputs), as `sameCashFlows` compares them. */
  quoteFlows(r: Omit<PriceRequest, 'grade'>, premiumRate: string): string;
}

/** The cash flows a schedule and its premium years move, month by month (no dates). */
export const cashFlows = (x: { schedule: Instalment[]; premiums: PremiumYear[] | null }) =>
  JSON.stringify([x.schedule.map((i) => [i.principalDue, i.interestDue]), x.premiums?.map((y) => [y.year, y.borrowerPremium])]);

export function createPricer(p: ProgrammeParameters): Pricer {
  const dateFree = p.dayCount === 'PBOC_30_360';
  const prices = new Map<string, Price>();
  const flows = new Map<string, string>();
  const termsKey = (r: Omit<PriceRequest, 'grade'>) => {
    const bench = benchmarkRate(p, r.date, r.termYears);
    return `${r.amount}|${r.termYears}|${r.interestRate}|${r.repaymentMethod}|${bench?.rate}|${bench?.effectiveOn}`;
  };
  return {
    price(r) {
      if (!dateFree) return price(p, r);
      const key = `${termsKey(r)}|${r.grade}`;
      const known = prices.get(key);
      if (!known) {
        const fresh = price(p, r);
        prices.set(key, fresh);
        return fresh;
      }
      if (!known.premiumSchedule) return { ...known };
      return { ...known, premiumSchedule: known.premiumSchedule.map((y) => ({ ...y, startsOn: addMonths(r.date, 12 * (y.year - 1)) })) };
    },
    quoteFlows(r, premiumRate) {
      const key = dateFree ? `${r.amount}|${r.termYears}|${r.interestRate}|${r.repaymentMethod}|${premiumRate}` : null;
      const known = key === null ? undefined : flows.get(key);
      if (known !== undefined) return known;
      const fresh = cashFlows(quoteSchedule(p, r, premiumRate));
      if (key !== null) flows.set(key, fresh);
      return fresh;
    },
  };
}
