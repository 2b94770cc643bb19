import { describe, expect, it } from 'vitest';
import { planExtension, statutoryExtensionLimit, type ExtensionInput } from '../../src/modules/lending/extension.js';
import { extensionPolicy, loanPolicy } from '../../src/modules/lending/policy.js';
import { exactInterest, generateSchedule, totalInterest, totalPrincipal } from '../../src/modules/lending/schedule.js';
import { SEED_PARAMETERS as P, type ProgrammeParameters, type RepaymentMethod } from '../../src/modules/parameters/rules.js';
import { annualPremiumRate, premiumSchedule } from '../../src/modules/underwriting/pricing.js';
import { addYears } from '../../src/time.js';
import { actors } from './policies/actors.js';
import { policyTable } from './policies/table.js';

/**
 * A loan disbursed on `disbursedOn`, its instalments due on or before `paidThrough` paid, its
 * policy's year 1 charged (grade C), the later years scheduled, asked to extend on `today`.
 */
function input(o: {
  termYears: number;
  extraMonths: number;
  rate?: string;
  newRate?: string;
  method?: RepaymentMethod;
  principal?: string;
  disbursedOn?: string;
  paidThrough?: string;
  today?: string;
  params?: ProgrammeParameters;
  premiumRate?: string;
  exposure?: string;
}): ExtensionInput {
  const params = o.params ?? P;
  const disbursedOn = o.disbursedOn ?? '2026-01-15';
  const principal = o.principal ?? '100000.00';
  const rate = o.rate ?? '0.05';
  const method = o.method ?? 'INTEREST_ONLY_BULLET';
  const today = o.today ?? '2026-06-20';
  const paidThrough = o.paidThrough ?? today;
  const s = generateSchedule({ principal, annualRate: rate, termYears: o.termYears, method, disbursedOn });
  const premiumRate = o.premiumRate ?? annualPremiumRate(params, 'C', Math.min(o.termYears, 5))?.toString() ?? '0.023';
  const years = premiumSchedule(params, { rate: premiumRate, principal, schedule: s, startsOn: disbursedOn }).map((y) => ({
    ...y,
    status: y.year === 1 ? 'CHARGED' : 'SCHEDULED',
  }));
  return {
    params,
    loan: {
      principal,
      termYears: o.termYears,
      interestRate: rate,
      repaymentMethod: method,
      disbursedOn,
      maturityOn: addYears(disbursedOn, o.termYears),
      dayCount: 'PBOC_30_360',
    },
    schedule: s.map((i) =>
      i.dueOn <= paidThrough
        ? { ...i, principalPaid: i.principalDue, interestPaid: i.interestDue }
        : { ...i, principalPaid: '0.00', interestPaid: '0.00' },
    ),
    policy: { premiumRate, premiumPayment: 'ANNUAL', years },
    extraMonths: o.extraMonths,
    interestRate: o.newRate,
    today,
    category: 'STARTUP_MICRO_ENTERPRISE',
    exposure: o.exposure ?? principal,
  };
}
const codes = (i: ExtensionInput) => planExtension(i).reasons.map((r) => r.code);
/** Terms up to 10 years, to reach 贷款通则's long-term rule (the seed offers at most 5). */
const LONG: ProgrammeParameters = { ...P, terms: [...P.terms, { years: 6, premiumFactor: '1.20' }, { years: 10, premiumFactor: '1.20' }] };

