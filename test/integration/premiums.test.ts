import { sql } from 'drizzle-orm';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../src/db/client.js';
import {
  adminToken,
  borrower,
  DEPOSIT,
  DISBURSE,
  disbursedLoan,
  expectBalancedLedger,
  institution,
  ISSUE,
  key,
  PLEDGE,
  REPAY,
  REVIEW,
  SUBMIT,
  type Inst,
} from '../factories.js';
import { expectCubeConsistent, expectKeptArrears } from '../helpers/cube.js';
import { ok, useTestApp, type TestApp } from '../helpers/app.js';
import { steps } from '../helpers/steps.js';

/**
 * Premium by policy year (issue 11): year 1 charged at issue, each later year when ageing reaches
 * its start, on the balance at risk; SINGLE charges every year up front; a loan that ends first
 * has its later years cancelled. Every figure below was computed independently of the code (Python
 * `decimal`, half-up to the fen; annualised costs by bisection on the monthly NPV, × 12), as the comments say.
 *
 * The 3-year loan: 300,000.00 reviewed at 6% (benchmark 4.75% × 1.30 = 6.175% ceiling, 2026),
 * equal instalments, grade C: premium rate 2.3% × 1.00 × 1.10 (3-year factor) = 2.53%, subsidy rate 1.3%.
 *   reviewed schedule: payment 9,126.58; balances at the year starts 300,000.00, 205,921.84, 106,041.15
 *   disbursed at 250,000.00 (below the reviewed amount): payment 7,605.48; balances 250,000.00,
 *   171,601.59, 88,367.73; year 2 = fen(171,601.59 × 2.53%) = 4,341.52, subsidy fen(× 1.3%) = 2,230.82;
 *   year 3 = 2,235.70, subsidy 1,148.78.
 */
const app = useTestApp({ now: '2026-01-10T02:00:00.000Z' });
let t: TestApp;
let bank: Inst;
let insurer: Inst;
let gov: Inst;
let admin: string;

const POLICY = `query($id: ID!) { policy(id: $id) { premiumRate premiumAmount borrowerPremium subsidyAmount subsidyPaid premiumPayment annualisedCost
  premiumSchedule { year startsOn months insuredBalance premium subsidy borrowerPremium status chargedAt refund } } }`;
const AGE = `mutation($d: Date) { ageLoans(asOf: $d) { asOf examined changed defaulted premiumYearsCharged premiumYearsCancelled } }`;
const BALANCES = `{ fundBalances { premiumSubsidyFund subsidyOwed riskReserves { insurer { id } balance } } }`;
const LOAN = `query($id: ID!) { loan(id: $id) { dayCount status outstandingPrincipal } }`;

beforeAll(async () => {
  t = await app();
  [bank, insurer, gov] = await Promise.all([institution(t, 'BANK'), institution(t, 'INSURER'), institution(t, 'GOVERNMENT')]);
  admin = await adminToken(t);
});
afterEach(async () => {
  await expectBalancedLedger(t);
  await expectKeptArrears(t.tdb);
});

const policyOf = async (id: string) => ok(await t.gql(insurer.token, POLICY, { id })).policy;
const balances = async () => ok(await t.gql(gov.token, BALANCES)).fundBalances;
const age = async (d?: string) => ok(await t.gql(admin, AGE, { d })).ageLoans;

/** Submit, review (both approve) and issue a policy for a fresh borrower; returns the ids. */
async function issued(terms: { amount: string; termYears: number; interestRate: string; repaymentMethod: string }) {
  const b = await borrower(t, bank, { registeredOn: '2025-03-01' });
  const a = ok(
    await t.gql(b.token, SUBMIT, { i: { bankId: bank.id, insurerId: insurer.id, ...terms, loanPurpose: '扩大养殖规模' }, k: key() }),
  ).submitApplication;
  ok(await t.gql(bank.token, REVIEW, { id: a.id, d: 'APPROVE', k: key() }));
  const reviewed = ok(await t.gql(insurer.token, REVIEW, { id: a.id, d: 'APPROVE', k: key() })).reviewApplication;
  const policy = ok(await t.gql(insurer.token, ISSUE, { a: a.id, k: key() })).issuePolicy;
  return { applicationId: a.id, policy, reviews: reviewed.reviews };
}

