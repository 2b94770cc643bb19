import { describe as group, expect, it } from 'vitest';
import { CORRECTION_EVENTS, describe, REQUOTE_EVENTS } from '../../src/modules/monitoring/corrections.js';

const base = {
  id: 'e1',
  borrower_id: 'b1',
  record_id: 'r1',
  actor_institution_id: 'bank-1',
  occurred_at: '2026-06-17T02:00:00+00:00',
  account_ref: null,
  account_kind: null,
  account_furnisher: null,
  account_created_at: null,
  held_until: null,
  case_number: null,
  record_kind: null,
  authority_id: null,
  record_created_at: null,
};
const account = { ...base, account_ref: 'F-1', account_kind: 'LOAN', account_furnisher: 'bank-1' };

group('RECORD_CORRECTED: what the alert says', () => {
  it('names the account, each changed month, the status and the balance, and who corrected it', () => {
    const r = describe({
      ...account,
      type: 'credit.account.corrected',
      payload: {
        disputeId: 'd1',
        from: { status: 'DPD_30', balance: '500.00' },
        to: { status: 'CURRENT', balance: '0.00' },
        months: [{ month: '2026-05-01', from: 'DPD_30', to: 'CURRENT' }],
      },
    });
    expect(r.message).toBe(
      '贵机构近 12 个月内查询过该借款人的信用报告，其中的贷款账户 F-1已更正（借款人异议处理结果）：状态由“逾期 30 天以上”改为“正常”；' +
        '余额由 500.00 元改为 0.00 元；2026-05 的还款状态由“逾期 30 天以上”改为“正常”。请复核依据原记录作出的决定。',
    );
    expect(r.detail).toMatchObject({
      recordType: 'ACCOUNT',
      change: 'CORRECTED',
      source: 'DISPUTE',
      disputeId: 'd1',
      recordId: 'r1',
      furnisherId: 'bank-1',
    });
  });

  it('a furnisher’s own correction and a deletion say so; a month removed reads 未报送', () => {
    const own = describe({
      ...account,
      type: 'credit.account.corrected',
      payload: {
        source: 'FURNISHER',
        reason: 'x',
        from: { status: 'CURRENT', balance: '1.00' },
        to: { status: 'CURRENT', balance: '1.00' },
        months: [{ month: '2026-01-01', from: 'CURRENT', to: null }],
      },
    });
    expect(own.message).toContain('（报送机构更正）：2026-01 的还款状态由“正常”改为“未报送”');
    expect(own.detail).toMatchObject({ source: 'FURNISHER', disputeId: null });
    expect(own.detail).not.toHaveProperty('reason');
    const gone = describe({ ...account, type: 'credit.account.deleted', payload: { disputeId: 'd2' } });
    expect(gone.message).toContain('贷款账户 F-1已被删除（借款人异议处理结果）');
  });

  it('an identity correction names the fields, never their values', () => {
    const r = describe({
      ...base,
      type: 'borrower.identity.corrected',
      payload: { disputeId: 'd3', from: { name: '张三', county: '张北县' }, to: { name: '张叁', county: '康保县' } },
    });
    expect(r.message).toContain('身份信息（名称、所在县）已更正');
    expect(JSON.stringify(r)).not.toMatch(/张三|张叁|张北县|康保县/);
    expect(r.detail).toMatchObject({ fields: ['name', 'county'] });
  });

  it('covers the corrections and deletions of every record kind; a deleted inquiry re-quotes but alerts nobody', () => {
    expect(Object.keys(CORRECTION_EVENTS).sort()).toEqual([
      'borrower.identity.corrected',
      'credit.account.corrected',
      'credit.account.deleted',
      'public_record.corrected',
      'public_record.deleted',
    ]);
    expect(REQUOTE_EVENTS.has('credit.inquiry.deleted')).toBe(true);
    expect('credit.inquiry.deleted' in CORRECTION_EVENTS).toBe(false);
  });
});
