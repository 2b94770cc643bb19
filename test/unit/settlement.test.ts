import { Decimal } from 'decimal.js';
import { describe, expect, it } from 'vitest';
import { generateSchedule, type InstalmentState } from '../../src/modules/lending/schedule.js';
import { premiumRefund, refundTotals, settleInstalments, settlementQuote, type ChargedYear } from '../../src/modules/lending/settlement.js';

/**
 * Early settlement (提前结清). The loan of the issue: 1 year, 150,000.00, here at 5.65% (the 2026
 * ceiling: benchmark 4.35% × 1.30 = 5.655%), disbursed 2026-06-15, monthly instalments due on the
 * 15th, PBOC 30/360 unless a test says otherwise.
 */
const LOAN = { disbursedOn: '2026-06-15', annualRate: '0.0565', dayCount: 'PBOC_30_360' as const };
const unpaid = (s: ReturnType<typeof generateSchedule>): InstalmentState[] =>
  s.map((i) => ({ ...i, principalPaid: '0.00', interestPaid: '0.00' }));
const bullet = () =>
  unpaid(
    generateSchedule({
      principal: '150000.00',
      annualRate: '0.0565',
      termYears: 1,
      method: 'INTEREST_ONLY_BULLET',
      disbursedOn: '2026-06-15',
    }),
  );
const equal = () =>
  unpaid(
    generateSchedule({
      principal: '150000.00',
      annualRate: '0.0565',
      termYears: 1,
      method: 'EQUAL_INSTALMENTS',
      disbursedOn: '2026-06-15',
    }),
  );
const pay = (s: InstalmentState[], seq: number, interest?: string, principal?: string) => {
  const i = s.find((x) => x.seq === seq)!;
  i.interestPaid = interest ?? i.interestDue;
  i.principalPaid = principal ?? i.principalDue;
  return s;
};