const story = steps();
const funded = story(async () => ok(await t.gql(gov.token, DEPOSIT, { f: 'PREMIUM_SUBSIDY', a: '100000.00', k: key() })).depositToFund);
const annual = story(() => issued({ amount: '300000.00', termYears: 3, interestRate: '0.06', repaymentMethod: 'EQUAL_INSTALMENTS' }));
const disbursed = story(async () => {
  const { policy } = await annual();
  ok(await t.gql(bank.token, PLEDGE, { p: policy.id, k: key() }));
  return ok(await t.gql(bank.token, DISBURSE, { i: { policyId: policy.id, amount: '250000.00' }, k: key() })).disburseLoan;
});
/** A 2-year interest-only 100,000.00 loan at 5% repaid in full at once: 100,000.00 + 24 months' interest 10,000.00. */
const repaidEarly = story(async () => {
  const b = await borrower(t, bank, { registeredOn: '2025-03-01' });
  const deal = await disbursedLoan(t, b, bank, insurer, { amount: '100000.00', termYears: 2, interestRate: '0.05' });
  const paid = ok(await t.gql(bank.token, REPAY, { l: deal.loanId, a: '110000.00', k: key() })).recordRepayment;
  return { deal, paid, run: await age() };
});
/** On the first anniversary the borrower has paid 13 instalments (13 × 7,605.48 = 98,871.24): ahead of the schedule. */
const anniversary = story(async () => {
  await repaidEarly();
  const loan = await disbursed();
  t.setNow('2027-01-10T02:00:00.000Z');
  const paid = ok(await t.gql(bank.token, REPAY, { l: loan.id, a: '98871.24', k: key() })).recordRepayment;
  const dayBefore = await age('2027-01-09');
  const on = await age();
  const again = await age();
  return { paid, dayBefore, on, again };
});
const singleVersion = story(async () => {
  await anniversary();
  const v = ok(
    await t.gql(
      gov.token,
      `mutation($i: NewParameterVersionInput!, $k: String!) { createParameterVersion(input: $i, idempotencyKey: $k) { version premiumPayment } }`,
      {
        i: { effectiveFrom: '2027-01-10T03:00:00.000Z', note: 'single premium up front', changes: { premiumPayment: 'SINGLE' } },
        k: key(),
      },
    ),
  ).createParameterVersion;
  t.setNow('2027-01-10T03:00:00.000Z');
  return v;
});
/** SINGLE: a 3-year equal-instalment 200,000.00 loan at 6%; every year charged at issue. */
const single = story(async () => {
  await singleVersion();
  const i = await issued({ amount: '200000.00', termYears: 3, interestRate: '0.06', repaymentMethod: 'EQUAL_INSTALMENTS' });
  ok(await t.gql(bank.token, PLEDGE, { p: i.policy.id, k: key() }));
  const loan = ok(await t.gql(bank.token, DISBURSE, { i: { policyId: i.policy.id }, k: key() })).disburseLoan;
  return { ...i, loan };
});

