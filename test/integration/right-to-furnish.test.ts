import { sql } from 'drizzle-orm';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { rows } from '../../src/db/client.js';
import {
  adminToken,
  AGE,
  allowFurnishing,
  borrower,
  borrowerToken,
  consent,
  disbursedLoan,
  institution,
  key,
  nationalId,
  record,
  SUBMIT,
  type BorrowerHandle,
  type Inst,
  type RecordInput,
} from '../factories.js';
import { codeOf, ok, useTestApp, type GqlResult, type TestApp } from '../helpers/app.js';

/**
 * Who may write to a borrower's file (issue 10, item 1): only the programme's lifecycle, or an
 * institution the borrower authorised to furnish (FURNISHING consent, with a scope); the first
 * adverse status of an account waits out the borrower's prior notice (条例 Art 15).
 */
const START = new Date('2026-06-15T02:00:00.000Z');
const DAY = 86_400_000;
const at = (days: number) => new Date(START.getTime() + days * DAY);
const app = useTestApp({ now: START.toISOString() });
let t: TestApp;
let bank: Inst;
let insurer: Inst;
let stranger: Inst;
let reader: Inst;

beforeAll(async () => {
  t = await app();
  [bank, insurer, stranger, reader] = await Promise.all([
    institution(t, 'BANK'),
    institution(t, 'INSURER'),
    institution(t, 'BANK', `zhangyuan-village-bank-${process.pid}`),
    institution(t, 'BANK'),
  ]);
});
// every test starts on the same day, whatever clock an earlier one left behind
beforeEach(() => t.setNow(START));

const REG = `mutation($i: RegisterBorrowerInput!) {
  registerBorrower(input: $i) { borrowerId name nationalIdMasked category county sector registeredOn } }`;
const FURNISH_SRC = `mutation($r: [CreditRecordInput!]!) {
  furnishCreditRecords(records: $r) { created updated accounts { id accountRef status balance source } } }`;
const PROFILE = `query($b: ID!, $p: ConsentPurpose!) { creditProfile(borrowerId: $b, purpose: $p) {
  accounts { accountRef status balance paymentPattern } summary { openAccounts worstStatus24Months } } }`;
const MY_PROFILE = `{ myCreditProfile { accounts { accountRef status } summary { worstStatus24Months } } }`;
const NOTICES = `query($n: Int) { myNotices(first: $n) {
  id kind recordId accountRef institution { id name } status balance message notifiedAt effectiveAt } }`;
const GRANT = `mutation($i: ID!, $p: ConsentPurpose!, $e: DateTime!, $s: [AccountKind!]) {
  grantConsent(institutionId: $i, purpose: $p, expiresAt: $e, scope: $s) { id purpose scope expiresAt active } }`;
const REVOKE = `mutation($id: ID!) { revokeConsent(id: $id) { id revokedAt } }`;
const CONSENTS = `{ myConsents { id purpose scope institution { id } } }`;
const CUSTOMERS = `{ customers(first: 100) { nodes { borrower { id } } } }`;
const PURPOSES = `{ consentPurposes { purpose inquiryKind maxDays description } }`;

const person = (over: Record<string, string> = {}) => ({
  name: '王建国',
  nationalId: nationalId(),
  category: 'INDIVIDUAL_ENTREPRENEUR',
  county: '宣化区',
  sector: 'retail',
  registeredOn: '2025-01-01',
  ...over,
});

type Furnished = {
  created: number;
  updated: number;
  accounts: { id: string; accountRef: string; status: string; balance: string; source: string }[];
};
const furnishAs = (inst: Inst, records: RecordInput[]) =>
  t.gql<{ furnishCreditRecords: Furnished }>(inst.token, FURNISH_SRC, { r: records.map(record) });
const furnished = async (inst: Inst, records: RecordInput[]) => ok(await furnishAs(inst, records)).furnishCreditRecords;
const problemsOf = (r: GqlResult) => r.errors![0].extensions!.problems as { index: number; field: string; reason: string }[];
const NO_FURNISHING = expect.stringMatching(/no active FURNISHING consent/);

const grant = (b: BorrowerHandle, inst: Inst, purpose: string, days: number, scope: string[] | null = null) =>
  t.gql(b.token, GRANT, { i: inst.id, p: purpose, e: new Date(t.now.getTime() + days * DAY).toISOString(), s: scope });
