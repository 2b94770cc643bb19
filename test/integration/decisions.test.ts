import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  borrower,
  consent,
  disbursedLoan,
  furnish,
  institution,
  ISSUE,
  key,
  REVIEW,
  SUBMIT,
  type BorrowerHandle,
  type Inst,
} from '../factories.js';
import { codeOf, ok, useTestApp, type TestApp } from '../helpers/app.js';
import { steps } from '../helpers/steps.js';

/**
 * Explained decisions and a human in the loop (PIPL Art 24), and inquiries that are fair to the
 * borrower: only hard inquiries move the score, so a bank's post-loan reads never move the price.
 */
const T0 = '2014-06-15T02:00:00.000Z';
const app = useTestApp({ now: T0 });
const at = (days: number) => new Date(new Date(T0).getTime() + days * 86_400_000);
let t: TestApp;
let bank: Inst;
let insurer: Inst;
let furnisher: Inst;
let stranger: Inst;

const QUOTE = `query($i: QuoteInput!) { quote(input: $i) {
  eligible score { score grade factors { code points value explanation } }
  price { premiumRate premiumAmount borrowerPremium subsidyPremium interestAmount financingCostRate } } }`;
const DECISIONS = `{ myDecisions {
  id applicationId institution { id } reviewerRole decision eligible grade score summary current decidedAt parameterVersion
  reasons { code explanation overridable restsOn limit actual }
  institutionReasons keyFactors { code points value explanation } priceExplanation price { premiumRate borrowerPremium }
  overrides { code justification restsOn }
  humanReview { id status statement justification overrides { code } institution { id } } } }`;
const REQUEST = `mutation($a: ID!, $s: String!, $k: String!) { requestHumanReview(applicationId: $a, statement: $s, idempotencyKey: $k) {
  id applicationId status statement requestedAt institution { id } overrides { code } resolvedAt } }`;
const RESOLVE = `mutation($id: ID!, $o: HumanReviewOutcome!, $j: String!, $ov: [OverrideInput!], $k: String!) {
  resolveHumanReview(id: $id, outcome: $o, justification: $j, overrides: $ov, idempotencyKey: $k) {
    id status justification resolvedAt overrides { code justification restsOn } } }`;
const TO_ANSWER = `query($s: HumanReviewStatus) { humanReviewsToAnswer(status: $s) { id applicationId status statement institution { id } } }`;
const APPLICATION = `query($id: ID!) { application(id: $id) { status
  reviews { reviewerRole decision eligible grade humanReviewId overrides { code justification restsOn }
    eligibilityReasons { code explanation overridable restsOn } factors { code explanation } } } }`;
const FILE_DISPUTE = `mutation($r: ID!, $why: String!) { fileDispute(recordId: $r, reason: $why) { id } }`;
const RESOLVE_DISPUTE = `mutation($id: ID!, $n: String!) { resolveDispute(id: $id, outcome: UNVERIFIABLE, note: $n) { id outcome } }`;
const HAN = /[\u4e00-\u9fff]/;

beforeAll(async () => {
  t = await app();
  [bank, insurer, furnisher, stranger] = await Promise.all([
    institution(t, 'BANK'),
    institution(t, 'INSURER'),
    institution(t, 'BANK'),
    institution(t, 'BANK'),
  ]);
});

async function apply(b: BorrowerHandle, amount: string, interestRate = '0.07') {
  const i = { bankId: bank.id, insurerId: insurer.id, amount, termYears: 1, interestRate, loanPurpose: '扩大养殖规模' };
  return ok(await t.gql(b.token, SUBMIT, { i, k: key('submit') })).submitApplication as { id: string; status: string };
}

/**
 * A borrower with an overdue account the furnisher could not verify (the dispute ended
 * UNVERIFIABLE), declined by the bank, then by the insurer, each decline overturned by a human
 * reviewer who sets the overdue reason aside (test/helpers/steps.ts: each step runs once).
 */
