import { beforeAll, describe, expect, it } from 'vitest';
import { borrower, consent, furnish, institution, type BorrowerHandle, type Inst } from '../factories.js';
import { codeOf, ok, useTestApp, type TestApp } from '../helpers/app.js';
import { steps } from '../helpers/steps.js';

const FILE = `mutation($r: ID!, $why: String!) { fileDispute(recordId: $r, reason: $why) { id status dueAt overdue accountRef furnisher { id } } }`;
const RESOLVE = `mutation($id: ID!, $o: DisputeOutcome!, $n: String!, $c: CorrectionInput) {
  resolveDispute(id: $id, outcome: $o, note: $n, correction: $c) { id status outcome resolutionNote resolvedAt } }`;
const PROFILE = `query($b: ID!) { creditProfile(borrowerId: $b, purpose: UNDERWRITING) {
  accounts { id accountRef status balance disputed dispute { status dueAt } } summary { disputedAccounts } } }`;

const app = useTestApp({ now: '2026-06-15T02:00:00.000Z' });
let t: TestApp;
let bank: Inst;
let otherBank: Inst;
let insurer: Inst;
let b: BorrowerHandle;
let accounts: Record<string, string>;

beforeAll(async () => {
  t = await app();
  bank = await institution(t, 'BANK');
  otherBank = await institution(t, 'BANK');
  insurer = await institution(t, 'INSURER');
  b = await borrower(t, bank);
  await consent(t, b, insurer, 'UNDERWRITING');
  const r = await furnish(t, bank, [
    { borrowerId: b.id, accountRef: 'D-1', status: 'DPD_60' },
    { borrowerId: b.id, accountRef: 'D-2', status: 'DPD_30' },
    { borrowerId: b.id, accountRef: 'D-3', status: 'DPD_90' },
    { borrowerId: b.id, accountRef: 'D-4', status: 'DPD_30' },
  ]);
  accounts = Object.fromEntries(r.accounts.map((a) => [a.accountRef, a.id]));
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

  it('CORRECTED applies the correction and clears the flag', async () => {
    const r = await firstCorrected();
    const disputeId = (await firstFiled()).id;
    expect(r).toMatchObject({ status: 'RESOLVED', outcome: 'CORRECTED' });
    const acc = ok(await t.gql(insurer.token, PROFILE, { b: b.id })).creditProfile.accounts.find((a: any) => a.accountRef === 'D-1');
    expect(acc).toMatchObject({ status: 'CURRENT', disputed: false, dispute: null });
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

  it('shows the borrower their disputes and outcomes', async () => {
    await thirdDeleted();
    const mine = ok(await t.gql(b.token, `{ myDisputes { accountRef status outcome resolutionNote } }`)).myDisputes;
    expect(mine).toContainEqual({ accountRef: 'D-1', status: 'RESOLVED', outcome: 'CORRECTED', resolutionNote: '核实为系统错误，已更正' });
    expect(mine).toHaveLength(3);
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
});
