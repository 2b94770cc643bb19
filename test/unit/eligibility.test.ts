import { describe, expect, it } from 'vitest';
import { SEED_PARAMETERS as P } from '../../src/modules/parameters/rules.js';
import { eligibility, type EligibilityInput } from '../../src/modules/underwriting/eligibility.js';
import { price } from '../../src/modules/underwriting/pricing.js';

const today = '2014-06-15';
function input(
  over: Partial<EligibilityInput> & { amount?: string; rate?: string; termYears?: number; grade?: 'A' | 'C' | 'E' } = {},
): EligibilityInput {
  const request = { amount: over.amount ?? '300000.00', termYears: over.termYears ?? 1, interestRate: over.rate ?? '0.078' };
  return {
    category: 'STARTUP_MICRO_ENTERPRISE',
    registeredOn: '2013-01-01',
    accounts: [],
    publicRecords: [],
    programmeExposure: '0.00',
    request,
    price: price(P, { ...request, repaymentMethod: 'INTEREST_ONLY_BULLET', grade: over.grade ?? 'C', date: today }),
    params: P,
    today,
    ...over,
  };
}
const codes = (i: EligibilityInput) => eligibility(i).reasons.map((r) => r.code);

describe('eligibility', () => {
  it('accepts the seed case', () => {
    expect(eligibility(input())).toEqual({ eligible: true, reasons: [] });
  });

  it('category cap: 299,999.99 and 300,000.00 pass, 300,000.01 fails', () => {
    expect(codes(input({ amount: '299999.99' }))).toEqual([]);
    expect(codes(input({ amount: '300000.00' }))).toEqual([]);
    expect(codes(input({ amount: '300000.01' }))).toEqual(['OVER_CATEGORY_CAP']);
  });

  it('counts the borrower’s other open programme loans against the cap', () => {
    expect(codes(input({ amount: '100000.00', programmeExposure: '200000.00' }))).toEqual([]);
    const r = eligibility(input({ amount: '100000.00', programmeExposure: '200000.01' })).reasons[0];
    expect(r).toMatchObject({ code: 'OVER_CATEGORY_CAP', limit: '300000.00', actual: '300000.01' });
  });

  it('uses each category’s own cap', () => {
    expect(codes(input({ category: 'RURAL_HOUSEHOLD', amount: '200000.00' }))).toEqual([]);
    expect(codes(input({ category: 'RURAL_HOUSEHOLD', amount: '200000.01' }))).toEqual(['OVER_CATEGORY_CAP']);
    expect(codes(input({ category: 'INDIVIDUAL_ENTREPRENEUR', amount: '100000.01' }))).toEqual(['OVER_CATEGORY_CAP']);
  });

  it('rate ceiling: 7.80% passes, 7.81% fails', () => {
    expect(codes(input({ rate: '0.0779' }))).toEqual([]);
    expect(codes(input({ rate: '0.078' }))).toEqual([]);
    expect(codes(input({ rate: '0.0781' }))).toEqual(['RATE_ABOVE_CEILING']);
  });

  it('financing cost must stay strictly below 10%: 9.9999…% passes, exactly 10.00% fails', () => {
    // grade C at 7.8%: 8.80%. At 9.00% interest the borrower's 1.00% premium makes exactly 10.00%.
    expect(codes(input({ rate: '0.0899' }))).toEqual(['RATE_ABOVE_CEILING']);
    const noCeiling = { ...P, rateCeilingMultiplier: '2.00' };
    const at = (rate: string) => {
      const i = input({ rate });
      const pr = price(noCeiling, { ...i.request, repaymentMethod: 'INTEREST_ONLY_BULLET', grade: 'C', date: today });
      return { codes: codes({ ...i, params: noCeiling, price: pr }), cost: pr.financingCostRate };
    };
    expect(at('0.0899')).toEqual({ codes: [], cost: '0.0999' });
    expect(at('0.09')).toEqual({ codes: ['FINANCING_COST_AT_OR_ABOVE_CEILING'], cost: '0.1' });
    // a worse grade pays more premium: grade E at 7.8% costs 7.8% + 2.15% = 9.95%, still under
    expect(codes(input({ grade: 'E' }))).toEqual([]);
  });

  it('start-up phase: registered 3 years ago less a day passes, exactly 3 years fails; rural households are exempt', () => {
    expect(codes(input({ registeredOn: '2011-06-16' }))).toEqual([]);
    expect(codes(input({ registeredOn: '2011-06-15' }))).toEqual(['NOT_IN_STARTUP_PHASE']);
    expect(codes(input({ registeredOn: '2001-01-01', category: 'RURAL_HOUSEHOLD', amount: '100000.00' }))).toEqual([]);
  });

  it('current overdue, charged off; disputed records are not held against the borrower', () => {
    const acc = (status: any, kind: any = 'LOAN', closedOn: string | null = null, disputed = false) => ({
      id: `acc-${status}`,
      kind,
      status,
      closedOn,
      disputed,
    });
    expect(codes(input({ accounts: [acc('DPD_30')] }))).toEqual(['CURRENTLY_OVERDUE']);
    expect(codes(input({ accounts: [acc('DPD_30', 'LOAN', null, true)] }))).toEqual([]);
    expect(codes(input({ accounts: [acc('CURRENT')] }))).toEqual([]);
    expect(codes(input({ accounts: [acc('CHARGED_OFF', 'LOAN', '2013-01-01')] }))).toEqual(['CHARGED_OFF_IN_RETENTION_WINDOW']);
    expect(codes(input({ accounts: [acc('CLAIM_PAID_BY_INSURER', 'LOAN', '2013-01-01')] }))).toEqual(['CHARGED_OFF_IN_RETENTION_WINDOW']);
  });

  it('takes the dishonest-debtor listing only from an ACTIVE court public record, never from a furnished account', () => {
    const pr = (status: any, kind: any = 'DISHONEST_DEBTOR', disputed = false, unverifiable = false) => ({
      id: `pr-${kind}-${status}`,
      kind,
      status,
      disputed,
      unverifiable,
    });
    // a legacy COURT_LISTING account (a bank could furnish one) is ignored
    expect(
      codes(input({ accounts: [{ id: 'cl', kind: 'COURT_LISTING', status: 'IN_COLLECTION', closedOn: null, disputed: false }] })),
    ).toEqual([]);
    const listed = eligibility(input({ publicRecords: [pr('ACTIVE')] })).reasons;
    expect(listed).toEqual([
      expect.objectContaining({
        code: 'DISHONEST_DEBTOR_LISTED',
        actual: '1',
        restsOn: ['pr-DISHONEST_DEBTOR-ACTIVE'],
        overridable: false,
      }),
    ]);
    expect(listed[0].explanation).toMatch(/失信被执行人/);
    expect(codes(input({ publicRecords: [pr('EXECUTED')] }))).toEqual([]);
    expect(codes(input({ publicRecords: [pr('REVOKED')] }))).toEqual([]);
    expect(codes(input({ publicRecords: [pr('ACTIVE', 'COURT_JUDGMENT'), pr('ACTIVE', 'TAX_ARREARS')] }))).toEqual([]);
    // a disputed listing still counts (the court decided it), but a person may set it aside
    expect(eligibility(input({ publicRecords: [pr('ACTIVE', 'DISHONEST_DEBTOR', true)] })).reasons[0]).toMatchObject({ overridable: true });
  });

  it('explains every reason in Chinese; hard limits are never overridable', () => {
    const r = [
      ...eligibility(input({ amount: '300000.01', rate: '0.0781', registeredOn: '2000-01-01' })).reasons,
      ...eligibility(input({ termYears: 4 })).reasons,
    ];
    expect(r.map((x) => x.code)).toEqual(['OVER_CATEGORY_CAP', 'RATE_ABOVE_CEILING', 'NOT_IN_STARTUP_PHASE', 'TERM_NOT_OFFERED']);
    for (const x of r) {
      expect(x).toMatchObject({ overridable: false, restsOn: [] });
      expect(x.explanation).toMatch(/[\u4e00-\u9fff]/);
      expect(x.explanation).toMatch(/硬性规定/);
    }
    expect(r[0].explanation).toContain('300000.01');
    expect(r[0].explanation).toContain('300000.00');
    expect(r[1].explanation).toContain('7.81%');
    expect(r[3]).toMatchObject({ limit: '1, 2, 3, 5', actual: '4' });
  });

  it('a data reason is overridable only when every record it rests on is disputed or unverifiable', () => {
    const acc = (id: string, unverifiable: boolean) => ({
      id,
      kind: 'LOAN' as const,
      status: 'DPD_60' as const,
      closedOn: null,
      disputed: false,
      unverifiable,
    });
    const one = eligibility(input({ accounts: [acc('a1', true)] })).reasons[0];
    expect(one).toMatchObject({ code: 'CURRENTLY_OVERDUE', overridable: true, restsOn: ['a1'] });
    expect(one.explanation).toMatch(/人工复核/);
    const mixed = eligibility(input({ accounts: [acc('a1', true), acc('a2', false)] })).reasons[0];
    expect(mixed).toMatchObject({ code: 'CURRENTLY_OVERDUE', overridable: false, restsOn: ['a1', 'a2'], actual: '2' });
  });

  it('term must be offered', () => {
    const i = input({ termYears: 4 });
    expect(codes(i)).toEqual(['TERM_NOT_OFFERED']);
    expect(codes(input({ termYears: 5, rate: '0.0832' }))).toEqual([]); // 5-year band 6.40% × 1.3
  });

  it('reports every failing reason, not only the first', () => {
    const r = eligibility(
      input({
        amount: '300000.01',
        rate: '0.0901',
        registeredOn: '2000-01-01',
        accounts: [
          { id: 'a1', kind: 'LOAN', status: 'DPD_60', closedOn: null, disputed: false },
          { id: 'a2', kind: 'LOAN', status: 'CHARGED_OFF', closedOn: '2013-05-01', disputed: false },
        ],
        publicRecords: [{ id: 'p1', kind: 'DISHONEST_DEBTOR', status: 'ACTIVE', disputed: false }],
      }),
    );
    expect(r.eligible).toBe(false);
    expect(r.reasons.map((x) => x.code)).toEqual([
      'OVER_CATEGORY_CAP',
      'RATE_ABOVE_CEILING',
      'FINANCING_COST_AT_OR_ABOVE_CEILING',
      'NOT_IN_STARTUP_PHASE',
      'CURRENTLY_OVERDUE',
      'CHARGED_OFF_IN_RETENTION_WINDOW',
      'DISHONEST_DEBTOR_LISTED',
    ]);
  });
});