describe('贷款通则 Art 12: how long a loan may be extended', () => {
  it('short-term (≤ 1 year) by its term, medium-term (1–5 years) by half, long-term (over 5 years) by 3 years', () => {
    expect([6, 12, 24, 36, 60, 72, 120].map(statutoryExtensionLimit)).toEqual([6, 12, 12, 18, 30, 36, 36]);
  });

  it('a 1-year loan: 12 months pass, 13 fail', () => {
    expect(codes(input({ termYears: 1, extraMonths: 12 }))).toEqual([]);
    const r = planExtension(input({ termYears: 1, extraMonths: 13 })).reasons;
    expect(r).toEqual([
      {
        code: 'EXTENSION_OVER_STATUTORY_LIMIT',
        message: 'a 1-year loan may be extended by at most 12 months (贷款通则 Art 12); asked 13',
        limit: '12',
        actual: '13',
      },
    ]);
  });

  it('a 2-year loan: 12 months pass, 13 fail', () => {
    expect(codes(input({ termYears: 2, extraMonths: 12 }))).toEqual([]);
    expect(codes(input({ termYears: 2, extraMonths: 13 }))).toEqual(['EXTENSION_OVER_STATUTORY_LIMIT']);
  });

  it('a 3-year loan: 18 months pass, 19 fail', () => {
    expect(codes(input({ termYears: 3, extraMonths: 18, rate: '0.06' }))).toEqual([]);
    expect(codes(input({ termYears: 3, extraMonths: 19, rate: '0.06' }))).toEqual(['EXTENSION_OVER_STATUTORY_LIMIT']);
  });

  it('a 5-year loan: half its term (30 months) by law, but the seed programme offers no term beyond 5 years', () => {
    const r = planExtension(input({ termYears: 5, extraMonths: 1, rate: '0.06' })).reasons;
    expect(r).toEqual([
      {
        code: 'EXTENSION_OVER_PROGRAMME_TERM',
        message: "the new term of 61 months would exceed the programme's longest term of 60 months",
        limit: '60',
        actual: '61',
      },
    ]);
    expect(codes(input({ termYears: 5, extraMonths: 31, rate: '0.06' }))).toEqual([
      'EXTENSION_OVER_STATUTORY_LIMIT',
      'EXTENSION_OVER_PROGRAMME_TERM',
    ]);
    // a programme offering 10 years: the statute alone binds
    expect(codes(input({ termYears: 5, extraMonths: 30, rate: '0.06', params: LONG }))).toEqual([]);
    expect(codes(input({ termYears: 5, extraMonths: 31, rate: '0.06', params: LONG }))).toEqual(['EXTENSION_OVER_STATUTORY_LIMIT']);
  });

  it('a 6-year (long-term) loan: 36 months pass, 37 fail', () => {
    expect(codes(input({ termYears: 6, extraMonths: 36, rate: '0.06', params: LONG }))).toEqual([]);
    expect(codes(input({ termYears: 6, extraMonths: 37, rate: '0.06', params: LONG }))).toEqual(['EXTENSION_OVER_STATUTORY_LIMIT']);
  });
});

describe('the rate ceiling of the new term’s band', () => {
  it('a 1-year loan extended 6 months is an 18-month loan: the 1–5-year band (4.75% × 1.30 = 6.175% from 2015-10-24)', () => {
    const plan = planExtension(input({ termYears: 1, extraMonths: 6, newRate: '0.06175' }));
    expect([plan.totalMonths, plan.bandYears, plan.rateCeiling, plan.interestRate]).toEqual([18, 2, '0.06175', '0.06175']);
    // above the 1-year ceiling (4.35% × 1.30 = 5.655%), allowed in the new band
    expect(plan.reasons).toEqual([]);
    expect(planExtension(input({ termYears: 1, extraMonths: 6, newRate: '0.061751' })).reasons).toEqual([
      {
        code: 'RATE_ABOVE_CEILING',
        message: 'interest rate 0.061751 is above the ceiling 0.06175 for a 2-year term on 2026-06-20',
        limit: '0.06175',
        actual: '0.061751',
      },
    ]);
  });

  it('in 2014 the bands differ: a 3-year loan extended 6 months (42 months, 4 years) takes the 3–5-year band, 6.40% × 1.30', () => {
    const at = { disbursedOn: '2014-01-15', today: '2014-06-20', termYears: 3, extraMonths: 6, rate: '0.0799' };
    const plan = planExtension(input({ ...at, newRate: '0.0832' }));
    expect([plan.bandYears, plan.rateCeiling, plan.reasons]).toEqual([4, '0.0832', []]);
    expect(codes(input({ ...at, newRate: '0.083201' }))).toEqual(['RATE_ABOVE_CEILING']);
    // a 2-year loan extended 12 months is a 3-year loan: 6.15% × 1.30 = 7.995%
    const two = planExtension(input({ ...at, termYears: 2, extraMonths: 12, newRate: '0.08' }));
    expect([two.bandYears, two.rateCeiling, two.reasons.map((r) => r.code)]).toEqual([3, '0.07995', ['RATE_ABOVE_CEILING']]);
  });

  it('the loan’s own rate is the default', () => {
    expect(planExtension(input({ termYears: 1, extraMonths: 6, rate: '0.055' })).interestRate).toBe('0.055');
  });

  it('no benchmark in force on the day: refused', () => {
    expect(codes(input({ disbursedOn: '2012-01-15', today: '2012-06-20', termYears: 1, extraMonths: 6 }))).toEqual(['NO_BENCHMARK_RATE']);
  });
});

