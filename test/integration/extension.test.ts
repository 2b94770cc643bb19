import { Decimal } from 'decimal.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { exactInterest } from '../../src/modules/lending/schedule.js';
import {
  borrower,
  disbursedLoan,
  expectBalancedLedger,
  institution,
  key,
  REPAY,
  type BorrowerHandle,
  type Deal,
  type Inst,
} from '../factories.js';
import { expectCubeConsistent } from '../helpers/cube.js';
import { codeOf, ok, useTestApp, type TestApp } from '../helpers/app.js';

// Loans disbursed on 2026-01-15 (benchmark from 2015-10-24: 4.35% a year, 4.75% for 1–5 years)
const app = useTestApp({ now: '2026-01-15T02:00:00.000Z' });
let t: TestApp;
let bank: Inst;
let insurer: Inst;
let otherBank: Inst;
let otherInsurer: Inst;
let b: BorrowerHandle;
/** The loan extended: 100,000.00 over 1 year, equal instalments at 5%, instalments 1–5 paid. */
let deal: Deal;
/** Small loans for the refusals: one kept current, one never paid. */
let side: Deal;
let behind: Deal;

const PROPOSE = `mutation($i: ExtensionInput!, $k: String!) { proposeExtension(input: $i, idempotencyKey: $k) {
  id loanId extraMonths interestRate oldMaturityOn newMaturityOn status reason proposedAt decidedAt declineReason endorsement { additionalPremium } } }`;
const ENDORSEMENT = `endorsement {
  before { year startsOn months insuredBalance premium subsidy borrowerPremium }
  after { year startsOn months insuredBalance premium subsidy borrowerPremium }
  additionalPremium annualisedCost }`;
const AGREE = `mutation($id: ID!, $k: String!) { agreeExtension(id: $id, idempotencyKey: $k) {
  id status extraMonths interestRate oldMaturityOn newMaturityOn decidedAt ${ENDORSEMENT} } }`;
const DECLINE = `mutation($id: ID!, $r: String!, $k: String!) { declineExtension(id: $id, reason: $r, idempotencyKey: $k) {
  id status declineReason decidedAt } }`;
const LOAN = `query($id: ID!) { loan(id: $id) {
  loanNumber termYears interestRate disbursedOn maturityOn originalMaturityOn outstandingPrincipal status
  schedule { seq dueOn principalDue interestDue principalPaid interestPaid }
  extension { id status extraMonths newMaturityOn declineReason ${ENDORSEMENT} }
  policy { policyNumber endsOn annualisedCost premiumRate premiumAmount
    premiumSchedule { year startsOn months insuredBalance premium subsidy borrowerPremium status } }
} }`;

const at = (date: string) => t.setNow(`${date}T02:00:00.000Z`);
const propose = (token: string, loanId: string, extraMonths: number, extra: Record<string, unknown> = {}) =>
  t.gql(token, PROPOSE, { i: { loanId, extraMonths, reason: '养殖周期延长 (a longer breeding cycle)', ...extra }, k: key('propose') });

/** Pay every instalment due on or before `through`, each on its due date. */
async function payThrough(d: Deal, through: string) {
  const { schedule } = ok(await t.gql(bank.token, LOAN, { id: d.loanId })).loan;
  for (const i of schedule.filter((s: { dueOn: string }) => s.dueOn <= through)) {
    at(i.dueOn);
    const amount = new Decimal(i.principalDue).plus(i.interestDue).toFixed(2);
    ok(await t.gql(bank.token, REPAY, { l: d.loanId, a: amount, d: i.dueOn, k: key('repay') }));
  }
}

beforeAll(async () => {
  t = await app();
  [bank, insurer, otherBank, otherInsurer] = await Promise.all([
    institution(t, 'BANK'),
    institution(t, 'INSURER'),
    institution(t, 'BANK'),
    institution(t, 'INSURER'),
  ]);
  b = await borrower(t, bank);
  deal = await disbursedLoan(t, b, bank, insurer, { amount: '100000.00', interestRate: '0.05', repaymentMethod: 'EQUAL_INSTALMENTS' });
  side = await disbursedLoan(t, await borrower(t, bank), bank, insurer, { amount: '10000.00', interestRate: '0.05' });
  behind = await disbursedLoan(t, await borrower(t, bank), bank, insurer, { amount: '10000.00', interestRate: '0.05' });
  await payThrough(deal, '2026-06-15');
  await payThrough(side, '2026-06-15');
  at('2026-06-20');
});