describe('settlementQuote: interest-only loan', () => {
  // each month's interest: 150,000 × 5.65% ÷ 12 = 706.25 exactly; 12 of them = 8,475.00
  it('on the day of disbursement: the principal and nothing else (every scheduled interest forgone)', () => {
    expect(settlementQuote(bullet(), LOAN, '2026-06-15')).toEqual({
      on: '2026-06-15',
      principalOutstanding: '150000.00',
      overduePrincipal: '0.00',
      overdueInterest: '0.00',
      principalNotYetDue: '150000.00',
      accruedInterest: '0.00',
      earnedInterest: '0.00',
      interestCredit: '0.00',
      accruedFrom: '2026-06-15',
      currentSeq: 1,
      total: '150000.00',
      interestForgone: '8475.00',
    });
  });

  it('on day 45, the first instalment paid: 15 days accrued since 07-15', () => {
    // 150,000 × 5.65% × 15 ÷ 360 = 353.125 → 353.13; forgone = 11 × 706.25 − 353.13 = 7,768.75 − 353.13 = 7,415.62
    const q = settlementQuote(pay(bullet(), 1), LOAN, '2026-07-30');
    expect(q).toMatchObject({
      overduePrincipal: '0.00',
      overdueInterest: '0.00',
      accruedFrom: '2026-07-15',
      currentSeq: 2,
      accruedInterest: '353.13',
      total: '150353.13',
      interestForgone: '7415.62',
    });
  });

  it('on day 45 after a missed instalment: its interest overdue, plus the accrued (no penalty interest)', () => {
    // 150,000 + 706.25 overdue + 353.13 accrued = 151,059.38
    const q = settlementQuote(bullet(), LOAN, '2026-07-30');
    expect(q).toMatchObject({
      overduePrincipal: '0.00',
      overdueInterest: '706.25',
      accruedInterest: '353.13',
      total: '151059.38',
      interestForgone: '7415.62',
    });
  });

  it('counts an instalment due on the day as overdue, with nothing accrued yet', () => {
    const q = settlementQuote(bullet(), LOAN, '2026-07-15');
    expect(q).toMatchObject({ overdueInterest: '706.25', accruedInterest: '0.00', accruedFrom: '2026-07-15', total: '150706.25' });
  });

  it('follows the day-count convention: ACT/365 and ACT/360', () => {
    // ACT/365: 150,000 × 5.65% × 15 ÷ 365 = 348.2876… → 348.29; ACT/360 as PBOC for odd days: 353.13
    const s = pay(bullet(), 1);
    expect(settlementQuote(s, { ...LOAN, dayCount: 'ACT_365' }, '2026-07-30').accruedInterest).toBe('348.29');
    expect(settlementQuote(s, { ...LOAN, dayCount: 'ACT_360' }, '2026-07-30').accruedInterest).toBe('353.13');
  });

  it('takes off interest already paid on the current instalment, and credits back what was paid for days that never ran', () => {
    // 200.00 of instalment 2's interest paid ahead: 353.13 − 200.00 = 153.13; 500.00 paid: 0 more, and the
    // 500.00 − 353.13 = 146.87 paid for days after the settlement comes off the total: 150,000 − 146.87
    expect(settlementQuote(pay(pay(bullet(), 1), 2, '200.00', '0.00'), LOAN, '2026-07-30')).toMatchObject({
      accruedInterest: '153.13',
      total: '150153.13',
      interestForgone: '7415.62',
    });
    expect(settlementQuote(pay(pay(bullet(), 1), 2, '500.00', '0.00'), LOAN, '2026-07-30')).toMatchObject({
      accruedInterest: '0.00',
      earnedInterest: '353.13',
      interestCredit: '146.87',
      total: '149853.13',
      interestForgone: '7415.62',
    });
    // a later instalment's interest paid ahead is credited in full
    expect(settlementQuote(pay(pay(pay(bullet(), 1), 2, '706.25', '0.00'), 3, '100.00', '0.00'), LOAN, '2026-07-30')).toMatchObject({
      accruedInterest: '0.00',
      interestCredit: '453.12', // 706.25 − 353.13 + 100.00
      total: '149546.88',
    });
  });

  it('caps the accrued interest at the current instalment’s scheduled interest', () => {
    // a hand-made instalment of 10.00 interest: 12,000 × 6% × 29 ÷ 360 = 58.00 would accrue, 10.00 is owed
    const s: InstalmentState[] = [
      { seq: 1, dueOn: '2026-07-15', principalDue: '12000.00', interestDue: '10.00', principalPaid: '0.00', interestPaid: '0.00' },
    ];
    const q = settlementQuote(s, { disbursedOn: '2026-06-15', annualRate: '0.06', dayCount: 'PBOC_30_360' }, '2026-07-14');
    expect(q).toMatchObject({ accruedInterest: '10.00', total: '12010.00', interestForgone: '0.00' });
  });
});

describe('settlementQuote: equal instalments', () => {
  // r = 5.65% ÷ 12; payment = 150,000 × r ÷ (1 − (1 + r)^−12) = 12,885.85; instalment 1: interest 706.25, principal
  // 12,885.85 − 706.25 = 12,179.60; balance after it 137,820.40; the schedule's interest sums to 4,630.15
  it('after a missed instalment: its principal and interest overdue, 15 days accrued on the rest', () => {
    // accrued: 137,820.40 × 5.65% × 15 ÷ 360 = 324.4521… → 324.45
    // total: 150,000.00 + 706.25 + 324.45 = 151,030.70; forgone: 4,630.15 − 706.25 − 324.45 = 3,599.45
    const q = settlementQuote(equal(), LOAN, '2026-07-30');
    expect(q).toMatchObject({
      principalOutstanding: '150000.00',
      overduePrincipal: '12179.60',
      overdueInterest: '706.25',
      principalNotYetDue: '137820.40',
      accruedInterest: '324.45',
      total: '151030.70',
      interestForgone: '3599.45',
    });
  });

  it('settles every instalment: the current one’s interest cut to what it earned, later ones’ to 0 (what was paid of them re-applied to principal)', () => {
    const s = equal();
    const q = settlementQuote(s, LOAN, '2026-07-30');
    const settled = settleInstalments(s, q);
    expect(settled[0]).toEqual({ seq: 1, interestDue: '706.25', principal: '12179.60', interest: '706.25' });
    expect(settled[1]).toEqual({ seq: 2, interestDue: '324.45', principal: '12236.95', interest: '324.45' });
    expect(settled[11]).toEqual({ seq: 12, interestDue: '0.00', principal: '12825.41', interest: '0.00' });
    const paid = settled.reduce((t, x) => t.plus(x.principal).plus(x.interest), new Decimal(0));
    expect(paid.toFixed(2)).toBe(q.total);
  });
});

