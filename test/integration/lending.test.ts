import { beforeAll, describe, expect, it } from 'vitest';
import {
  borrower,
  consent,
  DISBURSE,
  disbursedLoan,
  institution,
  ISSUE,
  key,
  PLEDGE,
  REPAY,
  REVIEW,
  SUBMIT,
  type BorrowerHandle,
  type Inst,
} from '../factories.js';
import { codeOf, ok, useTestApp, type TestApp } from '../helpers/app.js';
import { steps } from '../helpers/steps.js';

// 2014-06-15: the article's time, benchmark 6.00% for one year
const app = useTestApp({ now: '2014-06-15T02:00:00.000Z' });
let t: TestApp;
let bank: Inst;
let insurer: Inst;
let otherBank: Inst;
let otherInsurer: Inst;
let gov: Inst;
let b: BorrowerHandle;

const QUOTE = `query($i: QuoteInput!) { quote(input: $i) {
  borrowerId eligible reasons { code limit actual } parameterVersion programmeExposure
  score { score grade version factors { code points value } }
  price { benchmarkRate rateCeiling premiumRate premiumAmount borrowerPremium subsidyPremium interestAmount financingCostRate termOffered }
} }`;
const SEED = { amount: '300000.00', termYears: 1, interestRate: '0.078' };

beforeAll(async () => {
  t = await app();
  [bank, insurer, otherBank, otherInsurer, gov] = await Promise.all([
    institution(t, 'BANK'),
    institution(t, 'INSURER'),
    institution(t, 'BANK'),
    institution(t, 'INSURER'),
    institution(t, 'GOVERNMENT'),
  ]);
  b = await borrower(t, bank, { category: 'STARTUP_MICRO_ENTERPRISE', registeredOn: '2013-01-01' });
});

/**
 * One application's life, from the first inquiries to full repayment: each step is what one
 * test used to do to the shared state, run once per file, after the step before it
 * (test/helpers/steps.ts). The steps of the lifecycle are defined in its describe block.
 */
const step = steps();
/** Consents and the bank's and insurer's quotes: their inquiries stay on the borrower's record. */
const consentedQuotes = step(async () => {
  await consent(t, b, bank, 'LOAN_APPLICATION');
  await consent(t, b, insurer, 'UNDERWRITING');
  const i = { ...SEED, borrowerId: b.id };
  const fromBank = ok(await t.gql(bank.token, QUOTE, { i })).quote;
  const fromInsurer = ok(await t.gql(insurer.token, QUOTE, { i })).quote;
  return { fromBank, fromInsurer };
});