describe('ANNUAL: year by year on the balance at risk', () => {
  it('charges only year 1 at issue: the fund pays its subsidy, the insurer its reserve', async () => {
    await funded();
    const { policy, reviews } = await annual();
    expect(reviews.map((r: any) => r.grade)).toEqual(['C', 'C']);
    expect(policy).toMatchObject({ premiumRate: '0.0253', premiumAmount: '7590.00', borrowerPremium: '3690.00', subsidyAmount: '3900.00' });
    // 12 × the monthly IRR of 300,000 − 3,690.00; −9,126.58 × 36 (−2,532.84 more at month 12, −1,304.31 at month 24): 7.6290%
    expect(await policyOf(policy.id)).toEqual({
      premiumRate: '0.0253',
      premiumAmount: '7590.00',
      borrowerPremium: '3690.00',
      subsidyAmount: '3900.00',
      subsidyPaid: '3900.00',
      premiumPayment: 'ANNUAL',
      annualisedCost: '0.07629',
      premiumSchedule: [
        {
          year: 1,
          startsOn: '2026-01-10',
          months: 12,
          insuredBalance: '300000.00',
          premium: '7590.00',
          subsidy: '3900.00',
          borrowerPremium: '3690.00',
          status: 'CHARGED',
          chargedAt: '2026-01-10T02:00:00.000Z',
          refund: '0.00',
        },
        {
          year: 2,
          startsOn: '2027-01-10',
          months: 12,
          insuredBalance: '205921.84',
          premium: '5209.82',
          subsidy: '2676.98',
          borrowerPremium: '2532.84',
          status: 'SCHEDULED',
          chargedAt: null,
          refund: '0.00',
        },
        {
          year: 3,
          startsOn: '2028-01-10',
          months: 12,
          insuredBalance: '106041.15',
          premium: '2682.84',
          subsidy: '1378.53',
          borrowerPremium: '1304.31',
          status: 'SCHEDULED',
          chargedAt: null,
          refund: '0.00',
        },
      ],
    });
    // reserve 10% of 7,590.00
    expect(await balances()).toEqual({
      premiumSubsidyFund: '96100.00',
      subsidyOwed: '0.00',
      riskReserves: [{ insurer: { id: insurer.id }, balance: '759.00' }],
    });
  });

  it('re-bases the years not yet charged on the loan as disbursed, and stores its annualised cost', async () => {
    const loan = await disbursed();
    const { policy } = await annual();
    expect(ok(await t.gql(bank.token, LOAN, { id: loan.id })).loan).toEqual({
      dayCount: 'PBOC_30_360',
      status: 'ACTIVE',
      outstandingPrincipal: '250000.00',
    });
    expect(loan.schedule[0]).toEqual({ seq: 1, dueOn: '2026-02-10', principalDue: '6355.48', interestDue: '1250.00' });
    const p = await policyOf(policy.id);
    // 250,000.00 − 3,690.00 at month 0; −7,605.48 a month (the last −7,605.65); −2,110.70 at month 12, −1,086.92 at month 24:
    // 12 × IRR = 0.0779834822… (Python bisection; Excel =IRR(flows)*12)
    expect(p.annualisedCost).toBe('0.077983');
    expect(p.premiumAmount).toBe('7590.00');
    expect(
      p.premiumSchedule.map((y: any) => [y.year, y.startsOn, y.insuredBalance, y.premium, y.subsidy, y.borrowerPremium, y.status]),
    ).toEqual([
      [1, '2026-01-10', '300000.00', '7590.00', '3900.00', '3690.00', 'CHARGED'],
      [2, '2027-01-10', '171601.59', '4341.52', '2230.82', '2110.70', 'SCHEDULED'],
      [3, '2028-01-10', '88367.73', '2235.70', '1148.78', '1086.92', 'SCHEDULED'],
    ]);
  });

  it('cancels the later years of a loan repaid before they start', async () => {
    const { deal, paid, run } = await repaidEarly();
    expect(paid.loan).toMatchObject({ status: 'REPAID', outstandingPrincipal: '0.00' });
    expect(run).toMatchObject({ premiumYearsCharged: 0, premiumYearsCancelled: 1 });
    // 2-year factor 1.05: 2.415% on 100,000.00 = 2,415.00, subsidy 1,300.00; year 2 never charged
    const p = await policyOf(deal.policyId);
    expect(p).toMatchObject({ premiumAmount: '2415.00', subsidyAmount: '1300.00', borrowerPremium: '1115.00' });
    expect(p.premiumSchedule.map((y: any) => [y.year, y.premium, y.status])).toEqual([
      [1, '2415.00', 'CHARGED'],
      [2, '2415.00', 'CANCELLED'],
    ]);
    expect((await age()).premiumYearsCancelled).toBe(0);
  });

  it('charges year 2 on its anniversary, on the lower balance the borrower still owes', async () => {
    const { paid, dayBefore, on, again } = await anniversary();
    const { policy } = await annual();
    // 250,000.00 − the principal of instalments 1–13 = 164,854.12 (< 171,601.59 scheduled)
    expect(paid.loan).toMatchObject({ status: 'ACTIVE', outstandingPrincipal: '164854.12' });
    expect(dayBefore).toMatchObject({ premiumYearsCharged: 0, premiumYearsCancelled: 0, defaulted: 0 });
    expect(on).toMatchObject({ asOf: '2027-01-10', premiumYearsCharged: 1, premiumYearsCancelled: 0, defaulted: 0 });
    expect(again).toMatchObject({ premiumYearsCharged: 0, premiumYearsCancelled: 0 });
    // fen(164,854.12 × 2.53%) = 4,170.81; subsidy fen(× 1.3%) = 2,143.10; borrower 2,027.71
    const p = await policyOf(policy.id);
    expect(p).toMatchObject({ premiumAmount: '11760.81', borrowerPremium: '5717.71', subsidyAmount: '6043.10', subsidyPaid: '6043.10' });
    expect(p.premiumSchedule[1]).toEqual({
      year: 2,
      startsOn: '2027-01-10',
      months: 12,
      insuredBalance: '164854.12',
      premium: '4170.81',
      subsidy: '2143.10',
      borrowerPremium: '2027.71',
      status: 'CHARGED',
      chargedAt: '2027-01-10T02:00:00.000Z',
      refund: '0.00',
    });
    expect(p.premiumSchedule[2].status).toBe('SCHEDULED');
    // 100,000 − 3,900.00 − 1,300.00 − 2,143.10; reserves 759.00 + 241.50 + 417.08
    expect(await balances()).toEqual({
      premiumSubsidyFund: '92656.90',
      subsidyOwed: '0.00',
      riskReserves: [{ insurer: { id: insurer.id }, balance: '1417.58' }],
    });
    const posted = await rows<{ kind: string; amount: string }>(
      t.tdb.db.orm,
      sql`select t.kind, e.amount::text from ledger_transactions t join ledger_entries e on e.transaction_id = t.id
          where t.policy_id = ${policy.id}::uuid and t.business_date = '2027-01-10' and e.amount > 0 order by t.kind`,
    );
    expect(posted).toEqual([
      { kind: 'BORROWER_PREMIUM', amount: '2027.71' },
      { kind: 'PREMIUM_SUBSIDY', amount: '2143.10' },
      { kind: 'RISK_RESERVE', amount: '417.08' },
    ]);
    const audit = await rows<{ n: number }>(
      t.tdb.db.orm,
      sql`select count(*)::int as n from audit_log where action = 'policy.premium_charged' and target_id = ${policy.id}`,
    );
    expect(audit[0].n).toBe(1);
  });
});