describe('premiumRefund: the unearned premium, pro rata by days', () => {
  // a 150,000.00 grade-C policy year: 2.3% → 3,450.00, the subsidy (2.3% − 1%) × 150,000 = 1,950.00, the borrower 1,500.00
  const year1: ChargedYear = { year: 1, startsOn: '2026-06-15', months: 12, premium: '3450.00', subsidy: '1950.00', status: 'CHARGED' };

  it('returns the whole premium on the day the cover starts', () => {
    expect(premiumRefund([year1], '2026-06-15')).toEqual([
      { year: 1, refund: '3450.00', subsidyRefund: '1950.00', borrowerRefund: '1500.00' },
    ]);
  });

  it('on day 45: 320 of 365 days unexpired, split like the premium', () => {
    // 3,450 × 320 ÷ 365 = 3,024.6575… → 3,024.66; subsidy 3,024.66 × 1,950 ÷ 3,450 = 1,709.5904… → 1,709.59; borrower 1,315.07
    expect(premiumRefund([year1], '2026-07-30')).toEqual([
      { year: 1, refund: '3024.66', subsidyRefund: '1709.59', borrowerRefund: '1315.07' },
    ]);
  });

  it('returns nothing of a year that ended; a charged year not started in full; scheduled years are not refunds', () => {
    const year2: ChargedYear = { year: 2, startsOn: '2027-06-15', months: 6, premium: '1200.00', subsidy: '700.00', status: 'CHARGED' };
    const year3: ChargedYear = { year: 3, startsOn: '2027-12-15', months: 6, premium: '600.00', subsidy: '350.00', status: 'SCHEDULED' };
    expect(premiumRefund([year3, year2, year1], '2027-06-15')).toEqual([
      { year: 1, refund: '0.00', subsidyRefund: '0.00', borrowerRefund: '0.00' },
      { year: 2, refund: '1200.00', subsidyRefund: '700.00', borrowerRefund: '500.00' },
    ]);
    // a 6-month year (2027-06-15 → 2027-12-15, 183 days), 2027-09-15 leaves 91: 1,200 × 91 ÷ 183 = 596.7213… → 596.72;
    // subsidy 596.72 × 700 ÷ 1,200 = 348.0866… → 348.09; borrower 248.63
    const r = premiumRefund([year1, year2], '2027-09-15');
    expect(r[1]).toEqual({ year: 2, refund: '596.72', subsidyRefund: '348.09', borrowerRefund: '248.63' });
    expect(refundTotals(r)).toEqual({ refund: '596.72', subsidyRefund: '348.09', borrowerRefund: '248.63' });
  });

  it('a premium with no subsidy returns all to the borrower; a zero premium returns nothing', () => {
    expect(premiumRefund([{ ...year1, subsidy: '0.00' }], '2026-07-30')[0]).toMatchObject({
      subsidyRefund: '0.00',
      borrowerRefund: '3024.66',
    });
    expect(premiumRefund([{ ...year1, premium: '0.00', subsidy: '0.00' }], '2026-07-30')[0]).toMatchObject({ refund: '0.00' });
  });
});