describe('quote: the shared rules', () => {
  it('reproduces the seed case for a start-up micro-enterprise', async () => {
    const q = ok(await t.gql(b.token, QUOTE, { i: SEED })).quote;
    expect(q.score).toMatchObject({ grade: 'C', score: 70, version: 'SC-1' });
    expect(q).toMatchObject({ eligible: true, reasons: [], parameterVersion: 1, programmeExposure: '0.00' });
    expect(q.price).toEqual({
      benchmarkRate: '0.06',
      rateCeiling: '0.078',
      premiumRate: '0.023',
      premiumAmount: '6900.00',
      borrowerPremium: '3000.00',
      subsidyPremium: '3900.00',
      interestAmount: '23400.00',
      financingCostRate: '0.088486', // the annualised IRR: the premium is paid up front (pricing.test.ts)
      termOffered: true,
    });
  });

  it('refuses 300,000.01 (over the cap) and 7.81% (over the ceiling), with every reason', async () => {
    const over = ok(await t.gql(b.token, QUOTE, { i: { ...SEED, amount: '300000.01' } })).quote;
    expect(over.eligible).toBe(false);
    expect(over.reasons).toEqual([{ code: 'OVER_CATEGORY_CAP', limit: '300000.00', actual: '300000.01' }]);
    const both = ok(await t.gql(b.token, QUOTE, { i: { ...SEED, amount: '300000.01', interestRate: '0.0781' } })).quote;
    expect(both.reasons.map((r: any) => r.code)).toEqual(['OVER_CATEGORY_CAP', 'RATE_ABOVE_CEILING']);
  });

  it('gives the bank and the insurer the same answer for the same input, and records their inquiries', async () => {
    const { fromBank, fromInsurer } = await consentedQuotes();
    expect(fromInsurer).toEqual(fromBank);
    const own = ok(await t.gql(b.token, `{ myCreditProfile { inquiries { institution { id } purpose } } }`)).myCreditProfile.inquiries;
    // the borrower's own reads (their quotes) are SELF_ACCESS inquiries, with no institution
    expect(
      own
        .filter((q: any) => q.purpose !== 'SELF_ACCESS')
        .map((q: any) => q.institution.id)
        .sort(),
    ).toEqual([bank.id, insurer.id].sort());
  });

  it('needs consent: another bank gets FORBIDDEN', async () => {
    await consentedQuotes(); // the bank and the insurer hold consents; another bank does not
    expect(codeOf(await t.gql(otherBank.token, QUOTE, { i: { ...SEED, borrowerId: b.id } }))).toBe('FORBIDDEN');
  });

  it('rejects bad input', async () => {
    expect(codeOf(await t.gql(b.token, QUOTE, { i: { ...SEED, amount: '-5.00' } }))).toBe('BAD_USER_INPUT');
    expect(codeOf(await t.gql(b.token, QUOTE, { i: { ...SEED, amount: '0.00' } }))).toBe('BAD_USER_INPUT');
    expect(codeOf(await t.gql(b.token, QUOTE, { i: { ...SEED, termYears: 0 } }))).toBe('BAD_USER_INPUT');
    expect(codeOf(await t.gql(b.token, QUOTE, { i: { ...SEED, interestRate: '7.8%' } }))).toBe('BAD_USER_INPUT');
    expect(codeOf(await t.gql(bank.token, QUOTE, { i: SEED }))).toBe('BAD_USER_INPUT'); // an institution must name the borrower
  });

  it('prices by term: 3 years is offered at its own factor, 4 years is not offered', async () => {
    const three = ok(await t.gql(b.token, QUOTE, { i: { ...SEED, termYears: 3, interestRate: '0.07' } })).quote;
    expect(three.price).toMatchObject({ premiumRate: '0.0253', termOffered: true });
    const four = ok(await t.gql(b.token, QUOTE, { i: { ...SEED, termYears: 4, interestRate: '0.07' } })).quote;
    expect(four.reasons.map((r: any) => r.code)).toEqual(['TERM_NOT_OFFERED']);
    expect(four.price.premiumAmount).toBeNull();
  });
});