const story = steps();
const overdueUnverifiable = story(async () => {
  t.setNow(T0);
  const u = await borrower(t, bank, { registeredOn: '2013-06-01' });
  const r = await furnish(t, furnisher, [{ borrowerId: u.id, accountRef: 'HR-1', status: 'DPD_60', openedOn: '2014-01-10' }]);
  const accountId = r.accounts[0].id;
  t.setNow(at(20)); // past the 15-day prior notice: every reader sees the adverse status now
  const d = ok(await t.gql(u.token, FILE_DISPUTE, { r: accountId, why: '这笔贷款我已按时还清，记录有误' })).fileDispute;
  ok(await t.gql(furnisher.token, RESOLVE_DISPUTE, { id: d.id, n: '原始还款凭证已遗失，无法核实' }));
  return { u, accountId };
});
const bankDeclined = story(async () => {
  const { u } = await overdueUnverifiable();
  t.setNow(at(20));
  const a = await apply(u, '100000.00');
  const declined = ok(await t.gql(bank.token, REVIEW, { id: a.id, d: 'DECLINE', k: key('review') })).reviewApplication;
  return { applicationId: a.id, declined };
});
const requestKey = key('hr');
const requested = story(async () => {
  const { u } = await overdueUnverifiable();
  const { applicationId } = await bankDeclined();
  return ok(await t.gql(u.token, REQUEST, { a: applicationId, s: '逾期记录有误，异议已被认定无法核实，请人工复核。', k: requestKey }))
    .requestHumanReview;
});
const bankOverturned = story(async () => {
  const hr = await requested();
  t.setNow(at(21));
  const ov = [{ code: 'CURRENTLY_OVERDUE', justification: '该逾期记录经异议无法核实，借款人提供了按时还款的银行流水' }];
  return ok(await t.gql(bank.token, RESOLVE, { id: hr.id, o: 'OVERTURN', j: '人工复核：逾期记录不可采信', ov, k: key('resolve') }))
    .resolveHumanReview;
});
const insurerOverturned = story(async () => {
  const { u } = await overdueUnverifiable();
  const { applicationId } = await bankDeclined();
  await bankOverturned();
  t.setNow(at(22));
  const declined = ok(await t.gql(insurer.token, REVIEW, { id: applicationId, d: 'DECLINE', k: key('review') })).reviewApplication;
  const hr = ok(
    await t.gql(u.token, REQUEST, { a: applicationId, s: '同一条无法核实的记录，请保险公司人工复核。', k: key('hr') }),
  ).requestHumanReview;
  const ov = [{ code: 'CURRENTLY_OVERDUE', justification: '记录无法核实，保前审查不予采信' }];
  t.setNow(at(23));
  const resolved = ok(
    await t.gql(insurer.token, RESOLVE, { id: hr.id, o: 'OVERTURN', j: '保前人工复核通过', ov, k: key('resolve') }),
  ).resolveHumanReview;
  return { declined, hr, resolved };
});

describe('myDecisions: every decision about the borrower, explained', () => {
  it('explains a decline in plain Chinese: reasons with codes, key factors biggest first, what set the price', async () => {
    const { u, accountId } = await overdueUnverifiable();
    const { applicationId, declined } = await bankDeclined();
    expect(declined.status).toBe('DECLINED');
    const [d] = ok(await t.gql(u.token, DECISIONS)).myDecisions;
    expect(d).toMatchObject({
      applicationId,
      institution: { id: bank.id },
      reviewerRole: 'BANK',
      decision: 'DECLINE',
      eligible: false,
      current: true,
      institutionReasons: [],
      overrides: [],
      humanReview: null,
      parameterVersion: 1,
    });
    expect(d.summary).toMatch(/拒绝了您 100000\.00 元、1 年期的贷款申请/);
    expect(d.summary).toMatch(/可以申请人工复核/);
    expect(d.reasons).toEqual([
      expect.objectContaining({ code: 'CURRENTLY_OVERDUE', actual: '1', overridable: true, restsOn: [accountId] }),
    ]);
    expect(d.reasons[0].explanation).toMatch(/1 个账户目前处于逾期状态/);
    expect(d.reasons[0].explanation).toMatch(/无法核实.*人工复核/);
    // biggest effect first, each in Chinese
    const sizes = d.keyFactors.map((f: any) => Math.abs(f.points));
    expect(sizes).toEqual([...sizes].sort((a, b) => b - a));
    expect(d.keyFactors).toHaveLength(6);
    for (const f of d.keyFactors) expect(f.explanation).toMatch(HAN);
    expect(d.keyFactors.find((f: any) => f.code === 'CURRENT_OVERDUE')).toMatchObject({
      points: -20,
      explanation: '目前有 1 个账户逾期，扣 20 分。',
    });
    expect(d.priceExplanation).toContain(`信用等级为 ${d.grade}`);
    expect(d.priceExplanation).toContain(`您自己承担 ${d.price.borrowerPremium} 元`);
    expect(d.priceExplanation).toMatch(/财政补贴/);
  });

  it('is the borrower’s alone: institutions and the authorities get FORBIDDEN, another borrower sees none of it', async () => {
    await bankDeclined();
    expect(codeOf(await t.gql(bank.token, DECISIONS))).toBe('FORBIDDEN');
    expect(codeOf(await t.gql(await t.token({ sub: 'admin-1', role: 'ADMIN' }), DECISIONS))).toBe('FORBIDDEN');
    const other = await borrower(t, bank, { registeredOn: '2013-06-01' });
    expect(ok(await t.gql(other.token, DECISIONS)).myDecisions).toEqual([]);
  });
});