const profile = async (inst: Inst, b: BorrowerHandle, purpose = 'LOAN_APPLICATION') =>
  ok(await t.gql(inst.token, PROFILE, { b: b.id, p: purpose })).creditProfile as {
    accounts: { accountRef: string; status: string; balance: string; paymentPattern: string }[];
    summary: { openAccounts: number; worstStatus24Months: string | null };
  };
const notices = async (b: BorrowerHandle, n?: number) =>
  ok(await t.gql(b.token, NOTICES, { n })).myNotices as {
    id: string;
    kind: string;
    recordId: string | null;
    accountRef: string | null;
    institution: { id: string; name: string } | null;
    status: string | null;
    balance: string | null;
    message: string;
    notifiedAt: string;
    effectiveAt: string;
  }[];
const accountCount = async () => (await rows<{ n: number }>(t.tdb.db.orm, sql`select count(*)::int as n from credit_accounts`))[0].n;

describe('a stranger cannot write to a file', () => {
  it("refuses the issue's attack: a bank that knows a person's name and id registers them, then furnishes EVIL-1", async () => {
    const input = person();
    // the person's own bank onboarded them; an insurer they consented to reads their file
    const own = ok(await t.gql(bank.token, REG, { i: input })).registerBorrower;
    const victim = { id: own.borrowerId as string, token: await borrowerToken(t, own.borrowerId) };
    await consent(t, victim, insurer, 'UNDERWRITING');
    const before = await profile(insurer, victim, 'UNDERWRITING');

    const reg = ok(await t.gql(stranger.token, REG, { i: input })).registerBorrower;
    expect(reg.borrowerId).toBe(victim.id);
    const evil = await furnishAs(stranger, [{ borrowerId: victim.id, accountRef: 'EVIL-1', status: 'DPD_180_PLUS', balance: '50000.00' }]);
    expect(codeOf(evil)).toBe('BAD_USER_INPUT');
    expect(problemsOf(evil)).toEqual([{ index: 0, field: 'borrowerId', reason: NO_FURNISHING }]);
    // no other door: registering made no customer, and an application needs the borrower's consent
    expect(
      ok(await t.gql(stranger.token, CUSTOMERS)).customers.nodes.map((n: { borrower: { id: string } }) => n.borrower.id),
    ).not.toContain(victim.id);
    const application = {
      borrowerId: victim.id,
      bankId: stranger.id,
      insurerId: insurer.id,
      amount: '100000.00',
      termYears: 1,
      interestRate: '0.05',
      repaymentMethod: 'INTEREST_ONLY_BULLET',
      loanPurpose: '扩大养殖规模',
    };
    expect(codeOf(await t.gql(stranger.token, SUBMIT, { i: application, k: key() }))).toBe('FORBIDDEN');

    const after = await profile(insurer, victim, 'UNDERWRITING');
    expect(after.accounts).toEqual(before.accounts);
    expect(after.accounts).toEqual([]);
    expect(after.summary.worstStatus24Months).toBeNull();
    const mine = ok(await t.gql(victim.token, MY_PROFILE)).myCreditProfile;
    expect(mine.accounts).toEqual([]);
    expect(mine.summary.worstStatus24Months).toBeNull();
    expect(ok(await t.gql(victim.token, CONSENTS)).myConsents.map((c: { institution: { id: string } }) => c.institution.id)).toEqual([
      insurer.id,
    ]);
    expect(await rows(t.tdb.db.orm, sql`select 1 from credit_accounts where account_ref = 'EVIL-1'`)).toHaveLength(0);
  });

  it('answers registerBorrower the same for a new id, a known id, and a known id under another name', async () => {
    const input = person({ name: '赵桂兰' });
    const asNew = await t.gql(bank.token, REG, { i: input });
    const asKnown = await t.gql(stranger.token, REG, { i: input });
    const underAnotherName = await t.gql(stranger.token, REG, { i: { ...input, name: '冒名者' } });
    const freshUnderThatName = await t.gql(stranger.token, REG, { i: person({ name: '冒名者' }) });
    const registration = asNew.data.registerBorrower;
    // the whole answer is the borrower id and the input as received: nothing tells the three apart
    expect(asKnown).toEqual(asNew);
    expect(underAnotherName).toEqual({ data: { registerBorrower: { ...registration, name: '冒名者' } } });
    expect(freshUnderThatName).toEqual({
      data: { registerBorrower: { ...registration, name: '冒名者', borrowerId: expect.any(String), nationalIdMasked: expect.any(String) } },
    });
    // the mismatch wrote nothing to the borrower; the regulator's audit trail keeps it
    const [stored] = await rows<{ name: string }>(
      t.tdb.db.orm,
      sql`select name from borrowers where id = ${registration.borrowerId}::uuid`,
    );
    expect(stored.name).toBe('赵桂兰');
    const audit = await rows<{ action: string; institution: string }>(
      t.tdb.db.orm,
      sql`select action, actor_institution_id as institution from audit_log where target_id = ${registration.borrowerId} and action like 'borrower.%' order by id`,
    );
    expect(audit).toEqual([
      { action: 'borrower.registered', institution: bank.id },
      { action: 'borrower.registration_repeated', institution: stranger.id },
      { action: 'borrower.registration_mismatch', institution: stranger.id },
    ]);
    expect(
      await rows(t.tdb.db.orm, sql`select 1 from institution_customers where borrower_id = ${registration.borrowerId}::uuid`),
    ).toHaveLength(0);
  });

  it('refuses court listings from a bank or an insurer for the whole call, before reading anything else', async () => {
    const b = await borrower(t, bank);
    await allowFurnishing(t, b.id, bank);
    await allowFurnishing(t, b.id, insurer);
    const n = await accountCount();
    const listing = { borrowerId: 'not-an-id', kind: 'COURT_LISTING', status: 'DPD_180_PLUS' };
    const byBank = await furnishAs(bank, [{ borrowerId: b.id }, listing]);
    expect(codeOf(byBank)).toBe('FORBIDDEN');
    expect(byBank.errors![0].message).toMatch(/public records/);
    expect(codeOf(await furnishAs(insurer, [{ ...listing, borrowerId: b.id }]))).toBe('FORBIDDEN');
    expect(await accountCount()).toBe(n);
  });

  it('never lets a programme loan or policy be furnished by hand, even under a FURNISHING consent', async () => {
    const b = await borrower(t, bank);
    const deal = await disbursedLoan(t, b, bank, insurer);
    await allowFurnishing(t, b.id, bank);
    await allowFurnishing(t, b.id, insurer);
    const loan = await furnishAs(bank, [{ borrowerId: b.id, accountRef: deal.loanNumber, status: 'DPD_180_PLUS', openedOn: '2026-06-15' }]);
    expect(codeOf(loan)).toBe('BAD_USER_INPUT');
    expect(problemsOf(loan)).toEqual([{ index: 0, field: 'accountRef', reason: expect.stringMatching(/programme/) }]);
    const policy = await furnishAs(insurer, [
      { borrowerId: b.id, accountRef: deal.policyNumber, kind: 'INSURANCE_POLICY', status: 'IN_COLLECTION', openedOn: '2026-06-15' },
    ]);
    expect(problemsOf(policy)[0]).toMatchObject({ field: 'accountRef' });
    const kept = await rows<{ account_ref: string; status: string; source: string }>(
      t.tdb.db.orm,
      sql`select account_ref, status, source from credit_accounts where borrower_id = ${b.id}::uuid order by account_ref`,
    );
    expect(kept).toEqual(
      [
        { account_ref: deal.loanNumber, status: 'CURRENT', source: 'PROGRAMME' },
        { account_ref: deal.policyNumber, status: 'CURRENT', source: 'PROGRAMME' },
      ].sort((x, y) => x.account_ref.localeCompare(y.account_ref)),
    );
    // a programme record under any other reference (an older row the migration marked) is refused as well
    await furnished(bank, [{ borrowerId: b.id, accountRef: 'LEGACY-1' }]);
    await t.tdb.db.orm.execute(
      sql`update credit_accounts set source = 'PROGRAMME' where account_ref = 'LEGACY-1' and borrower_id = ${b.id}::uuid`,
    );
    const legacy = await furnishAs(bank, [{ borrowerId: b.id, accountRef: 'LEGACY-1', status: 'DPD_90' }]);
    expect(problemsOf(legacy)).toEqual([{ index: 0, field: 'accountRef', reason: expect.stringMatching(/programme/) }]);
  });
});