describe('the lifecycle', () => {
  const submitKey = key('submit');
  const input = { bankId: '', insurerId: '', ...SEED, repaymentMethod: 'INTEREST_ONLY_BULLET', loanPurpose: '幼儿园扩建' };
  const submitted = step(
    async () =>
      ok(await t.gql(b.token, SUBMIT, { i: { ...input, bankId: bank.id, insurerId: insurer.id }, k: submitKey })).submitApplication,
  );
  const bankReviewed = step(async () => {
    const k = key('review');
    const afterBank = ok(await t.gql(bank.token, REVIEW, { id: (await submitted()).id, d: 'APPROVE', k })).reviewApplication;
    return { k, afterBank };
  });
  const insurerReviewed = step(
    async () => ok(await t.gql(insurer.token, REVIEW, { id: (await submitted()).id, d: 'APPROVE', k: key() })).reviewApplication,
  );
  const issued = step(async () => {
    const k = key('issue');
    const p = ok(await t.gql(insurer.token, ISSUE, { a: (await submitted()).id, k })).issuePolicy;
    return { k, p };
  });
  const pledged = step(async () => {
    const k = key('pledge');
    const p = ok(await t.gql(bank.token, PLEDGE, { p: (await issued()).p.id, k })).pledgePolicy;
    return { k, p };
  });
  const disbursed = step(async () => {
    const k = key('disburse');
    const l = ok(await t.gql(bank.token, DISBURSE, { i: { policyId: (await issued()).p.id }, k })).disburseLoan;
    return { k, l };
  });
  const atFirstDueDate = step(async () => t.setNow('2014-07-16T02:00:00.000Z'));
  const firstRepayment = step(async () => {
    const k = key('repay');
    const r1 = ok(await t.gql(bank.token, REPAY, { l: (await disbursed()).l.id, a: '2000.00', d: '2014-07-15', k })).recordRepayment;
    return { k, r1 };
  });
  const repaidInFull = step(async () => {
    t.setNow('2015-06-15T02:00:00.000Z');
    return ok(await t.gql(bank.token, REPAY, { l: (await disbursed()).l.id, a: '321400.00', k: key() })).recordRepayment;
  });

  it('submits once per key: a replay returns the first result, a different request under the key is a CONFLICT', async () => {
    const i = { ...input, bankId: bank.id, insurerId: insurer.id };
    const first = await submitted();
    expect(first).toMatchObject({ status: 'SUBMITTED', amount: '300000.00' });
    const applicationId = first.id;
    const replay = ok(await t.gql(b.token, SUBMIT, { i, k: submitKey })).submitApplication;
    expect(replay).toEqual(first);
    const changed = await t.gql(b.token, SUBMIT, { i: { ...i, amount: '200000.00' }, k: submitKey });
    expect(codeOf(changed)).toBe('CONFLICT');
    const mine = ok(await t.gql(b.token, `{ applications { id } }`)).applications;
    expect(mine.filter((a: any) => a.id === applicationId)).toHaveLength(1);
  });

  it('refuses policy issue, pledge and disbursement before approval, naming the state', async () => {
    const applicationId = (await submitted()).id;
    const r = await t.gql(insurer.token, ISSUE, { a: applicationId, k: key() });
    expect(codeOf(r)).toBe('CONFLICT');
    expect(r.errors![0].message).toMatch(/SUBMITTED/);
    expect(r.errors![0].extensions!.currentState).toBe('SUBMITTED');
  });

  it('hides the application from institutions that are not on it', async () => {
    const applicationId = (await submitted()).id;
    expect(codeOf(await t.gql(otherBank.token, REVIEW, { id: applicationId, d: 'APPROVE', k: key() }))).toBe('NOT_FOUND');
    expect(codeOf(await t.gql(otherInsurer.token, REVIEW, { id: applicationId, d: 'APPROVE', k: key() }))).toBe('NOT_FOUND');
    expect(codeOf(await t.gql(otherBank.token, `query($id: ID!) { application(id: $id) { id } }`, { id: applicationId }))).toBe(
      'NOT_FOUND',
    );
    expect(codeOf(await t.gql(gov.token, `query($id: ID!) { application(id: $id) { id } }`, { id: applicationId }))).toBe('FORBIDDEN');
  });

  it('takes both reviews, each storing the decision, price and parameter version it saw', async () => {
    const applicationId = (await submitted()).id;
    const { k, afterBank } = await bankReviewed();
    expect(afterBank.status).toBe('SUBMITTED');
    expect(ok(await t.gql(bank.token, REVIEW, { id: applicationId, d: 'APPROVE', k })).reviewApplication).toEqual(afterBank); // replay
    expect(codeOf(await t.gql(bank.token, REVIEW, { id: applicationId, d: 'APPROVE', k: key() }))).toBe('CONFLICT'); // twice
    const done = await insurerReviewed();
    expect(done.status).toBe('APPROVED');
    expect(done.reviews).toEqual([
      { reviewerRole: 'BANK', decision: 'APPROVE', eligible: true, grade: 'C', parameterVersion: 1 },
      { reviewerRole: 'INSURER', decision: 'APPROVE', eligible: true, grade: 'C', parameterVersion: 1 },
    ]);
  });

  it('issues the policy with the premium split the insurer saw', async () => {
    await insurerReviewed();
    const applicationId = (await submitted()).id;
    expect(codeOf(await t.gql(bank.token, ISSUE, { a: applicationId, k: key() }))).toBe('FORBIDDEN'); // a bank cannot
    expect(codeOf(await t.gql(otherInsurer.token, ISSUE, { a: applicationId, k: key() }))).toBe('NOT_FOUND'); // nor another insurer
    const { k, p } = await issued();
    expect(p).toMatchObject({
      status: 'ISSUED',
      insuredAmount: '300000.00',
      premiumRate: '0.023',
      premiumAmount: '6900.00',
      borrowerPremium: '3000.00',
      subsidyAmount: '3900.00',
      grade: 'C',
      parameterVersion: 1,
    });
    expect(ok(await t.gql(insurer.token, ISSUE, { a: applicationId, k })).issuePolicy).toEqual(p);
    expect(codeOf(await t.gql(insurer.token, ISSUE, { a: applicationId, k: key() }))).toBe('CONFLICT');
  });

  it('needs the pledge before disbursing, by the application’s own bank', async () => {
    const policyId = (await issued()).p.id;
    const early = await t.gql(bank.token, DISBURSE, { i: { policyId }, k: key() });
    expect(codeOf(early)).toBe('CONFLICT');
    expect(early.errors![0].extensions!.currentState).toBe('ISSUED');
    expect(codeOf(await t.gql(otherBank.token, PLEDGE, { p: policyId, k: key() }))).toBe('NOT_FOUND');
    const { k, p } = await pledged();
    expect(p.status).toBe('PLEDGED');
    expect(ok(await t.gql(bank.token, PLEDGE, { p: policyId, k })).pledgePolicy).toEqual(p);
    expect(codeOf(await t.gql(bank.token, PLEDGE, { p: policyId, k: key() }))).toBe('CONFLICT');
  });

  it('disburses at most the insured amount, at most the ceiling, and builds the schedule', async () => {
    await pledged();
    const applicationId = (await submitted()).id;
    const policyId = (await issued()).p.id;
    expect(codeOf(await t.gql(otherBank.token, DISBURSE, { i: { policyId }, k: key() }))).toBe('NOT_FOUND');
    expect(codeOf(await t.gql(insurer.token, DISBURSE, { i: { policyId }, k: key() }))).toBe('FORBIDDEN');
    expect(codeOf(await t.gql(bank.token, DISBURSE, { i: { policyId, amount: '300000.01' }, k: key() }))).toBe('BAD_USER_INPUT');
    expect(codeOf(await t.gql(bank.token, DISBURSE, { i: { policyId, interestRate: '0.0781' }, k: key() }))).toBe('BAD_USER_INPUT');
    expect(codeOf(await t.gql(bank.token, DISBURSE, { i: { policyId, disbursedOn: '2014-06-16' }, k: key() }))).toBe('BAD_USER_INPUT');
    const { k, l } = await disbursed();
    expect(l).toMatchObject({
      status: 'ACTIVE',
      principal: '300000.00',
      interestRate: '0.078',
      disbursedOn: '2014-06-15',
      maturityOn: '2015-06-15',
      outstandingPrincipal: '300000.00',
    });
    expect(l.schedule).toHaveLength(12);
    expect(l.schedule[0]).toEqual({ seq: 1, dueOn: '2014-07-15', principalDue: '0.00', interestDue: '1950.00' });
    expect(l.schedule[11].principalDue).toBe('300000.00');
    expect(ok(await t.gql(bank.token, DISBURSE, { i: { policyId }, k })).disburseLoan).toEqual(l);
    const loanId = l.id;
    const app = ok(
      await t.gql(b.token, `query($id: ID!) { application(id: $id) { status policy { status startsOn endsOn } loan { id } } }`, {
        id: applicationId,
      }),
    ).application;
    expect(app).toEqual({
      status: 'DISBURSED',
      policy: { status: 'ACTIVE', startsOn: '2014-06-15', endsOn: '2015-06-15' },
      loan: { id: loanId },
    });
  });

  it('furnishes the loan and the policy to the shared records automatically', async () => {
    await disbursed();
    const accounts = ok(await t.gql(b.token, `{ myCreditProfile { accounts { kind furnisher { id } balance status } } }`)).myCreditProfile
      .accounts;
    expect(accounts).toContainEqual({ kind: 'LOAN', furnisher: { id: bank.id }, balance: '300000.00', status: 'CURRENT' });
    expect(accounts).toContainEqual({ kind: 'INSURANCE_POLICY', furnisher: { id: insurer.id }, balance: '300000.00', status: 'CURRENT' });
  });

  it('counts the open loan against the cap in the next quote', async () => {
    await disbursed();
    const q = ok(await t.gql(b.token, QUOTE, { i: { ...SEED, amount: '0.01' } })).quote;
    expect(q.programmeExposure).toBe('300000.00');
    expect(q.reasons.map((r: any) => r.code)).toEqual(['OVER_CATEGORY_CAP']);
  });

  it('allocates repayments interest first and closes loan and policy on full repayment', async () => {
    const loanId = (await disbursed()).l.id;
    const policyId = (await issued()).p.id;
    await atFirstDueDate();
    expect(codeOf(await t.gql(otherBank.token, REPAY, { l: loanId, a: '1950.00', k: key() }))).toBe('NOT_FOUND');
    expect(codeOf(await t.gql(bank.token, REPAY, { l: loanId, a: '0.00', k: key() }))).toBe('BAD_USER_INPUT');
    expect(codeOf(await t.gql(bank.token, REPAY, { l: loanId, a: '323400.01', k: key() }))).toBe('BAD_USER_INPUT');
    const { k, r1 } = await firstRepayment();
    expect(r1.allocation).toEqual([
      { seq: 1, interest: '1950.00', principal: '0.00' },
      { seq: 2, interest: '50.00', principal: '0.00' },
    ]);
    expect(r1.loan).toMatchObject({ status: 'ACTIVE', outstandingPrincipal: '300000.00', daysPastDue: 0, delinquency: 'CURRENT' });
    expect(ok(await t.gql(bank.token, REPAY, { l: loanId, a: '2000.00', d: '2014-07-15', k })).recordRepayment.id).toBe(r1.id);
    const rest = await repaidInFull();
    expect(rest.loan).toMatchObject({ status: 'REPAID', outstandingPrincipal: '0.00', closedOn: '2015-06-15' });
    const after = await t.gql(bank.token, REPAY, { l: loanId, a: '1.00', k: key() });
    expect(codeOf(after)).toBe('CONFLICT');
    expect(after.errors![0].extensions!.currentState).toBe('REPAID');
    const accounts = ok(await t.gql(b.token, `{ myCreditProfile { accounts { kind balance status closedOn } } }`)).myCreditProfile.accounts;
    expect(accounts).toContainEqual({ kind: 'LOAN', balance: '0.00', status: 'PAID', closedOn: '2015-06-15' });
    expect(accounts).toContainEqual({ kind: 'INSURANCE_POLICY', balance: '0.00', status: 'PAID', closedOn: '2015-06-15' });
    const p = ok(await t.gql(insurer.token, `query($id: ID!) { policy(id: $id) { status } }`, { id: policyId })).policy;
    expect(p.status).toBe('CLOSED');
    t.setNow('2014-06-15T02:00:00.000Z');
  });

  it('counts the repaid loan in the borrower’s programme history', async () => {
    await repaidInFull();
    t.setNow('2015-06-16T02:00:00.000Z');
    const q = ok(await t.gql(b.token, QUOTE, { i: { ...SEED, interestRate: '0.07' } })).quote;
    expect(q.score.factors.find((f: any) => f.code === 'PROGRAMME_HISTORY')).toMatchObject({ points: 5, value: 'repaid 1, defaulted 0' });
    expect(q.programmeExposure).toBe('0.00');
    t.setNow('2014-06-15T02:00:00.000Z');
  });
});