describe('the new schedule and the endorsement', () => {
  // 100,000.00 over 1 year, equal instalments at 5% (8,560.75 a month), disbursed 2026-01-15,
  // instalments 1–5 paid; extended on 2026-06-20 by 6 months.
  const i = input({ termYears: 1, extraMonths: 6, method: 'EQUAL_INSTALMENTS' });
  const plan = planExtension(i);

  it('replaces the instalments not yet due (6–12) by 13 months from the last due date, numbered on', () => {
    expect([plan.fromSeq, plan.startsOn, plan.months, plan.oldMaturityOn, plan.newMaturityOn]).toEqual([
      6,
      '2026-06-15',
      13,
      '2027-01-15',
      '2027-07-15',
    ]);
    expect(plan.schedule.map((s) => s.seq)).toEqual([6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18]);
    // the principal still owed by instalments 6–12, exactly
    expect(plan.balance).toBe('58938.83');
    expect(totalPrincipal(plan.schedule).toFixed(2)).toBe('58938.83');
    expect(totalInterest(plan.schedule).toFixed(2)).toBe('1733.34');
    expect(exactInterest(plan.schedule, { principal: plan.balance, annualRate: '0.05', disbursedOn: plan.startsOn }).toFixed(2)).toBe(
      '1733.34',
    );
    expect(plan.schedule[0]).toEqual({ seq: 6, dueOn: '2026-07-15', principalDue: '4421.51', interestDue: '245.58' });
    expect(plan.schedule.at(-1)).toEqual({ seq: 18, dueOn: '2027-07-15', principalDue: '4647.73', interestDue: '19.36' });
  });

  it('endorses the policy: year 1 (charged) kept, a year 2 of 6 months on the balance at its start', () => {
    expect(plan.premiumsBefore).toEqual([
      {
        year: 1,
        startsOn: '2026-01-15',
        months: 12,
        insuredBalance: '100000.00',
        premium: '2300.00',
        subsidy: '1300.00',
        borrowerPremium: '1000.00',
      },
    ]);
    // year 2's balance: instalments 13–18's principal, 27,598.67; premium 27,598.67 × 2.3% × 6/12
    // = 317.384705 → 317.38; subsidy × 1.3% × 6/12 = 179.391355 → 179.39; the borrower 137.99
    expect(plan.premiumsAfter).toEqual([
      { ...plan.premiumsBefore[0], charged: true },
      {
        year: 2,
        startsOn: '2027-01-15',
        months: 6,
        insuredBalance: '27598.67',
        premium: '317.38',
        subsidy: '179.39',
        borrowerPremium: '137.99',
        charged: false,
      },
    ]);
    expect(plan.additionalPremium).toBe('317.38');
  });

  it('a charged year is kept as charged even if the new schedule would price it otherwise', () => {
    const charged = { ...i, policy: { ...i.policy, years: [{ ...i.policy.years[0], premium: '2000.00', subsidy: '1000.00' }] } };
    expect(planExtension(charged).premiumsAfter[0]).toMatchObject({ premium: '2000.00', subsidy: '1000.00', charged: true });
  });

  it('an instalment due today stays in the old schedule; one due later and part paid makes the extension impossible', () => {
    const onDue = planExtension(input({ termYears: 1, extraMonths: 6, today: '2026-06-15' }));
    expect([onDue.fromSeq, onDue.startsOn]).toEqual([6, '2026-06-15']);
    const early = planExtension(input({ termYears: 1, extraMonths: 6, today: '2026-01-20' }));
    expect([early.fromSeq, early.startsOn, early.months, early.newMaturityOn]).toEqual([1, '2026-01-15', 18, '2027-07-15']);
    const x = input({ termYears: 1, extraMonths: 6 });
    x.schedule[5] = { ...x.schedule[5], interestPaid: '10.00' };
    expect(planExtension(x).touched).toBe(true);
    expect(plan.touched).toBe(false);
  });
});

