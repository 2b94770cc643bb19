import { Decimal } from 'decimal.js';
import { describe, expect, it } from 'vitest';
import {
  allocatePayment,
  daysPastDue,
  generateSchedule,
  outstandingPrincipal,
  totalInterest,
  totalPrincipal,
  accrue,
  exactInterest,
  type InstalmentState,
} from '../../src/modules/lending/schedule.js';

const state = (s: ReturnType<typeof generateSchedule>): InstalmentState[] =>
  s.map((i) => ({ ...i, principalPaid: '0.00', interestPaid: '0.00' }));

describe('schedules', () => {
  it('interest by instalment, principal at maturity', () => {
    const s = generateSchedule({
      principal: '300000.00',
      annualRate: '0.078',
      termYears: 1,
      method: 'INTEREST_ONLY_BULLET',
      disbursedOn: '2014-06-15',
    });
    expect(s).toHaveLength(12);
    expect(s[0]).toEqual({ seq: 1, dueOn: '2014-07-15', principalDue: '0.00', interestDue: '1950.00' });
    expect(s[11]).toEqual({ seq: 12, dueOn: '2015-06-15', principalDue: '300000.00', interestDue: '1950.00' });
    expect(totalInterest(s).toFixed(2)).toBe('23400.00');
  });

  it('equal instalments repay the principal exactly, the last one absorbing rounding', () => {
    const s = generateSchedule({
      principal: '100000.00',
      annualRate: '0.0565',
      termYears: 2,
      method: 'EQUAL_INSTALMENTS',
      disbursedOn: '2026-01-31',
    });
    expect(s).toHaveLength(24);
    expect(totalPrincipal(s).toFixed(2)).toBe('100000.00');
    expect(s[0].dueOn).toBe('2026-02-28'); // month-end clamps
    expect(s[1].dueOn).toBe('2026-03-31');
    const payments = s.map((i) => new Decimal(i.principalDue).plus(i.interestDue));
    expect(payments.slice(0, 23).every((p) => p.eq(payments[0]))).toBe(true);
    // per-month interest rounding drifts by at most half a fen a month, settled in the last one
    expect(payments[23].minus(payments[0]).abs().lte(new Decimal('0.005').mul(24))).toBe(true);
    // first month's interest: 100,000 × 5.65% / 12 = 470.8333 → 470.83
    expect(s[0].interestDue).toBe('470.83');
  });

  it('allocates a payment oldest first, interest before principal', () => {
    const s = state(
      generateSchedule({ principal: '12000.00', annualRate: '0.06', termYears: 1, method: 'EQUAL_INSTALMENTS', disbursedOn: '2026-01-01' }),
    );
    const a = allocatePayment(s, '100.00')!;
    expect(a).toEqual([{ seq: 1, interest: '60.00', principal: '40.00' }]);
    const whole = s.reduce((t, i) => t.plus(i.principalDue).plus(i.interestDue), new Decimal(0));
    expect(allocatePayment(s, whole.toFixed(2))).toHaveLength(12);
    expect(allocatePayment(s, whole.plus('0.01').toFixed(2))).toBeNull();
  });

  it('counts days past due from the oldest unpaid instalment', () => {
    const s = state(
      generateSchedule({
        principal: '12000.00',
        annualRate: '0.06',
        termYears: 1,
        method: 'INTEREST_ONLY_BULLET',
        disbursedOn: '2026-01-01',
      }),
    );
    expect(daysPastDue(s, '2026-02-01')).toBe(0); // due today is not late
    expect(daysPastDue(s, '2026-02-02')).toBe(1);
    expect(daysPastDue(s, '2026-05-02')).toBe(90);
    s[0].interestPaid = s[0].interestDue;
    expect(daysPastDue(s, '2026-03-02')).toBe(1);
    expect(outstandingPrincipal(s).toFixed(2)).toBe('12000.00');
  });

  it('puts the rounding residue in the last instalment: 12 × 235.625 is 2,827.50, not 12 × 235.63', () => {
    const s = generateSchedule({
      principal: '150000.00',
      annualRate: '0.01885',
      termYears: 1,
      method: 'INTEREST_ONLY_BULLET',
      disbursedOn: '2026-01-15',
    });
    expect(s.slice(0, 11).every((i) => i.interestDue === '235.63')).toBe(true);
    expect(s[11]).toEqual({ seq: 12, dueOn: '2027-01-15', principalDue: '150000.00', interestDue: '235.57' });
    expect(totalInterest(s).toFixed(2)).toBe('2827.50'); // 150,000 × 1.885% exactly
    expect(exactInterest(s, { principal: '150000.00', annualRate: '0.01885', disbursedOn: '2026-01-15' }).toFixed(2)).toBe('2827.50');
  });

  it('counts days by the convention: PBoC 30/360 (months at ÷12, odd days at ÷360), actual/360, actual/365', () => {
    // 100,000 at 7.2%: a whole month 600.00; 45 days = 1 month + 14 days (Jan 15 → Feb 15 → Mar 1) = 600 + 280 = 880.00
    expect(accrue('100000', '0.072', 'PBOC_30_360', '2026-01-15', '2026-02-15').toFixed(2)).toBe('600.00');
    expect(accrue('100000', '0.072', 'PBOC_30_360', '2026-01-15', '2026-03-01').toFixed(2)).toBe('880.00');
    expect(accrue('100000', '0.072', 'ACT_360', '2026-01-15', '2026-03-01').toFixed(2)).toBe('900.00'); // 45 × 20
    expect(accrue('100000', '0.072', 'ACT_365', '2026-01-15', '2026-03-01').toFixed(4)).toBe('887.6712'); // 45 × 7,200 ÷ 365
    expect(accrue('100000', '0.072', 'ACT_360', '2026-03-01', '2026-03-01').toFixed(2)).toBe('0.00');
    // a year of actual/360 costs 365/360 of the nominal rate; the schedule's interest sums to it exactly
    const act = generateSchedule({
      principal: '100000.00',
      annualRate: '0.072',
      termYears: 1,
      method: 'INTEREST_ONLY_BULLET',
      disbursedOn: '2026-01-15',
      dayCount: 'ACT_360',
    });
    expect(act[0].interestDue).toBe('620.00'); // 31 days × 20.00
    expect(act[1].interestDue).toBe('560.00'); // 28 days
    expect(totalInterest(act).toFixed(2)).toBe('7300.00'); // 365 × 20.00
    const eq = generateSchedule({
      principal: '100000.00',
      annualRate: '0.0565',
      termYears: 2,
      method: 'EQUAL_INSTALMENTS',
      disbursedOn: '2026-01-31',
      dayCount: 'ACT_365',
    });
    expect(totalPrincipal(eq).toFixed(2)).toBe('100000.00');
    expect(totalInterest(eq).toFixed(2)).toBe(
      exactInterest(eq, { principal: '100000.00', annualRate: '0.0565', disbursedOn: '2026-01-31', dayCount: 'ACT_365' }).toFixed(2),
    );
  });

  it("continues a loan's numbering and runs for a number of months (an extension's remainder)", () => {
    const s = generateSchedule({
      principal: '60000.00',
      annualRate: '0.06',
      months: 9,
      method: 'EQUAL_INSTALMENTS',
      disbursedOn: '2026-07-10',
      firstSeq: 4,
    });
    expect(s.map((i) => i.seq)).toEqual([4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(s[0].dueOn).toBe('2026-08-10');
    expect(totalPrincipal(s).toFixed(2)).toBe('60000.00');
  });

  it('never owes negative interest: a tiny amortising loan takes the residue off earlier instalments', () => {
    // 100.00 over 3 years at 4.35%: the per-month rounding runs 0.02 ahead of the exact total, more than
    // the last month's own interest; the sums stay exact and no instalment goes below 0
    const a = { principal: '100.00', annualRate: '0.0435', termYears: 3, method: 'EQUAL_INSTALMENTS' as const, disbursedOn: '2026-01-15' };
    const s = generateSchedule(a);
    expect(s.every((i) => new Decimal(i.interestDue).gte(0))).toBe(true);
    expect(totalPrincipal(s).toFixed(2)).toBe('100.00');
    expect(totalInterest(s).toFixed(2)).toBe(exactInterest(s, a).toFixed(2));
    for (const principal of ['0.01', '1.00', '37.50', '250.00', '687.35']) {
      for (const termYears of [1, 2, 3, 5]) {
        const x = { ...a, principal, termYears };
        const y = generateSchedule(x);
        expect(y.every((i) => new Decimal(i.interestDue).gte(0) && new Decimal(i.principalDue).gte(0))).toBe(true);
        expect(totalPrincipal(y).toFixed(2)).toBe(principal);
        expect(totalInterest(y).toFixed(2)).toBe(exactInterest(y, x).toFixed(2));
      }
    }
  });
});