describe('SINGLE: every year up front (a parameter version)', () => {
  it('charges all three years at issue and nothing later', async () => {
    const v = await singleVersion();
    expect(v).toEqual({ version: 2, premiumPayment: 'SINGLE' });
    const { policy, loan } = await single();
    // 200,000.00 at 6%: balances 200,000.00, 137,281.18, 70,694.01 → 5,060.00 + 3,473.21 + 1,788.56 = 10,321.77;
    // subsidy 2,600.00 + 1,784.66 + 919.02 = 5,303.68; borrower 5,018.09
    expect(policy).toMatchObject({ premiumAmount: '10321.77', subsidyAmount: '5303.68', borrowerPremium: '5018.09' });
    const p = await policyOf(policy.id);
    // 12 × IRR of 200,000 − 5,018.09 at month 0, then the instalments: 7.7146%
    expect(p).toMatchObject({ premiumPayment: 'SINGLE', annualisedCost: '0.077146', subsidyPaid: '5303.68' });
    expect(p.premiumSchedule.map((y: any) => [y.year, y.startsOn, y.insuredBalance, y.premium, y.status])).toEqual([
      [1, '2027-01-10', '200000.00', '5060.00', 'CHARGED'],
      [2, '2028-01-10', '137281.18', '3473.21', 'CHARGED'],
      [3, '2029-01-10', '70694.01', '1788.56', 'CHARGED'],
    ]);
    expect(loan.outstandingPrincipal).toBe('200000.00');
    // reserves 506.00 + 347.32 + 178.86 = 1,032.18 more
    expect(await balances()).toEqual({
      premiumSubsidyFund: '87353.22',
      subsidyOwed: '0.00',
      riskReserves: [{ insurer: { id: insurer.id }, balance: '2449.76' }],
    });
    // a year on, the SINGLE loan paid up (12 × 6,084.39): nothing left to charge. The ANNUAL loan's year 3 started on
    // 2028-01-10, but that loan has paid nothing since its 13th instalment: it defaults in this run, so its year 3 is cancelled
    t.setNow('2028-01-20T02:00:00.000Z');
    ok(await t.gql(bank.token, REPAY, { l: loan.id, a: '73012.68', k: key() }));
    expect(await age()).toMatchObject({ defaulted: 1, premiumYearsCharged: 0, premiumYearsCancelled: 1 });
    expect((await policyOf(policy.id)).premiumAmount).toBe('10321.77');
    const { policy: annualPolicy } = await annual();
    expect((await policyOf(annualPolicy.id)).premiumSchedule.map((y: any) => y.status)).toEqual(['CHARGED', 'CHARGED', 'CANCELLED']);
  });
});