describe('the FURNISHING consent', () => {
  it('names the account kinds it covers; a reading consent gives no right to furnish', async () => {
    const b = await borrower(t, bank);
    expect(codeOf(await grant(b, bank, 'FURNISHING', 365))).toBe('BAD_USER_INPUT'); // no scope
    expect(codeOf(await grant(b, bank, 'FURNISHING', 365, []))).toBe('BAD_USER_INPUT');
    expect(codeOf(await grant(b, bank, 'LOAN_APPLICATION', 90, ['LOAN']))).toBe('BAD_USER_INPUT'); // scope only for FURNISHING
    expect(codeOf(await grant(b, bank, 'FURNISHING', 365, ['INSURANCE_POLICY']))).toBe('BAD_USER_INPUT'); // not a bank's kind
    expect(codeOf(await grant(b, insurer, 'FURNISHING', 365, ['LOAN']))).toBe('BAD_USER_INPUT');
    expect(codeOf(await grant(b, bank, 'FURNISHING', 365, ['COURT_LISTING']))).toBe('BAD_USER_INPUT'); // nobody's kind
    const g = ok(await grant(b, bank, 'FURNISHING', 365, ['GUARANTEE', 'GUARANTEE'])).grantConsent;
    expect(g).toMatchObject({ purpose: 'FURNISHING', scope: ['GUARANTEE'], active: true });
    await consent(t, b, bank, 'LOAN_APPLICATION');

    const loan = await furnishAs(bank, [{ borrowerId: b.id, accountRef: 'SCOPE-LOAN', kind: 'LOAN' }]);
    expect(problemsOf(loan)).toEqual([{ index: 0, field: 'borrowerId', reason: NO_FURNISHING }]);
    const guarantee = await furnished(bank, [{ borrowerId: b.id, accountRef: 'SCOPE-GUAR', kind: 'GUARANTEE' }]);
    expect(guarantee).toMatchObject({ created: 1, accounts: [{ accountRef: 'SCOPE-GUAR', source: 'FURNISHED' }] });
    const [row] = await rows<{ consent: string }>(
      t.tdb.db.orm,
      sql`select furnishing_consent_id as consent from credit_accounts where id = ${guarantee.accounts[0].id}::uuid`,
    );
    expect(row.consent).toBe(g.id);
    const listed = ok(await t.gql(b.token, CONSENTS)).myConsents as { purpose: string; scope: string[] | null }[];
    expect(listed.map((c) => [c.purpose, c.scope]).sort()).toEqual([
      ['FURNISHING', ['GUARANTEE']],
      ['LOAN_APPLICATION', null],
    ]);
  });

  it('once lapsed or revoked, stops new accounts but not updates of accounts already furnished', async () => {
    const b = await borrower(t, bank);
    const revocable = ok(await grant(b, bank, 'FURNISHING', 365, ['LOAN'])).grantConsent.id as string;
    expect(await furnished(bank, [{ borrowerId: b.id, accountRef: 'LAPSE-1' }])).toMatchObject({ created: 1 });
    ok(await t.gql(b.token, REVOKE, { id: revocable }));
    // a borrower cannot silence their lender by revoking: the account it reports stays its to update
    const update = await furnished(bank, [{ borrowerId: b.id, accountRef: 'LAPSE-1', balance: '90000.00', status: 'DPD_30' }]);
    expect(update).toMatchObject({ created: 0, updated: 1, accounts: [{ status: 'DPD_30', balance: '90000.00' }] });
    expect(problemsOf(await furnishAs(bank, [{ borrowerId: b.id, accountRef: 'LAPSE-2' }]))[0]).toMatchObject({ reason: NO_FURNISHING });

    ok(await grant(b, bank, 'FURNISHING', 1, ['LOAN']));
    expect(await furnished(bank, [{ borrowerId: b.id, accountRef: 'LAPSE-3' }])).toMatchObject({ created: 1 });
    t.setNow(at(2)); // the one-day consent has expired
    expect(await furnished(bank, [{ borrowerId: b.id, accountRef: 'LAPSE-3', balance: '80000.00' }])).toMatchObject({ updated: 1 });
    expect(problemsOf(await furnishAs(bank, [{ borrowerId: b.id, accountRef: 'LAPSE-4' }]))[0]).toMatchObject({ reason: NO_FURNISHING });
  });
});

