import { beforeAll, describe, expect, it } from 'vitest';
import {
  adminToken,
  borrower,
  borrowerToken,
  consent,
  furnish,
  institution,
  nationalId,
  type BorrowerHandle,
  type Inst,
} from '../factories.js';
import { codeOf, ok, useTestApp, type TestApp } from '../helpers/app.js';
import { steps } from '../helpers/steps.js';

const FILE = `mutation($r: ID!, $why: String!) { fileDispute(recordId: $r, reason: $why) { id status dueAt overdue accountRef furnisher { id } } }`;
const RESOLVE = `mutation($id: ID!, $o: DisputeOutcome!, $n: String!, $c: CorrectionInput) {
  resolveDispute(id: $id, outcome: $o, note: $n, correction: $c) { id status outcome resolutionNote resolvedAt } }`;
const PROFILE = `query($b: ID!) { creditProfile(borrowerId: $b, purpose: UNDERWRITING) {
  accounts { id accountRef status balance disputed dispute { status dueAt } corrections { month from to source disputeId } }
  summary { disputedAccounts } } }`;

const app = useTestApp({ now: '2026-06-15T02:00:00.000Z' });
let t: TestApp;
let bank: Inst;
let otherBank: Inst;
let insurer: Inst;
let court: Inst;
let b: BorrowerHandle;
let accounts: Record<string, string>;

beforeAll(async () => {
  t = await app();
  bank = await institution(t, 'BANK');
  otherBank = await institution(t, 'BANK');
  insurer = await institution(t, 'INSURER');
  court = await institution(t, 'DATA_SOURCE', undefined, 'COURT');
  b = await borrower(t, bank);
  // reported three weeks ago: the prior notice of these first adverse statuses (15 days) has run out
  t.setNow('2026-05-25T02:00:00.000Z');
  const r = await furnish(t, bank, [
    { borrowerId: b.id, accountRef: 'D-1', status: 'DPD_60' },
    { borrowerId: b.id, accountRef: 'D-2', status: 'DPD_30' },
    { borrowerId: b.id, accountRef: 'D-3', status: 'DPD_90' },
    { borrowerId: b.id, accountRef: 'D-4', status: 'DPD_30' },
  ]);
  accounts = Object.fromEntries(r.accounts.map((a) => [a.accountRef, a.id]));
  t.setNow('2026-06-15T02:00:00.000Z');
  await consent(t, b, insurer, 'UNDERWRITING');
});

/**
 * The disputes the borrower files and the furnisher resolves: each step is what one test used to
 * do to the shared records, run once per file, after the step before it (test/helpers/steps.ts).
 */
const step = steps();
const firstFiled = step(async () => ok(await t.gql(b.token, FILE, { r: accounts['D-1'], why: '我从未逾期，这笔记录有误' })).fileDispute);
const firstCorrected = step(
  async () =>
    ok(
      await t.gql(bank.token, RESOLVE, {
        id: (await firstFiled()).id,
        o: 'CORRECTED',
        n: '核实为系统错误，已更正',
        c: { status: 'CURRENT' },
      }),
    ).resolveDispute,
);
const secondFiled = step(async () => ok(await t.gql(b.token, FILE, { r: accounts['D-2'], why: 'wrong' })).fileDispute);
const secondVerified = step(async () => {
  ok(await t.gql(bank.token, RESOLVE, { id: (await secondFiled()).id, o: 'VERIFIED', n: 'records confirm the late payment' }));
});
const thirdDeleted = step(async () => {
  const d3 = ok(await t.gql(b.token, FILE, { r: accounts['D-3'], why: 'not my loan' })).fileDispute;
  ok(await t.gql(bank.token, RESOLVE, { id: d3.id, o: 'DELETED', n: 'identity mix-up' }));
});

