import { describe, expect, it } from 'vitest';
import {
  accountStatusRule,
  ALERT_MESSAGES,
  ALERT_RULES,
  DEFAULT_THRESHOLDS,
  EARLY_DELINQUENT_STATUSES,
  fill,
  isInquiryBurst,
  isNewBorrowing,
  NOTICE_MESSAGES,
  publicRecordRule,
  SEVERE_STATUSES,
} from '../../src/modules/monitoring/rules.js';
import { SEED_PARAMETERS } from '../../src/modules/parameters/rules.js';

describe('alert rules', () => {
  it('grades each rule: RED enforcement and 90+ elsewhere, ORANGE delinquency and corrections, YELLOW inquiries and borrowing', () => {
    expect(ALERT_RULES).toEqual({
      COURT_ENFORCEMENT: 'RED',
      DPD_90_ELSEWHERE: 'RED',
      NEW_DELINQUENCY: 'ORANGE',
      RECORD_CORRECTED: 'ORANGE',
      INQUIRY_BURST: 'YELLOW',
      NEW_BORROWING: 'YELLOW',
    });
  });

  it('90 days past due or worse is severe; 30 and 60 are early delinquency', () => {
    expect(SEVERE_STATUSES.sort()).toEqual(
      ['CHARGED_OFF', 'CLAIM_PAID_BY_INSURER', 'DPD_120', 'DPD_150', 'DPD_180_PLUS', 'DPD_90', 'IN_COLLECTION'].sort(),
    );
    expect(EARLY_DELINQUENT_STATUSES.sort()).toEqual(['DPD_30', 'DPD_60']);
  });

  it.each([
    [null, 'DPD_90', 'DPD_90_ELSEWHERE'],
    ['CURRENT', 'DPD_90', 'DPD_90_ELSEWHERE'],
    ['DPD_60', 'DPD_90', 'DPD_90_ELSEWHERE'],
    ['DPD_60', 'CHARGED_OFF', 'DPD_90_ELSEWHERE'],
    ['DPD_90', 'DPD_120', null], // already reported severe: no second RED
    ['DPD_120', 'DPD_90', null], // getting better
    [null, 'DPD_30', 'NEW_DELINQUENCY'],
    ['CURRENT', 'DPD_30', 'NEW_DELINQUENCY'],
    ['PAID', 'DPD_60', 'NEW_DELINQUENCY'],
    ['DPD_30', 'DPD_60', null], // not new
    ['DPD_90', 'DPD_30', null],
    ['DPD_30', 'CURRENT', null],
    [null, 'CURRENT', null],
  ] as const)('%s → %s fires %s', (from, to, rule) => {
    expect(accountStatusRule(from, to)).toBe(rule);
  });

  it.each([
    ['DISHONEST_DEBTOR', 'ACTIVE', null, 'COURT_ENFORCEMENT'],
    ['COURT_ENFORCEMENT', 'ACTIVE', 'EXECUTED', 'COURT_ENFORCEMENT'],
    ['COURT_ENFORCEMENT', 'ACTIVE', 'ACTIVE', null],
    ['COURT_ENFORCEMENT', 'EXECUTED', null, null],
    ['COURT_JUDGMENT', 'ACTIVE', null, null],
    ['TAX_ARREARS', 'ACTIVE', null, null],
  ] as const)('public record %s %s (was %s) fires %s', (kind, status, was, rule) => {
    expect(publicRecordRule(kind, status, was)).toBe(rule);
  });

  it('thresholds at their boundaries (the seed version’s)', () => {
    const t = SEED_PARAMETERS.monitoring;
    expect(t).toEqual(DEFAULT_THRESHOLDS);
    expect(isInquiryBurst(2, t)).toBe(false);
    expect(isInquiryBurst(3, t)).toBe(true);
    expect(isNewBorrowing('LOAN', '99999.99', t)).toBe(false);
    expect(isNewBorrowing('LOAN', '100000.00', t)).toBe(true);
    expect(isNewBorrowing('GUARANTEE', '500000.00', t)).toBe(false);
  });

  it('messages are plain Chinese with every slot filled, and name no one', () => {
    const msg = fill(ALERT_MESSAGES.DPD_90_ELSEWHERE, { kind: '贷款', accountRef: 'X-1', status: '逾期 90 天以上' });
    expect(msg).toBe('红色预警：其他机构报送该借款人的贷款账户 X-1 状态为“逾期 90 天以上”（逾期 90 天以上或更差）。');
    for (const m of [...Object.values(ALERT_MESSAGES), ...Object.values(NOTICE_MESSAGES)]) {
      expect(fill(m, new Proxy({}, { get: () => 'v' }))).not.toMatch(/[{}]/);
      expect(m).toMatch(/[\u4e00-\u9fff]/);
    }
  });
});