describe('consent durations', () => {
  it('lists each purpose with its inquiry kind and longest duration', async () => {
    const rules = ok(await t.gql(bank.token, PURPOSES)).consentPurposes as {
      purpose: string;
      inquiryKind: string | null;
      maxDays: number;
      description: string;
    }[];
    expect(rules.map(({ purpose, inquiryKind, maxDays }) => [purpose, inquiryKind, maxDays])).toEqual([
      ['LOAN_APPLICATION', 'HARD', 180],
      ['UNDERWRITING', 'HARD', 180],
      ['GUARANTEE_ELIGIBILITY', 'HARD', 180],
      ['POST_LOAN_MANAGEMENT', 'SOFT', 1826],
      ['POST_INSURANCE_MANAGEMENT', 'SOFT', 1826],
      ['FURNISHING', null, 1826],
    ]);
    for (const r of rules) expect(r.description.length).toBeGreaterThan(10);
    expect(rules[3].description).toMatch(/未结清的账户/);
  });

  it('caps each purpose at its own duration', async () => {
    const b = await borrower(t, bank);
    expect(codeOf(await grant(b, bank, 'LOAN_APPLICATION', 181))).toBe('BAD_USER_INPUT');
    expect(codeOf(await grant(b, insurer, 'UNDERWRITING', 181))).toBe('BAD_USER_INPUT');
    expect(codeOf(await grant(b, bank, 'GUARANTEE_ELIGIBILITY', 181))).toBe('BAD_USER_INPUT');
    expect(codeOf(await grant(b, bank, 'FURNISHING', 1827, ['LOAN']))).toBe('BAD_USER_INPUT');
    ok(await grant(b, bank, 'LOAN_APPLICATION', 180));
    ok(await grant(b, insurer, 'UNDERWRITING', 180));
    ok(await grant(b, bank, 'GUARANTEE_ELIGIBILITY', 180));
    ok(await grant(b, bank, 'FURNISHING', 1826, ['LOAN']));
  });

  it('lets post-loan management last only while the institution holds an open account of the borrower', async () => {
    const b = await borrower(t, bank);
    const none = await grant(b, bank, 'POST_LOAN_MANAGEMENT', 30);
    expect(codeOf(none)).toBe('BAD_USER_INPUT');
    expect(none.errors![0].message).toMatch(/open account/);
    expect(codeOf(await grant(b, insurer, 'POST_INSURANCE_MANAGEMENT', 30))).toBe('BAD_USER_INPUT');

    ok(await grant(b, bank, 'FURNISHING', 365, ['LOAN']));
    await furnished(bank, [{ borrowerId: b.id, accountRef: 'POST-1' }]);
    expect(codeOf(await grant(b, bank, 'POST_LOAN_MANAGEMENT', 1827))).toBe('BAD_USER_INPUT');
    ok(await grant(b, bank, 'POST_LOAN_MANAGEMENT', 1826));
    expect((await profile(bank, b, 'POST_LOAN_MANAGEMENT')).accounts.map((a) => a.accountRef)).toEqual(['POST-1']);

    // the loan is repaid and closed: the post-loan consent no longer reads, nor can a new one be granted
    await furnished(bank, [{ borrowerId: b.id, accountRef: 'POST-1', status: 'PAID', balance: '0.00', closedOn: '2026-06-15' }]);
    expect(codeOf(await t.gql(bank.token, PROFILE, { b: b.id, p: 'POST_LOAN_MANAGEMENT' }))).toBe('FORBIDDEN');
    expect(codeOf(await grant(b, bank, 'POST_LOAN_MANAGEMENT', 30))).toBe('BAD_USER_INPUT');
  });
});