describe('disputes', () => {
  it('flags the record in every profile, including other institutions’ reads', async () => {
    const d = await firstFiled();
    expect(d).toMatchObject({ status: 'OPEN', overdue: false, accountRef: 'D-1', furnisher: { id: bank.id } });
    expect(d.dueAt).toBe('2026-07-05T02:00:00.000Z');
    const p = ok(await t.gql(insurer.token, PROFILE, { b: b.id })).creditProfile;
    const acc = p.accounts.find((a: any) => a.accountRef === 'D-1');
    expect(acc).toMatchObject({ disputed: true, dispute: { status: 'OPEN' } });
    expect(p.summary.disputedAccounts).toBe(1);
  });

  it('allows one open dispute per record', async () => {
    await firstFiled();
    expect(codeOf(await t.gql(b.token, FILE, { r: accounts['D-1'], why: 'again' }))).toBe('CONFLICT');
  });

  it('refuses disputes on records that are not the borrower’s', async () => {
    const other = await borrower(t, bank);
    expect(codeOf(await t.gql(other.token, FILE, { r: accounts['D-2'], why: 'not mine' }))).toBe('NOT_FOUND');
  });

  it('shows the furnisher the dispute to answer, with the reason; other institutions cannot touch it', async () => {
    const disputeId = (await firstFiled()).id;
    const list = ok(await t.gql(bank.token, `{ disputesToAnswer(status: OPEN) { id reason overdue } }`)).disputesToAnswer;
    expect(list).toContainEqual({ id: disputeId, reason: '我从未逾期，这笔记录有误', overdue: false });
    expect(ok(await t.gql(otherBank.token, `{ disputesToAnswer { id } }`)).disputesToAnswer).toEqual([]);
    expect(codeOf(await t.gql(otherBank.token, RESOLVE, { id: disputeId, o: 'VERIFIED', n: 'x' }))).toBe('NOT_FOUND');
  });

  it('lists disputes past the 20-day deadline for the admin, without the borrower’s words', async () => {
    const disputeId = (await firstFiled()).id;
    const admin = await t.token({ sub: 'admin-1', role: 'ADMIN' });
    const Q = `{ overdueDisputes { id overdue dueAt furnisher { id } } }`;
    expect(ok(await t.gql(admin, Q)).overdueDisputes).toEqual([]);
    const start = t.now;
    try {
      t.setNow('2026-07-05T02:00:00.000Z'); // exactly due: not yet overdue
      expect(ok(await t.gql(admin, Q)).overdueDisputes).toEqual([]);
      t.setNow('2026-07-05T02:00:00.001Z');
      expect(ok(await t.gql(admin, Q)).overdueDisputes).toEqual([
        { id: disputeId, overdue: true, dueAt: '2026-07-05T02:00:00.000Z', furnisher: { id: bank.id } },
      ]);
      const withReason = await t.gql(admin, `{ overdueDisputes { id reason } }`);
      expect(codeOf(withReason)).toBe('FORBIDDEN');
    } finally {
      t.setNow(start);
    }
  });

  it('CORRECTED applies the correction, marks the month and clears the flag', async () => {
    const r = await firstCorrected();
    const disputeId = (await firstFiled()).id;
    expect(r).toMatchObject({ status: 'RESOLVED', outcome: 'CORRECTED' });
    const acc = ok(await t.gql(insurer.token, PROFILE, { b: b.id })).creditProfile.accounts.find((a: any) => a.accountRef === 'D-1');
    expect(acc).toMatchObject({ status: 'CURRENT', disputed: false, dispute: null });
    // the current month (2026-05, the last reported) keeps its mark
    expect(acc.corrections).toEqual([{ month: '2026-05-01', from: 'DPD_60', to: 'CURRENT', source: 'DISPUTE', disputeId }]);
    expect(codeOf(await t.gql(bank.token, RESOLVE, { id: disputeId, o: 'VERIFIED', n: 'again' }))).toBe('CONFLICT');
  });

  it('CORRECTED needs a correction; VERIFIED leaves the record as it was', async () => {
    const d2 = await secondFiled();
    expect(codeOf(await t.gql(bank.token, RESOLVE, { id: d2.id, o: 'CORRECTED', n: 'fixed' }))).toBe('BAD_USER_INPUT');
    await secondVerified();
    const acc = ok(await t.gql(insurer.token, PROFILE, { b: b.id })).creditProfile.accounts.find((a: any) => a.accountRef === 'D-2');
    expect(acc).toMatchObject({ status: 'DPD_30', disputed: false });
  });

  it('DELETED removes the record from every profile', async () => {
    await thirdDeleted();
    const refs = ok(await t.gql(insurer.token, PROFILE, { b: b.id })).creditProfile.accounts.map((a: any) => a.accountRef);
    expect(refs).not.toContain('D-3');
    const own = ok(await t.gql(b.token, `{ myCreditProfile { accounts { accountRef } } }`)).myCreditProfile.accounts.map(
      (a: any) => a.accountRef,
    );
    expect(own).not.toContain('D-3');
  });

  it('shows the borrower their disputes and outcomes, each with a notice', async () => {
    await thirdDeleted();
    const mine = ok(await t.gql(b.token, `{ myDisputes { subject accountRef status outcome resolutionNote } }`)).myDisputes;
    expect(mine).toContainEqual({
      subject: 'RECORD',
      accountRef: 'D-1',
      status: 'RESOLVED',
      outcome: 'CORRECTED',
      resolutionNote: '核实为系统错误，已更正',
    });
    expect(mine).toHaveLength(3);
    const notices = ok(await t.gql(b.token, `{ myNotices { kind recordId institution { id } message } }`)).myNotices.filter(
      (n: any) => n.kind === 'DISPUTE_RESOLVED',
    );
    expect(notices.map((n: any) => n.recordId).sort()).toEqual([accounts['D-1'], accounts['D-2'], accounts['D-3']].sort());
    expect(notices.every((n: any) => n.institution.id === bank.id)).toBe(true);
    expect(notices.find((n: any) => n.recordId === accounts['D-3']).message).toContain('记录已删除');
  });

  it('names exactly one subject', async () => {
    const ANY = `mutation($r: ID, $q: ID, $p: ID, $i: Boolean) { fileDispute(recordId: $r, inquiryId: $q, publicRecordId: $p, identity: $i, reason: "x") { id } }`;
    for (const v of [{}, { i: false }, { r: accounts['D-4'], i: true }, { r: accounts['D-4'], q: accounts['D-4'] }]) {
      expect(codeOf(await t.gql(b.token, ANY, v)), JSON.stringify(v)).toBe('BAD_USER_INPUT');
    }
  });

  it('rejects a bad correction whole', async () => {
    const d4 = ok(await t.gql(b.token, FILE, { r: accounts['D-4'], why: 'balance wrong' })).fileDispute;
    // PAID with a non-zero balance is not a valid record
    expect(codeOf(await t.gql(bank.token, RESOLVE, { id: d4.id, o: 'CORRECTED', n: 'paid', c: { status: 'PAID' } }))).toBe(
      'BAD_USER_INPUT',
    );
    const still = ok(await t.gql(bank.token, `{ disputesToAnswer(status: OPEN) { id } }`)).disputesToAnswer;
    expect(still.map((d: any) => d.id)).toContain(d4.id);
  });

  it('a public record is disputed to its authority, which corrects it, deletes it or leaves the objection attached', async () => {
    const id = nationalId();
    const r = ok(
      await t.gql(bank.token, `mutation($i: RegisterBorrowerInput!) { registerBorrower(input: $i) { borrowerId } }`, {
        i: {
          name: '公共记录异议',
          nationalId: id,
          category: 'RURAL_HOUSEHOLD',
          county: '张北县',
          sector: 'breeding',
          registeredOn: '2025-03-01',
        },
      }),
    );
    const s = { id: r.registerBorrower.borrowerId as string, token: await borrowerToken(t, r.registerBorrower.borrowerId) };
    const listing = (caseNumber: string) => ({
      nationalId: id,
      subjectName: '公共记录异议',
      kind: 'DISHONEST_DEBTOR',
      caseNumber,
      title: '失信被执行人',
      amount: '50000.00',
      decidedOn: '2026-03-02',
      effectiveOn: '2026-03-05',
      status: 'ACTIVE',
    });
    const furnished = ok(
      await t.gql(court.token, `mutation($r: [PublicRecordInput!]!) { furnishPublicRecords(records: $r) { id caseNumber } }`, {
        r: [listing(`(2026)冀07执${process.pid}1号`), listing(`(2026)冀07执${process.pid}2号`), listing(`(2026)冀07执${process.pid}3号`)],
      }),
    ).furnishPublicRecords;
    const [p1, p2, p3] = furnished.map((x: any) => x.id);
    const FILE_PR = `mutation($p: ID!, $why: String!) { fileDispute(publicRecordId: $p, reason: $why) { id subject publicRecordId furnisher { id } } }`;
    expect(codeOf(await t.gql(b.token, FILE_PR, { p: p1, why: 'not mine' }))).toBe('NOT_FOUND');
    const d1 = ok(await t.gql(s.token, FILE_PR, { p: p1, why: '判决已履行完毕' })).fileDispute;
    expect(d1).toMatchObject({ subject: 'PUBLIC_RECORD', publicRecordId: p1, furnisher: { id: court.id } });
    const d2 = ok(await t.gql(s.token, FILE_PR, { p: p2, why: '案件已撤销' })).fileDispute;
    const d3 = ok(await t.gql(s.token, FILE_PR, { p: p3, why: '不是本人' })).fileDispute;

    const toAnswer = ok(await t.gql(court.token, `{ disputesToAnswer(status: OPEN) { id reason } }`)).disputesToAnswer;
    expect(toAnswer).toContainEqual({ id: d1.id, reason: '判决已履行完毕' });
    expect(codeOf(await t.gql(bank.token, RESOLVE, { id: d1.id, o: 'DELETED', n: 'x' }))).toBe('NOT_FOUND');
    expect(codeOf(await t.gql(await adminToken(t), RESOLVE, { id: d1.id, o: 'DELETED', n: 'x' }))).toBe('NOT_FOUND');
    expect(codeOf(await t.gql(court.token, RESOLVE, { id: d1.id, o: 'CORRECTED', n: 'x', c: { status: 'CURRENT' } }))).toBe(
      'BAD_USER_INPUT',
    );

    ok(
      await t.gql(court.token, RESOLVE, {
        id: d1.id,
        o: 'CORRECTED',
        n: '已执行完毕',
        c: { publicRecordStatus: 'EXECUTED', endedOn: '2026-06-01' },
      }),
    );
    ok(await t.gql(court.token, RESOLVE, { id: d2.id, o: 'DELETED', n: '录入错误' }));
    ok(await t.gql(court.token, RESOLVE, { id: d3.id, o: 'UNVERIFIABLE', n: '身份信息无法核实' }));
    const shown = ok(
      await t.gql(
        s.token,
        `{ myCreditProfile { publicRecords { id status endedOn disputed objection { disputeId statement checkNote } } } }`,
      ),
    ).myCreditProfile.publicRecords;
    expect(shown.map((x: any) => x.id).sort()).toEqual([p1, p3].sort());
    expect(shown.find((x: any) => x.id === p1)).toMatchObject({
      status: 'EXECUTED',
      endedOn: '2026-06-01',
      disputed: false,
      objection: null,
    });
    expect(shown.find((x: any) => x.id === p3)).toMatchObject({
      status: 'ACTIVE',
      objection: { disputeId: d3.id, statement: '不是本人', checkNote: '身份信息无法核实' },
    });
  });
});
