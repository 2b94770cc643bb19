import { describe, expect, it } from 'vitest';
import { SEED_PARAMETERS as P } from '../../src/modules/parameters/rules.js';
import type { Reason } from '../../src/modules/underwriting/eligibility.js';
import { completeFactor, completeReason, decisionSummary, explainPrice, keyFactors } from '../../src/modules/underwriting/explain.js';
import { applyOverrides } from '../../src/modules/underwriting/overrides.js';
import { price } from '../../src/modules/underwriting/pricing.js';

const reason = (code: Reason['code'], overridable: boolean, restsOn: string[] = []): Reason => ({
  code,
  message: code,
  explanation: code,
  overridable,
  restsOn,
});
const thrown = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return e as { code: string; message: string; extensions: Record<string, unknown> };
  }
  throw new Error('did not throw');
};

describe('human review overrides', () => {
  it('sets aside failing reasons that rest on disputed or unverifiable records, each with its justification', () => {
    const failing = [reason('CURRENTLY_OVERDUE', true, ['acc-1']), reason('DISHONEST_DEBTOR_LISTED', true, ['pr-1'])];
    expect(
      applyOverrides(failing, [
        { code: 'DISHONEST_DEBTOR_LISTED', justification: '法院已撤销' },
        { code: 'CURRENTLY_OVERDUE', justification: '无法核实' },
      ]),
    ).toEqual([
      { code: 'CURRENTLY_OVERDUE', justification: '无法核实', restsOn: ['acc-1'] },
      { code: 'DISHONEST_DEBTOR_LISTED', justification: '法院已撤销', restsOn: ['pr-1'] },
    ]);
    expect(applyOverrides([], [])).toEqual([]);
  });

  it('never sets aside a hard limit: CONFLICT naming it, whether asked or merely failing', () => {
    for (const code of ['OVER_CATEGORY_CAP', 'RATE_ABOVE_CEILING', 'FINANCING_COST_AT_OR_ABOVE_CEILING', 'TERM_NOT_OFFERED'] as const) {
      const e = thrown(() => applyOverrides([reason(code, false)], [{ code, justification: 'x' }]));
      expect(e).toMatchObject({ code: 'CONFLICT', extensions: expect.objectContaining({ reasons: [code] }) });
      expect(e.message).toContain(code);
    }
    const e = thrown(() =>
      applyOverrides(
        [reason('OVER_CATEGORY_CAP', false), reason('CURRENTLY_OVERDUE', true)],
        [{ code: 'CURRENTLY_OVERDUE', justification: 'x' }],
      ),
    );
    expect(e).toMatchObject({ code: 'CONFLICT' });
    expect(e.message).toMatch(/OVER_CATEGORY_CAP is a programme hard limit/);
  });

  it('refuses a data reason whose records are neither disputed nor unverifiable, a missing override, and a stray one', () => {
    expect(
      thrown(() => applyOverrides([reason('CURRENTLY_OVERDUE', false, ['a'])], [{ code: 'CURRENTLY_OVERDUE', justification: 'x' }])),
    ).toMatchObject({
      code: 'CONFLICT',
      message: expect.stringContaining('CURRENTLY_OVERDUE'),
    });
    expect(thrown(() => applyOverrides([reason('CURRENTLY_OVERDUE', true, ['a'])], []))).toMatchObject({
      code: 'BAD_USER_INPUT',
      message: expect.stringContaining('CURRENTLY_OVERDUE still fails'),
    });
    expect(thrown(() => applyOverrides([], [{ code: 'CHARGED_OFF_IN_RETENTION_WINDOW', justification: 'x' }]))).toMatchObject({
      code: 'BAD_USER_INPUT',
    });
    const twice = { code: 'CURRENTLY_OVERDUE' as const, justification: 'x' };
    expect(thrown(() => applyOverrides([reason('CURRENTLY_OVERDUE', true)], [twice, twice]))).toMatchObject({ code: 'BAD_USER_INPUT' });
  });
});

