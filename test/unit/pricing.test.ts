import { describe, expect, it } from 'vitest';
import { Decimal } from 'decimal.js';
import { SEED_PARAMETERS as P, benchmarkRate, rateCeiling, type ProgrammeParameters } from '../../src/modules/parameters/rules.js';
import { annualPremiumRate, price } from '../../src/modules/underwriting/pricing.js';

const seedCase = {
  amount: '300000.00',
  termYears: 1,
  interestRate: '0.078',
  repaymentMethod: 'INTEREST_ONLY_BULLET' as const,
  grade: 'C' as const,
  date: '2014-06-15',
};

describe('the seed case (张家口 2014)', () => {
  it('300,000 for one year at benchmark 6.00% + 30%: premium 6,900.00, borrower 3,000.00, subsidy 3,900.00, annualised cost 8.85%', () => {
    expect(benchmarkRate(P, '2014-06-15', 1)).toEqual({ rate: '0.06', effectiveOn: '2012-07-06' });
    expect(rateCeiling(P, '2014-06-15', 1)).toBe('0.078');
    const q = price(P, seedCase);
    expect(q).toMatchObject({
      premiumRate: '0.023',
      premiumAmount: '6900.00',
      borrowerPremium: '3000.00',
      subsidyPremium: '3900.00',
      // the seed's "7.8% + 1% = 8.8%" treats the premium as paid through the year; it is paid up front, so the
      // borrower has 297,000 for a year and pays 1,950 × 11 then 301,950: 12 × monthly IRR = 8.848576%
      // (Python decimal bisection; Excel =IRR({297000,-1950,…,-301950})*12)
      financingCostRate: '0.088486',
      interestAmount: '23400.00',
      premiumPayment: 'ANNUAL',
      premiumSchedule: [
        {
          year: 1,
          startsOn: '2014-06-15',
          months: 12,
          insuredBalance: '300000.00',
          premium: '6900.00',
          subsidy: '3900.00',
          borrowerPremium: '3000.00',
        },
      ],
    });
  });
});

describe('benchmark history', () => {
  it('takes the rate in force on the date, by term band', () => {
    expect(benchmarkRate(P, '2014-11-21', 1)!.rate).toBe('0.06');
    expect(benchmarkRate(P, '2014-11-22', 1)!.rate).toBe('0.056');
    expect(benchmarkRate(P, '2014-11-22', 3)!.rate).toBe('0.06');
    expect(benchmarkRate(P, '2026-06-15', 1)!.rate).toBe('0.0435');
    expect(benchmarkRate(P, '2026-06-15', 5)!.rate).toBe('0.0475');
    expect(benchmarkRate(P, '2012-07-05', 1)).toBeNull();
  });
});

describe('risk-based premium', () => {
  it('moves with the grade and the term as the parameters say', () => {
    expect(annualPremiumRate(P, 'A', 1)!.toString()).toBe('0.0184'); // 2.3% × 0.8
    expect(annualPremiumRate(P, 'B', 1)!.toString()).toBe('0.0207');
    expect(annualPremiumRate(P, 'D', 1)!.toString()).toBe('0.0276');
    expect(annualPremiumRate(P, 'E', 1)!.toString()).toBe('0.0345');
    expect(annualPremiumRate(P, 'C', 3)!.toString()).toBe('0.0253'); // × 1.10
    expect(annualPremiumRate(P, 'E', 5)!.toString()).toBe('0.04'); // 4.14% clamped to the ceiling
    expect(annualPremiumRate(P, 'C', 4)).toBeNull(); // not offered
  });

  it('clamps to the floor', () => {
    const cheap: ProgrammeParameters = { ...P, gradeMultipliers: { ...P.gradeMultipliers, A: '0.50' } };
    expect(annualPremiumRate(cheap, 'A', 1)!.toString()).toBe('0.015');
  });

  it('keeps the subsidy fixed and moves the borrower’s part', () => {
    const a = price(P, { ...seedCase, grade: 'A' });
    expect(a).toMatchObject({ premiumAmount: '5520.00', subsidyPremium: '3900.00', borrowerPremium: '1620.00' });
    const e = price(P, { ...seedCase, grade: 'E' });
    expect(e).toMatchObject({ premiumAmount: '10350.00', subsidyPremium: '3900.00', borrowerPremium: '6450.00' });
  });

  it('prices multi-year terms over the whole term', () => {
    const q = price(P, { ...seedCase, termYears: 3, date: '2014-06-15', interestRate: '0.07995' });
    // 300,000 × 2.53% × 3
    expect(q).toMatchObject({ premiumRate: '0.0253', premiumAmount: '22770.00', subsidyPremium: '11700.00', borrowerPremium: '11070.00' });
  });

  it('rounds half up to the fen and the parts always sum to the premium', () => {
    for (const amount of ['1.00', '0.01', '12345.67', '99999.99', '3.33', '200000.00']) {
      for (const grade of ['A', 'B', 'C', 'D', 'E'] as const) {
        for (const termYears of [1, 2, 3, 5]) {
          const q = price(P, { ...seedCase, amount, grade, termYears });
          expect(new Decimal(q.borrowerPremium!).plus(q.subsidyPremium!).toFixed(2)).toBe(q.premiumAmount);
          expect(new Decimal(q.borrowerPremium!).gte(0)).toBe(true);
        }
      }
    }
    // 12,345.67 × 2.3% = 283.95041 → 283.95; subsidy 12,345.67 × 1.3% = 160.49371 → 160.49
    expect(price(P, { ...seedCase, amount: '12345.67' })).toMatchObject({
      premiumAmount: '283.95',
      subsidyPremium: '160.49',
      borrowerPremium: '123.46',
    });
    // 0.5 fen rounds up: 50 × 2.3% = 1.15 exactly; 150.50 × 1.3% = 1.9565 → 1.96
    expect(price(P, { ...seedCase, amount: '150.50' }).subsidyPremium).toBe('1.96');
  });
});