describe('extension (展期): the bank proposes, the insurer agrees', () => {
  let extensionId: string;

  it('the bank proposes 6 months on the 1-year loan', async () => {
    const r = ok(await propose(bank.token, deal.loanId, 6)).proposeExtension;
    extensionId = r.id;
    expect(r).toMatchObject({
      loanId: deal.loanId,
      extraMonths: 6,
      interestRate: '0.05',
      oldMaturityOn: '2027-01-15',
      newMaturityOn: '2027-07-15',
      status: 'PROPOSED',
      decidedAt: null,
      declineReason: null,
      endorsement: null,
    });
    // nothing changes until the insurer agrees
    const loan = ok(await t.gql(b.token, LOAN, { id: deal.loanId })).loan;
    expect([loan.maturityOn, loan.originalMaturityOn, loan.schedule.length, loan.extension.status]).toEqual([
      '2027-01-15',
      null,
      12,
      'PROPOSED',
    ]);
  });

  it('a second proposal while one is open is CONFLICT', async () => {
    expect(codeOf(await propose(bank.token, deal.loanId, 3))).toBe('CONFLICT');
  });

  it('an insurer cannot propose, a bank cannot agree (FORBIDDEN); strangers get NOT_FOUND', async () => {
    expect(codeOf(await propose(insurer.token, deal.loanId, 6))).toBe('FORBIDDEN');
    expect(codeOf(await t.gql(bank.token, AGREE, { id: extensionId, k: key() }))).toBe('FORBIDDEN');
    expect(codeOf(await propose(otherBank.token, deal.loanId, 6))).toBe('NOT_FOUND');
    expect(codeOf(await t.gql(otherInsurer.token, AGREE, { id: extensionId, k: key() }))).toBe('NOT_FOUND');
    expect(codeOf(await t.gql(otherInsurer.token, DECLINE, { id: extensionId, r: 'no', k: key() }))).toBe('NOT_FOUND');
  });

  it('the insurer agrees: the schedule is extended, the policy endorsed', async () => {
    const k = key('agree');
    const r = ok(await t.gql(insurer.token, AGREE, { id: extensionId, k })).agreeExtension;
    // the policy's year 1 was charged at issue on 100,000.00 (grade C: 2.3%); the extension adds a
    // policy year 2 of 6 months (2027-01-15 to 2027-07-15) on the balance then, instalments 13–18's
    // principal, 27,598.67: premium 27,598.67 × 2.3% × 6/12 = 317.384705 → 317.38; the subsidy
    // × 1.3% × 6/12 = 179.391355 → 179.39; the borrower's 137.99
    const year1 = {
      year: 1,
      startsOn: '2026-01-15',
      months: 12,
      insuredBalance: '100000.00',
      premium: '2300.00',
      subsidy: '1300.00',
      borrowerPremium: '1000.00',
    };
    const year2 = {
      year: 2,
      startsOn: '2027-01-15',
      months: 6,
      insuredBalance: '27598.67',
      premium: '317.38',
      subsidy: '179.39',
      borrowerPremium: '137.99',
    };
    expect(r).toEqual({
      id: extensionId,
      status: 'AGREED',
      extraMonths: 6,
      interestRate: '0.05',
      oldMaturityOn: '2027-01-15',
      newMaturityOn: '2027-07-15',
      decidedAt: '2026-06-20T02:00:00.000Z',
      // the IRR of what remains from 2026-06-15: +58,938.83, instalments 6–18, −137.99 on 2027-01-15
      endorsement: { before: [year1], after: [year1, year2], additionalPremium: '317.38', annualisedCost: '0.053945' },
    });
    // a replay returns the first answer
    expect(ok(await t.gql(insurer.token, AGREE, { id: extensionId, k })).agreeExtension).toEqual(r);

    const loan = ok(await t.gql(bank.token, LOAN, { id: deal.loanId })).loan;
    expect(loan).toMatchObject({
      termYears: 1,
      interestRate: '0.05',
      maturityOn: '2027-07-15',
      originalMaturityOn: '2027-01-15',
      outstandingPrincipal: '58938.83',
      status: 'ACTIVE',
    });
    expect(loan.extension).toMatchObject({ id: extensionId, status: 'AGREED', newMaturityOn: '2027-07-15', endorsement: r.endorsement });
    // instalments 1–5 as paid, 6–18 new: 13 months from 2026-06-15
    expect(loan.schedule.map((s: { seq: number }) => s.seq)).toEqual([...Array(18).keys()].map((k) => k + 1));
    const paid = loan.schedule.slice(0, 5);
    expect(paid.every((s: any) => s.principalPaid === s.principalDue && s.interestPaid === s.interestDue)).toBe(true);
    const fresh = loan.schedule.slice(5);
    expect(fresh[0]).toEqual({
      seq: 6,
      dueOn: '2026-07-15',
      principalDue: '4421.51',
      interestDue: '245.58',
      principalPaid: '0.00',
      interestPaid: '0.00',
    });
    expect(fresh.at(-1)).toEqual({
      seq: 18,
      dueOn: '2027-07-15',
      principalDue: '4647.73',
      interestDue: '19.36',
      principalPaid: '0.00',
      interestPaid: '0.00',
    });
    const sum = (k: string) => fresh.reduce((s: Decimal, i: any) => s.plus(i[k]), new Decimal(0)).toFixed(2);
    // the principal of the new instalments is exactly the outstanding; their interest the exact total
    expect(sum('principalDue')).toBe('58938.83');
    expect(sum('interestDue')).toBe('1733.34');
    expect(exactInterest(fresh, { principal: '58938.83', annualRate: '0.05', disbursedOn: '2026-06-15' }).toFixed(2)).toBe('1733.34');

    expect(loan.policy).toMatchObject({ endsOn: '2027-07-15', annualisedCost: '0.053945', premiumAmount: '2300.00' });
    expect(loan.policy.premiumSchedule).toEqual([
      { ...year1, status: 'CHARGED' },
      { ...year2, status: 'SCHEDULED' },
    ]);
  });

  it('the shared record carries the extension mark on the loan and on the policy', async () => {
    const { accounts } = ok(
      await t.gql(
        b.token,
        `{ myCreditProfile { accounts { kind accountRef specialTransactions { kind occurredOn amount months newMaturityOn detail } } } }`,
      ),
    ).myCreditProfile;
    const mark = {
      kind: 'EXTENSION',
      occurredOn: '2026-06-20',
      amount: '58938.83',
      months: 6,
      newMaturityOn: '2027-07-15',
      detail: '展期 extended',
    };
    expect(accounts.find((a: any) => a.accountRef === deal.loanNumber)).toMatchObject({ kind: 'LOAN', specialTransactions: [mark] });
    expect(accounts.find((a: any) => a.accountRef === deal.policyNumber)).toMatchObject({
      kind: 'INSURANCE_POLICY',
      specialTransactions: [mark],
    });
  });

  it('a second proposal after agreement is CONFLICT: a loan is extended once', async () => {
    const r = await propose(bank.token, deal.loanId, 3);
    expect(codeOf(r)).toBe('CONFLICT');
    expect(r.errors![0].message).toMatch(/extended already/);
    expect(codeOf(await t.gql(insurer.token, AGREE, { id: extensionId, k: key() }))).toBe('CONFLICT');
    expect(codeOf(await t.gql(insurer.token, DECLINE, { id: extensionId, r: 'late', k: key() }))).toBe('CONFLICT');
  });
});

