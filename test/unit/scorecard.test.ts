import { describe, expect, it } from 'vitest';
import {
  score,
  gradeOf,
  delinquencyPoints,
  utilisationPoints,
  inquiryPoints,
  yearsInBusinessPoints,
  programmeHistoryPoints,
  wholeYears,
  type ScoredAccount,
} from '../../src/modules/underwriting/scorecard.js';
import { Decimal } from 'decimal.js';

const now = new Date('2026-06-15T02:00:00Z');
const acc = (over: Partial<ScoredAccount> = {}): ScoredAccount => ({
  kind: 'LOAN',
  status: 'CURRENT',
  closedOn: null,
  balance: '50000.00',
  originalAmount: '100000.00',
  paymentHistory: '000000',
  statusMonth: '2026-06-01',
  disputed: false,
  ...over,
});
const base = { accounts: [], inquiryTimes: [], registeredOn: '2025-01-10', programmeHistory: { repaid: 0, defaulted: 0 }, now };
const points = (s: ReturnType<typeof score>) => Object.fromEntries(s.factors.map((f) => [f.code, f.points]));

describe('scorecard factors', () => {
  it('delinquency in 24 months', () => {
    expect(delinquencyPoints(null)).toBe(5);
    expect(delinquencyPoints('CURRENT')).toBe(20);
    expect(delinquencyPoints('PAID')).toBe(20);
    expect(delinquencyPoints('DPD_30')).toBe(5);
    expect(delinquencyPoints('DPD_60')).toBe(-5);
    expect(delinquencyPoints('DPD_90')).toBe(-15);
    expect(delinquencyPoints('DPD_120')).toBe(-25);
    expect(delinquencyPoints('DPD_180_PLUS')).toBe(-25);
    expect(delinquencyPoints('IN_COLLECTION')).toBe(-40);
    expect(delinquencyPoints('CHARGED_OFF')).toBe(-40);
  });
  it('utilisation at its boundaries', () => {
    expect(utilisationPoints(null)).toBe(5);
    expect(utilisationPoints(new Decimal('0.30'))).toBe(10);
    expect(utilisationPoints(new Decimal('0.3001'))).toBe(5);
    expect(utilisationPoints(new Decimal('0.70'))).toBe(5);
    expect(utilisationPoints(new Decimal('0.90'))).toBe(0);
    expect(utilisationPoints(new Decimal('0.9001'))).toBe(-5);
  });
  it('inquiries, years in business, programme history', () => {
    expect([0, 1, 2, 3, 5, 6].map(inquiryPoints)).toEqual([10, 5, 5, 0, 0, -10]);
    expect([0, 1, 2, 4, 5].map(yearsInBusinessPoints)).toEqual([0, 5, 8, 8, 10]);
    expect(programmeHistoryPoints({ repaid: 0, defaulted: 0 })).toBe(0);
    expect(programmeHistoryPoints({ repaid: 1, defaulted: 0 })).toBe(5);
    expect(programmeHistoryPoints({ repaid: 3, defaulted: 0 })).toBe(10);
    expect(programmeHistoryPoints({ repaid: 3, defaulted: 1 })).toBe(-30);
    expect(wholeYears('2021-06-16', '2026-06-15')).toBe(4);
    expect(wholeYears('2021-06-15', '2026-06-15')).toBe(5);
  });
  it('grades at their floors', () => {
    expect([85, 84, 75, 74, 60, 59, 45, 44, 0].map(gradeOf)).toEqual(['A', 'B', 'B', 'C', 'C', 'D', 'D', 'E', 'E']);
  });
});

describe('score', () => {
  it('gives a clean thin-file start-up the middle grade', () => {
    const s = score(base);
    expect(points(s)).toEqual({
      DELINQUENCY_24M: 5,
      CURRENT_OVERDUE: 5,
      UTILISATION: 5,
      RECENT_INQUIRIES: 10,
      YEARS_IN_BUSINESS: 5,
      PROGRAMME_HISTORY: 0,
    });
    expect(s).toMatchObject({ version: 'SC-1', score: 70, grade: 'C' });
  });

  it('rewards a clean record and punishes current overdue', () => {
    expect(score({ ...base, accounts: [acc({ balance: '20000.00' })], programmeHistory: { repaid: 2, defaulted: 0 } }).grade).toBe('A');
    const bad = score({ ...base, accounts: [acc({ status: 'DPD_60', paymentHistory: '21000' })] });
    expect(points(bad)).toMatchObject({ DELINQUENCY_24M: -5, CURRENT_OVERDUE: -20 });
    expect(bad.grade).toBe('E');
  });

  it('leaves disputed accounts out', () => {
    const disputed = score({ ...base, accounts: [acc({ status: 'DPD_60', paymentHistory: '21000', disputed: true })] });
    expect(disputed.score).toBe(score(base).score);
  });

  it('counts inquiries from 6 months to 30 days back, so a bank and an insurer reading the same week see the same score', () => {
    const day = 86_400_000;
    const at = (daysAgo: number) => new Date(now.getTime() - daysAgo * day);
    expect(score({ ...base, inquiryTimes: [at(1), at(2), at(29)] }).factors.find((f) => f.code === 'RECENT_INQUIRIES')!.value).toBe('0');
    expect(score({ ...base, inquiryTimes: [at(30), at(100), at(181)] }).factors.find((f) => f.code === 'RECENT_INQUIRIES')!.value).toBe(
      '2',
    );
  });
});
