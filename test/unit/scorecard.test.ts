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
  type ScoredInquiry,
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
const base = { accounts: [], inquiries: [], registeredOn: '2025-01-10', programmeHistory: { repaid: 0, defaulted: 0 }, now };
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

  const day = 86_400_000;
  const at = (daysAgo: number) => new Date(now.getTime() - daysAgo * day);
  const hard = (daysAgo: number, institutionId = 'bank-a', purpose: ScoredInquiry['purpose'] = 'LOAN_APPLICATION'): ScoredInquiry => ({
    institutionId,
    purpose,
    inquiredAt: at(daysAgo),
  });
  const inquiriesSeen = (inquiries: ScoredInquiry[]) =>
    score({ ...base, inquiries }).factors.find((f) => f.code === 'RECENT_INQUIRIES')!.value;

  it('counts inquiries from 6 months to 30 days back, so a bank and an insurer reading the same week see the same score', () => {
    expect(inquiriesSeen([hard(1), hard(2), hard(29)])).toBe('0');
    expect(inquiriesSeen([hard(30), hard(100), hard(181)])).toBe('2');
  });

  it('counts hard inquiries only: post-loan, post-insurance and own reads never move the score', () => {
    const soft: ScoredInquiry[] = [
      ...[40, 41, 42, 43, 44, 45, 46].map((d) => hard(d, 'bank-a', 'POST_LOAN_MANAGEMENT')),
      hard(50, 'insurer-a', 'POST_INSURANCE_MANAGEMENT'),
      { institutionId: null, purpose: 'SELF_ACCESS', inquiredAt: at(60) },
    ];
    expect(inquiriesSeen(soft)).toBe('0');
    expect(score({ ...base, inquiries: soft })).toEqual(score(base));
    // underwriting and guarantee eligibility are hard
    expect(inquiriesSeen([hard(40, 'insurer-a', 'UNDERWRITING'), hard(40, 'guarantor', 'GUARANTEE_ELIGIBILITY')])).toBe('2');
  });

  it('counts one institution’s reads for one purpose on one business day once; an inquiry under dispute is left out', () => {
    const sameDay = [hard(40), { ...hard(40), inquiredAt: new Date(at(40).getTime() + 3_600_000) }, hard(40)];
    expect(inquiriesSeen(sameDay)).toBe('1');
    expect(inquiriesSeen([hard(40), hard(41)])).toBe('2'); // two days
    expect(inquiriesSeen([hard(40), hard(40, 'bank-b')])).toBe('2'); // two institutions
    expect(inquiriesSeen([hard(40), hard(40, 'bank-a', 'GUARANTEE_ELIGIBILITY')])).toBe('2'); // two purposes
    expect(inquiriesSeen([hard(40), { ...hard(41), disputed: true }])).toBe('1');
  });

  it('ignores legacy court-listing accounts', () => {
    const listing = acc({ kind: 'COURT_LISTING', status: 'IN_COLLECTION', paymentHistory: 'C' });
    expect(score({ ...base, accounts: [listing] })).toEqual(score(base));
  });

  it('explains every factor in plain Chinese', () => {
    const s = score({ ...base, accounts: [acc({ status: 'DPD_60', paymentHistory: '21000' })], inquiries: [hard(40)] });
    const words = Object.fromEntries(s.factors.map((f) => [f.code, f.explanation]));
    expect(words.DELINQUENCY_24M).toBe('近 24 个月最严重的一次记录是“逾期 60 天以上”，扣 5 分。');
    expect(words.CURRENT_OVERDUE).toBe('目前有 1 个账户逾期，扣 20 分。');
    expect(words.UTILISATION).toBe('未结清贷款的余额占原贷款金额的 50%，加 5 分。');
    expect(words.RECENT_INQUIRIES).toMatch(/^近 6 个月（不含最近 30 天）有 1 次.*加 5 分。$/);
    expect(words.RECENT_INQUIRIES).toMatch(/贷后管理、保后管理和本人查询从不计入/);
    expect(words.YEARS_IN_BUSINESS).toBe('已经营 1 年，加 5 分。');
    expect(words.PROGRAMME_HISTORY).toBe('在本项目中已还清 0 笔贷款、违约 0 笔，不加分也不扣分。');
  });
});