describe('what is charged is what is counted', () => {
  it('keeps the trial balance at zero and the metrics equal to a rebuild', async () => {
    await single();
    expect(ok(await t.gql(admin, `{ trialBalance { total accountsOutOfBalance unbalancedTransactions } }`)).trialBalance).toEqual({
      total: '0.00',
      accountsOutOfBalance: 0,
      unbalancedTransactions: 0,
    });
    const [kept] = await rows<{ premiums: string; subsidy: string }>(
      t.tdb.db.orm,
      sql`select (sum(premiums) / 100)::numeric(18,2)::text as premiums, (sum(subsidy) / 100)::numeric(18,2)::text as subsidy
          from metric_groups where scope = 'ALL' and key = ''`,
    );
    // 7,590.00 + 4,170.81 + 2,415.00 + 10,321.77; subsidy 3,900.00 + 2,143.10 + 1,300.00 + 5,303.68
    expect(kept).toEqual({ premiums: '24497.58', subsidy: '12646.78' });
    // equal to a replay of the events' metric deltas from scratch, and to a rebuild from the base tables
    await expectCubeConsistent(t.tdb);
  });
});

describe('a price stored before premium by policy year', () => {
  it('is issued with its years recomputed from the reviewed terms, from the day of the review', async () => {
    await single();
    t.setNow('2028-02-01T02:00:00.000Z');
    const b = await borrower(t, bank, { registeredOn: '2025-03-01' });
    const terms = { amount: '100000.00', termYears: 2, interestRate: '0.05', repaymentMethod: 'INTEREST_ONLY_BULLET' };
    const a = ok(
      await t.gql(b.token, SUBMIT, { i: { bankId: bank.id, insurerId: insurer.id, ...terms, loanPurpose: '扩大养殖规模' }, k: key() }),
    ).submitApplication;
    ok(await t.gql(bank.token, REVIEW, { id: a.id, d: 'APPROVE', k: key() }));
    ok(await t.gql(insurer.token, REVIEW, { id: a.id, d: 'APPROVE', k: key() }));
    // as an older release stored it: no premium years, and the old simple cost
    await t.tdb.db.orm.execute(
      sql`update application_reviews set price = (price - 'premiumSchedule' - 'premiumPayment') || '{"financingCostRate": "0.06115"}'::jsonb
          where application_id = ${a.id}::uuid`,
    );
    const policy = ok(await t.gql(insurer.token, ISSUE, { a: a.id, k: key() })).issuePolicy;
    // version 2 (SINGLE) is in force: both years up front, 2.415% (2-year factor 1.05) on 100,000.00 each
    const p = await policyOf(policy.id);
    // 12 × IRR of 100,000 − 2,230.00, −416.67 × 23, −100,416.59 (the residue in the last): 0.0618829358…
    expect(p).toMatchObject({ premiumAmount: '4830.00', subsidyAmount: '2600.00', borrowerPremium: '2230.00', annualisedCost: '0.061883' });
    expect(p.premiumSchedule.map((y: any) => [y.year, y.startsOn, y.insuredBalance, y.premium, y.subsidy, y.status])).toEqual([
      [1, '2028-02-01', '100000.00', '2415.00', '1300.00', 'CHARGED'],
      [2, '2029-02-01', '100000.00', '2415.00', '1300.00', 'CHARGED'],
    ]);
  });
});
