import { Decimal } from 'decimal.js';
import { describe, expect, it } from 'vitest';
import { chargeOf } from '../../src/modules/lending/premiums.js';
import { yearPremium } from '../../src/modules/underwriting/pricing.js';
import { SEED_PARAMETERS as P, rateCeiling } from '../../src/modules/parameters/rules.js';
import { financingCost, price, quoteSchedule } from '../../src/modules/underwriting/pricing.js';

/**
 * A 3-year equal-instalment loan of 300,000.00, grade C, priced on 2014-06-15 (issue 11).
 *
 * Derivation, independently of the code (Python `decimal`, half-up to the fen):
 *  - benchmark on 2014-06-15 for 3 years: 6.15% (PBoC, from 2012-07-06, the 1–3-year band);
 *    the rate ceiling 6.15% × 1.30 = 7.995%; the loan takes it.
 *  - schedule (等额本息, monthly rate 0.07995 / 12 = 0.0066625, 36 months):
 *      payment = fen(300000 × r / (1 − (1 + r)^−36)) = 9,400.22;
 *      month 1: interest fen(300000 × r) = 1,998.75, principal 7,401.47; … month 12: 1,437.88 / 7,962.34;
 *      month 24: 777.44 / 8,622.78; month 36 clears the rest: principal 9,337.96, interest 62.17 (the residue).
 *      Principal repaid in year 1: 92,145.61; in year 2: 99,788.69; in year 3: 108,065.70 (Σ 300,000.00).
 *  - premium rate: 2.3% × grade C 1.00 × 3-year factor 1.10 = 2.53%; the subsidy's rate 2.3% − 1% = 1.3%.
 *  - by policy year, on the balance at its start:
 *      year 1: 300,000.00            premium fen(300000.00 × 0.0253) = 7,590.00  subsidy fen(× 0.013) = 3,900.00  borrower 3,690.00
 *      year 2: 300,000.00 − 92,145.61 = 207,854.39  premium 5,258.72 (5,258.7160…)  subsidy 2,702.11 (2,702.107…)  borrower 2,556.61
 *      year 3: 207,854.39 − 99,788.69 = 108,065.70  premium 2,734.06 (2,734.0622…)  subsidy 1,404.85 (1,404.854…)  borrower 1,329.21
 *    (the old rule, 300,000 × 2.53% × 3 = 22,770.00, charged premium on principal already repaid.)
 *  - annualised cost (ANNUAL payment): the borrower's monthly cash flows are
 *      month 0: 300,000.00 − 3,690.00 = 296,310.00; months 1–35: −9,400.22, except
 *      month 12: −9,400.22 − 2,556.61 = −11,956.83, month 24: −9,400.22 − 1,329.21 = −10,729.43; month 36: −9,400.13.
 *    Bisection on NPV(i) = 0 over [0, 0.05] (200 halvings, 50-digit decimals) gives the monthly IRR
 *    0.00802667027250924309634643…, × 12 = 0.09632004327011091715… (Excel: =IRR(flows)*12), 9.632004%, shown as 0.09632.
 *    Paid SINGLE (all 7,575.82 of the borrower's premium at month 0): the same bisection gives 0.097412 (rounded).
 */
const loan = {
  amount: '300000.00',
  termYears: 3,
  interestRate: '0.07995',
  repaymentMethod: 'EQUAL_INSTALMENTS' as const,
  grade: 'C' as const,
  date: '2014-06-15',
};

const YEARS = [
  {
    year: 1,
    startsOn: '2014-06-15',
    months: 12,
    insuredBalance: '300000.00',
    premium: '7590.00',
    subsidy: '3900.00',
    borrowerPremium: '3690.00',
  },
  {
    year: 2,
    startsOn: '2015-06-15',
    months: 12,
    insuredBalance: '207854.39',
    premium: '5258.72',
    subsidy: '2702.11',
    borrowerPremium: '2556.61',
  },
  {
    year: 3,
    startsOn: '2016-06-15',
    months: 12,
    insuredBalance: '108065.70',
    premium: '2734.06',
    subsidy: '1404.85',
    borrowerPremium: '1329.21',
  },
];