describe('declines and refusals', () => {
  it('refuses to approve an ineligible applicant, naming the reasons; declines need no extra reasons then', async () => {
    const rural = await borrower(t, bank, { category: 'RURAL_HOUSEHOLD', registeredOn: '2005-01-01' });
    const a = ok(
      await t.gql(rural.token, SUBMIT, { i: { bankId: bank.id, insurerId: insurer.id, ...SEED, loanPurpose: '养殖' }, k: key() }),
    ).submitApplication;
    const approve = await t.gql(bank.token, REVIEW, { id: a.id, d: 'APPROVE', k: key() });
    expect(codeOf(approve)).toBe('CONFLICT');
    expect(approve.errors![0].extensions!.reasons).toEqual(['OVER_CATEGORY_CAP']);
    const declined = ok(await t.gql(bank.token, REVIEW, { id: a.id, d: 'DECLINE', k: key() })).reviewApplication;
    expect(declined.status).toBe('DECLINED');
    expect(declined.reviews[0]).toMatchObject({ decision: 'DECLINE', eligible: false });
    expect(codeOf(await t.gql(insurer.token, REVIEW, { id: a.id, d: 'APPROVE', k: key() }))).toBe('CONFLICT');
  });

  it('needs reasons to decline an eligible applicant', async () => {
    const c = await borrower(t, bank, { registeredOn: '2013-06-01' });
    const a = ok(
      await t.gql(c.token, SUBMIT, {
        i: { bankId: bank.id, insurerId: insurer.id, amount: '50000.00', termYears: 1, interestRate: '0.07', loanPurpose: '零售' },
        k: key(),
      }),
    ).submitApplication;
    expect(codeOf(await t.gql(insurer.token, REVIEW, { id: a.id, d: 'DECLINE', k: key() }))).toBe('BAD_USER_INPUT');
    const r = ok(await t.gql(insurer.token, REVIEW, { id: a.id, d: 'DECLINE', r: ['经营场所未核实'], k: key() })).reviewApplication;
    expect(r.status).toBe('DECLINED');
  });

  it('lets a bank submit for a borrower only with the borrower’s consent, and only to itself', async () => {
    const d = await borrower(t, bank, { registeredOn: '2013-06-01' });
    const i = {
      borrowerId: d.id,
      bankId: bank.id,
      insurerId: insurer.id,
      amount: '50000.00',
      termYears: 1,
      interestRate: '0.07',
      loanPurpose: '餐饮',
    };
    expect(codeOf(await t.gql(bank.token, SUBMIT, { i, k: key() }))).toBe('FORBIDDEN');
    expect(codeOf(await t.gql(otherBank.token, SUBMIT, { i, k: key() }))).toBe('FORBIDDEN');
    await consent(t, d, bank, 'LOAN_APPLICATION');
    expect(ok(await t.gql(bank.token, SUBMIT, { i, k: key() })).submitApplication.status).toBe('SUBMITTED');
  });

  it('validates the idempotency key', async () => {
    const i = { bankId: bank.id, insurerId: insurer.id, amount: '50000.00', termYears: 1, interestRate: '0.07', loanPurpose: 'x' };
    expect(codeOf(await t.gql(b.token, SUBMIT, { i, k: 'short' }))).toBe('BAD_USER_INPUT');
  });
});