describe('human review (PIPL Art 24)', () => {
  it('takes one request per decline, from the application’s borrower only', async () => {
    const { u } = await overdueUnverifiable();
    const { applicationId } = await bankDeclined();
    const hr = await requested();
    expect(hr).toMatchObject({ applicationId, status: 'OPEN', institution: { id: bank.id }, overrides: [], resolvedAt: null });
    const s = '逾期记录有误，异议已被认定无法核实，请人工复核。';
    expect(ok(await t.gql(u.token, REQUEST, { a: applicationId, s, k: requestKey })).requestHumanReview).toEqual(hr); // replay
    expect(codeOf(await t.gql(u.token, REQUEST, { a: applicationId, s: '再次申请', k: key() }))).toBe('CONFLICT');
    const other = await borrower(t, bank, { registeredOn: '2013-06-01' });
    expect(codeOf(await t.gql(other.token, REQUEST, { a: applicationId, s: '冒名', k: key() }))).toBe('NOT_FOUND');
    expect(codeOf(await t.gql(bank.token, REQUEST, { a: applicationId, s: '代申请', k: key() }))).toBe('FORBIDDEN');
    expect(codeOf(await t.gql(u.token, REQUEST, { a: applicationId, s: 'x'.repeat(501), k: key() }))).toBe('BAD_USER_INPUT');
  });

  it('is answered by the declining institution only: a stranger bank and the application’s insurer get NOT_FOUND', async () => {
    const hr = await requested();
    const j = { id: hr.id, o: 'UPHOLD', j: '维持', k: key() };
    expect(codeOf(await t.gql(stranger.token, RESOLVE, j))).toBe('NOT_FOUND');
    expect(codeOf(await t.gql(insurer.token, RESOLVE, { ...j, k: key() }))).toBe('NOT_FOUND');
    expect(ok(await t.gql(stranger.token, TO_ANSWER, { s: 'OPEN' })).humanReviewsToAnswer).toEqual([]);
    const mine = ok(await t.gql(bank.token, TO_ANSWER, { s: 'OPEN' })).humanReviewsToAnswer;
    expect(mine).toContainEqual({
      id: hr.id,
      applicationId: hr.applicationId,
      status: 'OPEN',
      statement: hr.statement,
      institution: { id: bank.id },
    });
  });

  it('overturns only with every failing reason overridden, then approves with the overrides on record', async () => {
    const { u, accountId } = await overdueUnverifiable();
    const hr = await requested();
    const missing = await t.gql(bank.token, RESOLVE, { id: hr.id, o: 'OVERTURN', j: '批准', k: key() });
    expect(codeOf(missing)).toBe('BAD_USER_INPUT');
    expect(missing.errors![0].message).toContain('CURRENTLY_OVERDUE');
    const resolved = await bankOverturned();
    expect(resolved).toMatchObject({
      status: 'OVERTURNED',
      justification: '人工复核：逾期记录不可采信',
      overrides: [{ code: 'CURRENTLY_OVERDUE', justification: expect.stringMatching(HAN), restsOn: [accountId] }],
    });
    expect(codeOf(await t.gql(bank.token, RESOLVE, { id: hr.id, o: 'UPHOLD', j: '改主意', k: key() }))).toBe('CONFLICT');
    // the insurer has not reviewed yet: back to SUBMITTED, the bank's review in force is now the approval
    const a = ok(await t.gql(u.token, APPLICATION, { id: hr.applicationId })).application;
    expect(a.status).toBe('SUBMITTED');
    expect(a.reviews).toEqual([
      expect.objectContaining({
        reviewerRole: 'BANK',
        decision: 'APPROVE',
        eligible: false,
        humanReviewId: hr.id,
        overrides: resolved.overrides,
        eligibilityReasons: [expect.objectContaining({ code: 'CURRENTLY_OVERDUE', overridable: true, restsOn: [accountId] })],
      }),
    ]);
    expect(ok(await t.gql(bank.token, TO_ANSWER, { s: 'OPEN' })).humanReviewsToAnswer.map((h: any) => h.id)).not.toContain(hr.id);
  });

  it('needs the other institution too: its decline is reviewed and overturned the same way, and the application is APPROVED', async () => {
    const { u } = await overdueUnverifiable();
    const { applicationId } = await bankDeclined();
    const { declined, resolved } = await insurerOverturned();
    expect(declined.status).toBe('DECLINED');
    expect(resolved.status).toBe('OVERTURNED');
    const a = ok(await t.gql(u.token, APPLICATION, { id: applicationId })).application;
    expect(a.status).toBe('APPROVED');
    expect(a.reviews.map((r: any) => [r.reviewerRole, r.decision])).toEqual([
      ['BANK', 'APPROVE'],
      ['INSURER', 'APPROVE'],
    ]);
    // the policy is issued at the price of the review in force, not the superseded decline
    const policy = ok(await t.gql(insurer.token, ISSUE, { a: applicationId, k: key('issue') })).issuePolicy;
    expect(policy).toMatchObject({ status: 'ISSUED', grade: a.reviews[1].grade });
    // every decision stays readable: the declines superseded, the approvals in force
    const mine = ok(await t.gql(u.token, DECISIONS)).myDecisions.filter((d: any) => d.applicationId === applicationId);
    expect(mine.map((d: any) => [d.reviewerRole, d.decision, d.current, d.humanReview?.status ?? null])).toEqual([
      ['INSURER', 'APPROVE', true, null],
      ['INSURER', 'DECLINE', false, 'OVERTURNED'],
      ['BANK', 'APPROVE', true, null],
      ['BANK', 'DECLINE', false, 'OVERTURNED'],
    ]);
    expect(mine[0].summary).toMatch(/经人工复核后批准了/);
    expect(mine[0].overrides).toEqual([expect.objectContaining({ code: 'CURRENTLY_OVERDUE' })]);
    expect(mine[1].summary).toMatch(/已被人工复核后的新决定取代/);
    const notices = ok(await t.gql(u.token, `{ myNotices { kind message institution { id } } }`)).myNotices.filter(
      (n: any) => n.kind === 'HUMAN_REVIEW_RESOLVED',
    );
    expect(notices.map((n: any) => n.institution.id).sort()).toEqual([bank.id, insurer.id].sort());
    expect(notices.find((n: any) => n.institution.id === insurer.id).message).toMatch(/撤销拒绝决定，改为批准.*您的申请已获批准/);
  });

  it('never overrides a hard limit: a cap override is refused naming it; upholding keeps the decline', async () => {
    t.setNow(T0);
    const r = await borrower(t, bank, { category: 'RURAL_HOUSEHOLD', registeredOn: '2005-01-01' });
    const a = await apply(r, '300000.00');
    ok(await t.gql(bank.token, REVIEW, { id: a.id, d: 'DECLINE', k: key() }));
    const hr = ok(await t.gql(r.token, REQUEST, { a: a.id, s: '我需要三十万元扩大养殖', k: key() })).requestHumanReview;
    const ov = [{ code: 'OVER_CATEGORY_CAP', justification: '借款人经营良好' }];
    const refused = await t.gql(bank.token, RESOLVE, { id: hr.id, o: 'OVERTURN', j: '特批', ov, k: key() });
    expect(codeOf(refused)).toBe('CONFLICT');
    expect(refused.errors![0].message).toMatch(/OVER_CATEGORY_CAP.*never be overridden/);
    expect(refused.errors![0].extensions!.reasons).toEqual(['OVER_CATEGORY_CAP']);
    const bare = await t.gql(bank.token, RESOLVE, { id: hr.id, o: 'OVERTURN', j: '特批', k: key() });
    expect(codeOf(bare)).toBe('CONFLICT');
    expect(bare.errors![0].message).toContain('OVER_CATEGORY_CAP');
    const upheld = ok(
      await t.gql(bank.token, RESOLVE, { id: hr.id, o: 'UPHOLD', j: '超过农户贷款上限，维持拒绝', k: key() }),
    ).resolveHumanReview;
    expect(upheld).toMatchObject({ status: 'UPHELD', justification: '超过农户贷款上限，维持拒绝', overrides: [] });
    expect(ok(await t.gql(r.token, APPLICATION, { id: a.id })).application.status).toBe('DECLINED');
    const [d] = ok(await t.gql(r.token, DECISIONS)).myDecisions;
    expect(d).toMatchObject({
      decision: 'DECLINE',
      current: true,
      humanReview: { status: 'UPHELD', justification: '超过农户贷款上限，维持拒绝' },
    });
    expect(d.reasons).toEqual([
      expect.objectContaining({ code: 'OVER_CATEGORY_CAP', overridable: false, restsOn: [], limit: '200000.00', actual: '300000.00' }),
    ]);
    expect(d.reasons[0].explanation).toMatch(/硬性规定/);
    const notice = ok(await t.gql(r.token, `{ myNotices { kind message } }`)).myNotices.find(
      (n: any) => n.kind === 'HUMAN_REVIEW_RESOLVED',
    );
    expect(notice.message).toMatch(/维持拒绝决定/);
  });

  it('explains a decision stored before explanations existed', async () => {
    t.setNow(T0);
    const r = await borrower(t, bank, { category: 'RURAL_HOUSEHOLD', registeredOn: '2005-01-01' });
    const a = await apply(r, '250000.00');
    ok(await t.gql(bank.token, REVIEW, { id: a.id, d: 'DECLINE', k: key() }));
    // an old row: reasons and factors without the explanation fields
    await t.tdb.db.orm.execute(sql`update application_reviews set
      eligibility_reasons = (select jsonb_agg(x - 'explanation' - 'overridable' - 'restsOn') from jsonb_array_elements(eligibility_reasons) x),
      factors = (select jsonb_agg(x - 'explanation') from jsonb_array_elements(factors) x)
      where application_id = ${a.id}::uuid`);
    const [d] = ok(await t.gql(r.token, DECISIONS)).myDecisions;
    expect(d.reasons).toEqual([expect.objectContaining({ code: 'OVER_CATEGORY_CAP', overridable: false, restsOn: [] })]);
    expect(d.reasons[0].explanation).toContain('250000.00');
    for (const f of d.keyFactors) expect(f.explanation).toMatch(HAN);
    const review = ok(await t.gql(bank.token, APPLICATION, { id: a.id })).application.reviews[0];
    expect(review.factors.every((f: any) => HAN.test(f.explanation))).toBe(true);
  });
});