describe('extension: refusals', () => {
  it('over 贷款通则 Art 12 or the rate ceiling: BAD_USER_INPUT listing every reason', async () => {
    // 12 + 13 = 25 months: the 3-year band, 4.75% × 1.30
    const r = await propose(bank.token, side.loanId, 13, { interestRate: '0.07' });
    expect(codeOf(r)).toBe('BAD_USER_INPUT');
    expect(r.errors![0].extensions!.reasons).toEqual([
      {
        code: 'EXTENSION_OVER_STATUTORY_LIMIT',
        message: 'a 1-year loan may be extended by at most 12 months (贷款通则 Art 12); asked 13',
        limit: '12',
        actual: '13',
      },
      {
        code: 'RATE_ABOVE_CEILING',
        message: 'interest rate 0.07 is above the ceiling 0.06175 for a 3-year term on 2026-06-20',
        limit: '0.06175',
        actual: '0.07',
      },
    ]);
    expect(ok(await t.gql(bank.token, LOAN, { id: side.loanId })).loan.extension).toBeNull();
  });

  it('a loan behind on its instalments is not extended (CONFLICT)', async () => {
    const r = await propose(bank.token, behind.loanId, 6);
    expect(codeOf(r)).toBe('CONFLICT');
    expect(r.errors![0].message).toMatch(/not current/);
  });

  it('the insurer declines with its reason; the bank may then propose again', async () => {
    const first = ok(await propose(bank.token, side.loanId, 12)).proposeExtension;
    const d = ok(
      await t.gql(insurer.token, DECLINE, { id: first.id, r: '经营状况恶化 (the business is doing worse)', k: key() }),
    ).declineExtension;
    expect(d).toEqual({
      id: first.id,
      status: 'DECLINED',
      declineReason: '经营状况恶化 (the business is doing worse)',
      decidedAt: '2026-06-20T02:00:00.000Z',
    });
    expect(codeOf(await t.gql(insurer.token, AGREE, { id: first.id, k: key() }))).toBe('CONFLICT');
    const loan = ok(await t.gql(bank.token, LOAN, { id: side.loanId })).loan;
    expect([loan.maturityOn, loan.originalMaturityOn, loan.extension.status]).toEqual(['2027-01-15', null, 'DECLINED']);
    const again = ok(await propose(bank.token, side.loanId, 3)).proposeExtension;
    expect(again).toMatchObject({ status: 'PROPOSED', extraMonths: 3, newMaturityOn: '2027-04-15' });
    expect(ok(await t.gql(bank.token, LOAN, { id: side.loanId })).loan.extension).toMatchObject({ id: again.id, status: 'PROPOSED' });
  });

  it('rules are checked again when the insurer agrees: a loan fallen behind meanwhile is CONFLICT', async () => {
    // side's proposal above stays open; instalment 6 (2026-07-15) goes unpaid
    const open = ok(await t.gql(bank.token, LOAN, { id: side.loanId })).loan.extension;
    at('2026-07-20');
    const r = await t.gql(insurer.token, AGREE, { id: open.id, k: key() });
    expect(codeOf(r)).toBe('CONFLICT');
    expect(r.errors![0].message).toMatch(/not current/);
    at('2026-06-20');
  });

  it('an instalment not yet due that was part paid cannot be replaced (CONFLICT)', async () => {
    const ahead = await disbursedLoan(t, await borrower(t, bank), bank, insurer, { amount: '10000.00', interestRate: '0.05' });
    ok(await t.gql(bank.token, REPAY, { l: ahead.loanId, a: '10.00', k: key('repay') }));
    const r = await propose(bank.token, ahead.loanId, 6);
    expect(codeOf(r)).toBe('CONFLICT');
    expect(r.errors![0].message).toMatch(/part\) paid/);
  });

  it('an unknown extension is NOT_FOUND', async () => {
    expect(codeOf(await t.gql(insurer.token, AGREE, { id: '00000000-0000-4000-8000-000000000000', k: key() }))).toBe('NOT_FOUND');
  });
});