describe('the annualised cost of what remains', () => {
  it('is the IRR of the balance borrowed again, the new instalments and year 2’s premium', () => {
    // flows from 2026-06-15, month by month: +58,938.83; −(principal + interest) of instalments
    // 6–18; −137.99 (year 2's borrower premium) at month 7 (2027-01-15). 12 × the monthly IRR,
    // 12 × 0.004495396562830913 (checked apart by bisection in 40-digit decimals; the loan's 5% alone
    // would give 12 × 0.0041666…):
    const plan = planExtension(input({ termYears: 1, extraMonths: 6, method: 'EQUAL_INSTALMENTS' }));
    expect(plan.exactCost!.toDecimalPlaces(15).toString()).toBe('0.053944758753971');
    expect(plan.annualisedCost).toBe('0.053945');
  });

  it('with no premium left to pay, it is the nominal rate', () => {
    const plan = planExtension(input({ termYears: 1, extraMonths: 6, principal: '120000.00', premiumRate: '0' }));
    expect(plan.exactCost!.toDecimalPlaces(20).toString()).toBe('0.05');
  });

  it('must stay below the ceiling', () => {
    const at = (ceiling: string) =>
      planExtension(input({ termYears: 1, extraMonths: 6, method: 'EQUAL_INSTALMENTS', params: { ...P, financingCostCeiling: ceiling } }))
        .reasons;
    expect(at('0.053945')).toEqual([]);
    expect(at('0.053944')).toEqual([
      {
        code: 'FINANCING_COST_AT_OR_ABOVE_CEILING',
        message: 'the annualised cost of the extended loan, 0.053945, is not below 0.053944',
        limit: '0.053944',
        actual: '0.053945',
      },
    ]);
  });
});

describe('the category cap still applies to the balance', () => {
  it('300,000.00 passes, 300,000.01 fails', () => {
    expect(codes(input({ termYears: 1, extraMonths: 6, exposure: '300000.00' }))).toEqual([]);
    expect(codes(input({ termYears: 1, extraMonths: 6, exposure: '300000.01' }))).toEqual(['OVER_CATEGORY_CAP']);
  });

  it('every failing reason is reported', () => {
    expect(codes(input({ termYears: 1, extraMonths: 13, newRate: '0.07', exposure: '300000.01' }))).toEqual([
      'EXTENSION_OVER_STATUTORY_LIMIT',
      'RATE_ABOVE_CEILING',
      'OVER_CATEGORY_CAP',
    ]);
  });
});

describe('extension policies: role × action × ownership', () => {
  const deal = { bankId: actors.bank.institutionId, insurerId: actors.insurer.institutionId, borrowerId: actors.borrower.borrowerId };
  policyTable(loanPolicy, [
    ['the loan’s bank proposes', actors.bank, 'proposeExtension', deal, true],
    ['another bank proposes', actors.otherBank, 'proposeExtension', deal, false],
    ['the loan’s insurer proposes', actors.insurer, 'proposeExtension', deal, false],
    ['the borrower proposes', actors.borrower, 'proposeExtension', deal, false],
    ['government proposes', actors.government, 'proposeExtension', deal, false],
    ['admin proposes', actors.admin, 'proposeExtension', deal, false],
    ['no one signed in proposes', null, 'proposeExtension', deal, false],
  ]);
  policyTable(extensionPolicy, [
    ['the loan’s insurer decides', actors.insurer, 'decide', deal, true],
    ['another insurer decides', actors.otherInsurer, 'decide', deal, false],
    ['the loan’s bank decides', actors.bank, 'decide', deal, false],
    ['the borrower decides', actors.borrower, 'decide', deal, false],
    ['government decides', actors.government, 'decide', deal, false],
    ['admin decides', actors.admin, 'decide', deal, false],
    ['no one signed in decides', null, 'decide', deal, false],
  ]);

  it('a bank may never decide (FORBIDDEN), a stranger insurer gets NOT_FOUND', () => {
    expect(() => extensionPolicy.gate({ actor: actors.bank, authError: null }, 'decide')).toThrow(
      expect.objectContaining({ code: 'FORBIDDEN' }),
    );
    expect(() => loanPolicy.gate({ actor: actors.insurer, authError: null }, 'proposeExtension')).toThrow(
      expect.objectContaining({ code: 'FORBIDDEN' }),
    );
    expect(() => extensionPolicy.authorize(actors.otherInsurer, 'decide', deal)).toThrow(
      expect.objectContaining({ code: 'NOT_FOUND', message: 'Extension not found' }),
    );
  });
});

describe('the extended schedule keeps the contract day', () => {
  it('a loan made on Jan 31, extended after its Feb 28 instalment: due on the 31st (or the month end), not the 28th', () => {
    const plan = planExtension(
      input({ termYears: 1, extraMonths: 6, disbursedOn: '2026-01-31', today: '2026-03-05', method: 'EQUAL_INSTALMENTS' }),
    );
    expect(plan.reasons).toEqual([]);
    expect(plan.schedule.slice(0, 3).map((i) => [i.seq, i.dueOn])).toEqual([
      [2, '2026-03-31'],
      [3, '2026-04-30'],
      [4, '2026-05-31'],
    ]);
    expect(plan.newMaturityOn).toBe('2027-07-31');
  });
});