describe('inquiries fair to the borrower', () => {
  it('leaves the grade and the price unchanged after a bank’s post-loan reads', async () => {
    t.setNow(T0);
    const p = await borrower(t, bank, { registeredOn: '2013-01-01' });
    await disbursedLoan(t, p, bank, insurer, { amount: '100000.00', interestRate: '0.05' });
    await consent(t, p, bank, 'POST_LOAN_MANAGEMENT');
    const i = { amount: '100000.00', termYears: 1, interestRate: '0.06' };
    t.setNow(at(60)); // the application's own hard inquiries are past the 30-day buffer
    const before = ok(await t.gql(p.token, QUOTE, { i })).quote;
    const PL = `query($b: ID!) { creditProfile(borrowerId: $b, purpose: POST_LOAN_MANAGEMENT) { summary { softInquiriesLast6Months } } }`;
    // post-loan reads on six days: were they counted, the count (2 hard) would reach 8, worth 15 points less
    for (let d = 0; d < 6; d++) {
      t.setNow(at(60 + d));
      ok(await t.gql(bank.token, PL, { b: p.id }));
      ok(await t.gql(bank.token, PL, { b: p.id })); // twice the same day
    }
    t.setNow(at(100)); // the reads are now inside the scorecard's window
    const after = ok(await t.gql(p.token, QUOTE, { i })).quote;
    const inquiries = (q: any) => q.score.factors.find((f: any) => f.code === 'RECENT_INQUIRIES');
    expect(inquiries(before)).toMatchObject({ value: '2', points: 5 });
    expect(inquiries(after)).toMatchObject({ value: '2', points: 5 });
    expect(after.score).toEqual(before.score);
    expect(after.price).toEqual(before.price);
    const own = ok(await t.gql(p.token, `{ myCreditProfile { summary { hardInquiriesLast6Months softInquiriesLast6Months } } }`));
    expect(own.myCreditProfile.summary.softInquiriesLast6Months).toBeGreaterThanOrEqual(12);
    t.setNow(T0);
  });
});