describe('extension under SINGLE premium payment', () => {
  it('charges the years the endorsement adds at once', async () => {
    at('2026-06-20');
    const gov = await institution(t, 'GOVERNMENT');
    const v = ok(
      await t.gql(
        gov.token,
        `mutation($i: NewParameterVersionInput!, $k: String!) { createParameterVersion(input: $i, idempotencyKey: $k) { version premiumPayment } }`,
        {
          i: { effectiveFrom: '2026-06-20T03:00:00.000Z', note: 'single premium up front', changes: { premiumPayment: 'SINGLE' } },
          k: key(),
        },
      ),
    ).createParameterVersion;
    expect(v).toEqual({ version: 2, premiumPayment: 'SINGLE' });
    t.setNow('2026-06-20T03:00:00.000Z');
    // 12,000.00 for a year, interest only at 5% (50.00 a month), disbursed today; extended at once by 6 months
    const d = await disbursedLoan(t, await borrower(t, bank), bank, insurer, { amount: '12000.00', interestRate: '0.05' });
    const proposed = ok(await propose(bank.token, d.loanId, 6)).proposeExtension;
    const r = ok(await t.gql(insurer.token, AGREE, { id: proposed.id, k: key() })).agreeExtension;
    // year 2: 6 months on the whole 12,000.00 (interest only): 12,000.00 × 2.3% × 6/12 = 138.00, subsidy × 1.3% = 78.00
    const year1 = {
      year: 1,
      startsOn: '2026-06-20',
      months: 12,
      insuredBalance: '12000.00',
      premium: '276.00',
      subsidy: '156.00',
      borrowerPremium: '120.00',
    };
    const year2 = {
      year: 2,
      startsOn: '2027-06-20',
      months: 6,
      insuredBalance: '12000.00',
      premium: '138.00',
      subsidy: '78.00',
      borrowerPremium: '60.00',
    };
    // the IRR of +12,000.00 − 60.00 now, −50.00 for 17 months, −12,050.00 at month 18: 12 × 0.0044563524… = 5.3476%
    expect(r.endorsement).toEqual({ before: [year1], after: [year1, year2], additionalPremium: '138.00', annualisedCost: '0.053476' });
    const loan = ok(await t.gql(bank.token, LOAN, { id: d.loanId })).loan;
    expect([loan.maturityOn, loan.originalMaturityOn, loan.schedule.length, loan.schedule[0].seq]).toEqual([
      '2027-12-20',
      '2027-06-20',
      18,
      1,
    ]);
    expect(loan.policy).toMatchObject({ premiumAmount: '414.00', endsOn: '2027-12-20', annualisedCost: '0.053476' });
    expect(loan.policy.premiumSchedule.map((y: any) => [y.year, y.premium, y.status])).toEqual([
      [1, '276.00', 'CHARGED'],
      [2, '138.00', 'CHARGED'],
    ]);
    await expectBalancedLedger(t);
  });
});

describe('what an extension does to the kept metrics', () => {
  it('moves the rate and cost weights as a rebuild would: the kept figures equal rebuildCube()', async () => {
    // after every extension above (a new rate on one, a new annualised cost on all of them)
    // equal to a replay of the events' metric deltas from scratch, and to a rebuild from the base tables
    await expectCubeConsistent(t.tdb);
  });
});