describe('explanations', () => {
  it('completes a reason stored before explanations existed; a hard limit stays non-overridable whatever was stored', () => {
    const old = completeReason({ code: 'OVER_CATEGORY_CAP' as const, message: 'm', limit: '200000.00', actual: '300000.00' });
    expect(old).toMatchObject({ overridable: false, restsOn: [] });
    expect(old.explanation).toContain('200000.00');
    expect(completeReason({ code: 'RATE_ABOVE_CEILING' as const, message: 'm', overridable: true }).overridable).toBe(false);
    expect(completeReason({ code: 'CURRENTLY_OVERDUE' as const, message: 'm', actual: '2' }).explanation).toBe(
      '您的信用记录中有 2 个账户目前处于逾期状态。如果您认为记录有误，可以对该记录提出异议。',
    );
    expect(completeFactor({ code: 'YEARS_IN_BUSINESS' as const, points: 8, value: '3' }).explanation).toBe('已经营 3 年，加 8 分。');
  });

  it('orders key factors by the size of their effect, ties in scorecard order', () => {
    const f = keyFactors([
      { code: 'DELINQUENCY_24M', points: 5, value: 'NO_HISTORY' },
      { code: 'CURRENT_OVERDUE', points: -20, value: '1' },
      { code: 'RECENT_INQUIRIES', points: 10, value: '0' },
      { code: 'YEARS_IN_BUSINESS', points: -10 as number, value: '0' },
    ]);
    expect(f.map((x) => x.code)).toEqual(['CURRENT_OVERDUE', 'RECENT_INQUIRIES', 'YEARS_IN_BUSINESS', 'DELINQUENCY_24M']);
    expect(f[0].explanation).toBe('目前有 1 个账户逾期，扣 20 分。');
  });

  it('explains the price: grade → premium rate, subsidy, the borrower’s part', () => {
    const pr = price(P, {
      amount: '300000.00',
      termYears: 1,
      interestRate: '0.078',
      repaymentMethod: 'INTEREST_ONLY_BULLET',
      grade: 'C',
      date: '2014-06-15',
    });
    const text = explainPrice(pr, 'C', 1, P);
    expect(text).toContain('信用等级为 C');
    expect(text).toContain('2.30%');
    expect(text).toContain('等级系数 1.00');
    expect(text).toContain('财政补贴 3900.00 元');
    expect(text).toContain('您自己承担 3000.00 元');
    expect(text).toContain('年化综合融资成本为 8.85%');
    const four = price(P, {
      amount: '300000.00',
      termYears: 4,
      interestRate: '0.07',
      repaymentMethod: 'INTEREST_ONLY_BULLET',
      grade: 'C',
      date: '2014-06-15',
    });
    expect(explainPrice(four, 'C', 4)).toBe('项目不提供 4 年期的贷款，因此没有保费报价。');
  });

  it('sums a decision up in one sentence', () => {
    const base = {
      reviewerRole: 'BANK',
      institutionName: '塞北农村商业银行',
      amount: '300000.00',
      termYears: 1,
      grade: 'E',
      score: 40,
      overrides: [],
      humanReviewId: null,
      current: true,
    };
    const declined = decisionSummary({
      ...base,
      decision: 'DECLINE',
      eligible: false,
      reasons: [{ code: 'CURRENTLY_OVERDUE', overridable: true }],
    });
    expect(declined).toMatch(/^塞北农村商业银行（银行）拒绝了您 300000.00 元、1 年期的贷款申请，因为有 1 项项目规则未通过/);
    expect(declined).toMatch(/可以申请人工复核/);
    const approved = decisionSummary({
      ...base,
      decision: 'APPROVE',
      eligible: false,
      reasons: [{ code: 'CURRENTLY_OVERDUE', overridable: true }],
      overrides: [{ code: 'CURRENTLY_OVERDUE' }],
      humanReviewId: 'hr-1',
    });
    expect(approved).toMatch(/经人工复核后批准了/);
    expect(decisionSummary({ ...base, decision: 'DECLINE', eligible: true, reasons: [], current: false })).toMatch(
      /已被人工复核后的新决定取代/,
    );
  });
});