describe('prior notice of adverse information (条例 Art 15)', () => {
  it('tells the borrower before a furnished account’s first adverse status takes effect, and hides it from readers until then', async () => {
    const b = await borrower(t, bank);
    await allowFurnishing(t, b.id, bank);
    await consent(t, b, reader, 'LOAN_APPLICATION');
    const base = { borrowerId: b.id, accountRef: 'NOTE-1', openedOn: '2026-01-10' };
    await furnished(bank, [{ ...base, statusMonth: '2026-05-01' }]);
    const adverse = await furnished(bank, [{ ...base, statusMonth: '2026-06-01', status: 'DPD_30', balance: '99000.00' }]);
    // the furnisher sees what it reported
    expect(adverse.accounts[0]).toMatchObject({ status: 'DPD_30', balance: '99000.00' });

    const [notice] = await notices(b);
    expect(notice).toMatchObject({
      kind: 'ADVERSE_INFORMATION',
      recordId: adverse.accounts[0].id,
      accountRef: 'NOTE-1',
      institution: { id: bank.id },
      status: 'DPD_30',
      balance: '99000.00',
    });
    expect(new Date(notice.notifiedAt).getTime()).toBe(START.getTime());
    expect(new Date(notice.effectiveAt).getTime()).toBe(at(15).getTime());
    for (const words of [notice.institution!.name, 'NOTE-1', '逾期 30 天以上', '99000.00', '2026-06-30'])
      expect(notice.message).toContain(words);

    // other readers see the record as it was; a new account reported adverse is not shown at all
    t.setNow(new Date(START.getTime() + 3_600_000));
    await furnished(bank, [{ borrowerId: b.id, accountRef: 'NOTE-2', status: 'DPD_60', statusMonth: '2026-06-01' }]);
    const held = await profile(reader, b);
    expect(held.accounts).toEqual([{ accountRef: 'NOTE-1', status: 'CURRENT', balance: '100000.00', paymentPattern: '0' }]);
    expect([null, 'CURRENT']).toContain(held.summary.worstStatus24Months);
    expect((await notices(b)).map((n) => n.accountRef)).toEqual(['NOTE-2', 'NOTE-1']);
    expect(await notices(b, 1)).toHaveLength(1);

    // once the notice is in effect every reader sees the truth, and later adverse statuses show at once
    t.setNow(at(16));
    const shown = await profile(reader, b);
    expect(shown.accounts.map((a) => [a.accountRef, a.status, a.balance]).sort()).toEqual([
      ['NOTE-1', 'DPD_30', '99000.00'],
      ['NOTE-2', 'DPD_60', '100000.00'],
    ]);
    expect(shown.summary.worstStatus24Months).toBe('DPD_60');
    await furnished(bank, [{ ...base, statusMonth: '2026-07-01', status: 'DPD_60', balance: '99000.00' }]);
    expect((await profile(reader, b)).accounts.find((a) => a.accountRef === 'NOTE-1')).toMatchObject({ status: 'DPD_60' });
    expect(await notices(b)).toHaveLength(2); // no second notice for the same account
  });

  it('gives the programme’s notice at the first missed instalment; a first adverse status inside its period waits for it', async () => {
    const b = await borrower(t, bank);
    const deal = await disbursedLoan(t, b, bank, insurer); // interest due monthly: the first instalment on 2026-07-15
    await consent(t, b, reader, 'LOAN_APPLICATION', at(120).toISOString());
    const admin = await adminToken(t);
    const loanOf = async () => (await profile(reader, b)).accounts.find((a) => a.accountRef === deal.loanNumber)!;

    t.setNow(at(50)); // 20 days past due, still CURRENT: the notice, for the loan and the policy behind it
    ok(await t.gql(admin, AGE, {}));
    const given = await notices(b);
    expect(given.map((n) => [n.accountRef, n.institution!.id, n.status]).sort()).toEqual(
      [
        [deal.loanNumber, bank.id, 'DPD_30'],
        [deal.policyNumber, insurer.id, null],
      ].sort(),
    );
    for (const n of given) expect(new Date(n.effectiveAt).getTime()).toBe(at(65).getTime());
    expect(given.find((n) => n.accountRef === deal.loanNumber)!.message).toMatch(/逾期 20 天/);
    expect((await loanOf()).status).toBe('CURRENT');

    t.setNow(at(62)); // 32 days past due: DPD_30, but the notice takes effect only on day 65
    ok(await t.gql(admin, AGE, {}));
    expect((await loanOf()).status).toBe('CURRENT');
    t.setNow(at(66));
    expect((await loanOf()).status).toBe('DPD_30');
    expect(await notices(b)).toHaveLength(2);
  });

  it('holds a first adverse status for the full notice period when ageing jumps straight to it', async () => {
    const b = await borrower(t, bank);
    const deal = await disbursedLoan(t, b, bank, insurer);
    await consent(t, b, reader, 'LOAN_APPLICATION', at(120).toISOString());
    t.setNow(at(70)); // first aged 40 days past due: DPD_30 with no notice yet
    ok(await t.gql(await adminToken(t), AGE, {}));
    const [notice] = (await notices(b)).filter((n) => n.accountRef === deal.loanNumber);
    expect(notice).toMatchObject({ status: 'DPD_30', institution: { id: bank.id } });
    expect(new Date(notice.effectiveAt).getTime()).toBe(at(85).getTime());
    const loan = () => profile(reader, b).then((p) => p.accounts.find((a) => a.accountRef === deal.loanNumber)!);
    expect((await loan()).status).toBe('CURRENT');
    t.setNow(at(86));
    expect((await loan()).status).toBe('DPD_30');
  });
});