describe('a 3-year equal-instalment 300,000.00 loan (grade C, 2014-06-15)', () => {
  it('borrows at the ceiling, 6.15% × 1.30', () => {
    expect(rateCeiling(P, loan.date, 3)).toBe('0.07995');
  });

  it('is charged premium year by year on the balance at the start of each year', () => {
    const q = price(P, loan);
    expect(q.premiumRate).toBe('0.0253');
    expect(q.premiumSchedule).toEqual(YEARS);
    expect(q).toMatchObject({
      premiumAmount: '15582.78',
      subsidyPremium: '8006.96',
      borrowerPremium: '7575.82',
      premiumPayment: 'ANNUAL',
      interestAmount: '38407.83',
    });
  });

  it('has the annualised all-in cost of its cash flows: 9.632004% (IRR × 12)', () => {
    const q = price(P, loan);
    expect(q.financingCostRate).toBe('0.09632');
    const { schedule, premiums } = quoteSchedule(P, loan, '0.0253');
    const exact = financingCost({ principal: loan.amount, schedule, premiums: premiums!, payment: 'ANNUAL' })!;
    expect(exact.toDecimalPlaces(15, Decimal.ROUND_HALF_UP).toString()).toBe('0.096320043270111');
    const single = financingCost({ principal: loan.amount, schedule, premiums: premiums!, payment: 'SINGLE' })!;
    expect(single.toDecimalPlaces(6, Decimal.ROUND_HALF_UP).toString()).toBe('0.097412');
    expect(price({ ...P, premiumPayment: 'SINGLE' }, loan)).toMatchObject({ financingCostRate: '0.097412', premiumPayment: 'SINGLE' });
  });
});

describe('charging a policy year (lending/premiums.ts)', () => {
  it('one year on a balance is the pricing’s rule: it reproduces every scheduled year', () => {
    for (const y of YEARS) {
      expect(yearPremium(P, '0.0253', y.insuredBalance, y.months)).toEqual({
        insuredBalance: y.insuredBalance,
        premium: y.premium,
        subsidy: y.subsidy,
        borrowerPremium: y.borrowerPremium,
      });
    }
  });

  it('charges the scheduled figures unless the loan owes less; never more', () => {
    const y2 = YEARS[1];
    const scheduled = { insuredBalance: '207854.39', premium: '5258.72', subsidy: '2702.11', borrowerPremium: '2556.61' };
    expect(chargeOf(P, '0.0253', y2, null)).toEqual(scheduled); // at issue: no loan yet
    expect(chargeOf(P, '0.0253', y2, '207854.39')).toEqual(scheduled);
    expect(chargeOf(P, '0.0253', y2, '250000.00')).toEqual(scheduled); // in arrears: still the scheduled balance
    // repaid ahead to 200,000.00: 200,000.00 × 2.53% = 5,060.00, subsidy × 1.3% = 2,600.00, borrower 2,460.00
    expect(chargeOf(P, '0.0253', y2, '200000.00')).toEqual({
      insuredBalance: '200000.00',
      premium: '5060.00',
      subsidy: '2600.00',
      borrowerPremium: '2460.00',
    });
  });

  it('a short year is charged for its months, and the subsidy never exceeds the premium', () => {
    // 5 months on 100,000.00: 100,000 × 2.53% × 5/12 = 1,054.1666… → 1,054.17; subsidy × 1.3% × 5/12 = 541.666… → 541.67
    expect(yearPremium(P, '0.0253', '100000.00', 5)).toEqual({
      insuredBalance: '100000.00',
      premium: '1054.17',
      subsidy: '541.67',
      borrowerPremium: '512.50',
    });
    // a rate below the subsidy's 1.3% (the 1.5% floor prevents it in the seed parameters) would be all subsidy
    expect(yearPremium(P, '0.01', '100000.00', 12)).toEqual({
      insuredBalance: '100000.00',
      premium: '1000.00',
      subsidy: '1000.00',
      borrowerPremium: '0.00',
    });
  });
});