describe('parameter versions', () => {
  const CREATE = `mutation($i: NewParameterVersionInput!, $k: String!) { createParameterVersion(input: $i, idempotencyKey: $k) { version effectiveFrom basePremiumRate } }`;

  /** A story of its own: a loan priced under version 1, then version 2 announced for 2014-07-01 (test/helpers/steps.ts). */
  const versions = steps();
  const versionTwoAnnounced = versions(async () => {
    const e = await borrower(t, bank, { registeredOn: '2013-06-01' });
    const fresh = await borrower(t, bank, { registeredOn: '2013-06-01' }); // thin file: grade C
    const deal = await disbursedLoan(t, e, bank, insurer, { amount: '100000.00', interestRate: '0.07' });
    const k = key('params');
    const v = ok(
      await t.gql(gov.token, CREATE, {
        i: { effectiveFrom: '2014-07-01T00:00:00+08:00', note: '保费上调', changes: { basePremiumRate: '0.025' } },
        k,
      }),
    ).createParameterVersion;
    return { fresh, deal, k, v };
  });

  it('changes new quotes from the effective date, never stored decisions', async () => {
    const { fresh, deal, k, v } = await versionTwoAnnounced();
    expect(v).toMatchObject({ version: 2, basePremiumRate: '0.025' });
    expect(
      ok(
        await t.gql(gov.token, CREATE, {
          i: { effectiveFrom: '2014-07-01T00:00:00+08:00', note: '保费上调', changes: { basePremiumRate: '0.025' } },
          k,
        }),
      ).createParameterVersion,
    ).toEqual(v);
    // before the effective date: still version 1
    const before = ok(await t.gql(fresh.token, QUOTE, { i: { ...SEED, amount: '100000.00', interestRate: '0.07' } })).quote;
    expect(before).toMatchObject({ parameterVersion: 1, price: { premiumRate: '0.023' } });
    t.setNow('2014-06-30T16:00:00.000Z'); // 2014-07-01 00:00 in Zhangjiakou
    const after = ok(await t.gql(fresh.token, QUOTE, { i: { ...SEED, amount: '100000.00', interestRate: '0.07' } })).quote;
    expect(after).toMatchObject({
      parameterVersion: 2,
      price: { premiumRate: '0.025', subsidyPremium: '1500.00', borrowerPremium: '1000.00' },
    });
    const stored = ok(
      await t.gql(insurer.token, `query($id: ID!) { policy(id: $id) { premiumRate parameterVersion } }`, { id: deal.policyId }),
    ).policy;
    expect(stored).toEqual({ premiumRate: '0.023', parameterVersion: 1 });
    t.setNow('2014-06-15T02:00:00.000Z');
  });

  it('refuses back-dated or invalid versions, and other roles', async () => {
    expect(codeOf(await t.gql(gov.token, CREATE, { i: { effectiveFrom: '2014-06-01T00:00:00Z', note: 'x', changes: {} }, k: key() }))).toBe(
      'BAD_USER_INPUT',
    );
    const bad = await t.gql(gov.token, CREATE, {
      i: { effectiveFrom: '2015-01-01T00:00:00Z', note: 'x', changes: { lossShares: { insurer: '0.8', bank: '0.3' } } },
      k: key(),
    });
    expect(codeOf(bad)).toBe('BAD_USER_INPUT');
    expect(bad.errors![0].message).toMatch(/sum to 1/);
    expect(
      codeOf(await t.gql(bank.token, CREATE, { i: { effectiveFrom: '2015-01-01T00:00:00Z', note: 'x', changes: {} }, k: key() })),
    ).toBe('FORBIDDEN');
  });

  it('shows every signed-in role the parameters in force', async () => {
    await versionTwoAnnounced(); // version 2 exists, but is not yet in force
    const p = ok(
      await t.gql(
        b.token,
        `{ programmeParameters { version categoryCaps { category cap } lossShares { insurer bank } terms { years premiumFactor } } }`,
      ),
    ).programmeParameters;
    expect(p.version).toBe(1);
    expect(p.categoryCaps).toContainEqual({ category: 'RURAL_HOUSEHOLD', cap: '200000.00' });
    expect(p.lossShares).toEqual({ insurer: '0.8', bank: '0.2' });
    expect(p.terms.map((x: any) => x.years)).toEqual([1, 2, 3, 5]);
  });
});
