import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../src/db/client.js';
import { borrower, consent, furnish, institution, type BorrowerHandle, type Inst } from '../factories.js';
import { codeOf, ok, useTestApp, type TestApp } from '../helpers/app.js';
import { steps } from '../helpers/steps.js';

const PROFILE = `query($b: ID!, $p: ConsentPurpose!) {
  creditProfile(borrowerId: $b, purpose: $p) {
    borrower { id name category county sector registeredOn nationalIdMasked }
    accounts { id accountRef kind furnisher { id name } originalAmount balance openedOn closedOn status statusMonth
               paymentPattern statusHistory { month status corrected } disputed source
               corrections { month from to source disputeId reason } objection { disputeId statement checkNote recordedAt }
               statements { id recordId text } }
    accountsCursor
    summary { accounts openAccounts totalBalance worstStatus24Months inquiriesLast6Months hardInquiriesLast6Months
              softInquiriesLast6Months disputedAccounts publicRecords activePublicRecords }
    inquiries { id institution { id } purpose kind inquiredAt userId disputed }
    statements { id text }
    publicRecords { id }
    generatedAt
  }
}`;

const app = useTestApp({ now: '2026-06-15T02:00:00.000Z' });
let t: TestApp;
let bank: Inst;
let otherBank: Inst;
let insurer: Inst;
let b: BorrowerHandle;

beforeAll(async () => {
  t = await app();
  // furnished three weeks before the reads: its first adverse status has waited out the 15-day prior notice
  t.setNow('2026-05-25T02:00:00.000Z');
  bank = await institution(t, 'BANK');
  otherBank = await institution(t, 'BANK');
  insurer = await institution(t, 'INSURER');
  b = await borrower(t, bank, { name: '王建国', category: 'RURAL_HOUSEHOLD', county: '蔚县', sector: 'breeding' });
  await furnish(t, bank, [
    { borrowerId: b.id, accountRef: 'LN-A', originalAmount: '200000.00', balance: '150000.50', openedOn: '2026-01-05', status: 'DPD_30' },
  ]);
  t.setNow('2026-06-15T02:00:00.000Z');
});

const inquiriesOf = async (borrowerId: string) =>
  rows<{ id: string; institution_id: string | null; purpose: string; consent_id: string | null; user_id: string }>(
    t.tdb.db.orm,
    sql`select id, institution_id, purpose, consent_id, user_id from inquiries where borrower_id = ${borrowerId}::uuid order by inquired_at, id`,
  );

/**
 * The bank's consent and its two reads of the borrower's profile, which later tests count (as
 * inquiries, consents and audit entries): each step is what one test used to do, run once per
 * file, after the step before it (test/helpers/steps.ts).
 */
const step = steps();
const consentGranted = step(() => consent(t, b, bank, 'LOAN_APPLICATION'));
const firstRead = step(async () => ok(await t.gql(bank.token, PROFILE, { b: b.id, p: 'LOAN_APPLICATION' })).creditProfile);
const secondRead = step(async () => ok(await t.gql(bank.token, PROFILE, { b: b.id, p: 'LOAN_APPLICATION' })).creditProfile);

describe('creditProfile with consent', () => {
  it('returns the profile to an institution holding an active consent for the purpose, and records the inquiry', async () => {
    const consentId = await consentGranted();
    const before = (await inquiriesOf(b.id)).length;
    const p = await firstRead();
    expect(p.borrower).toMatchObject({ id: b.id, name: '王建国', category: 'RURAL_HOUSEHOLD', county: '蔚县', sector: 'breeding' });
    expect(p.borrower.nationalIdMasked).toMatch(/^1307\*{10}[0-9X]{4}$/);
    expect(p.accounts).toHaveLength(1);
    expect(p.accounts[0]).toMatchObject({
      accountRef: 'LN-A',
      furnisher: { id: bank.id },
      balance: '150000.50',
      status: 'DPD_30',
      statusMonth: '2026-05-01',
      paymentPattern: '1',
      disputed: false,
      source: 'FURNISHED',
      corrections: [],
      objection: null,
      statements: [],
    });
    expect(p.accounts[0].statusHistory).toHaveLength(24);
    expect(p.accounts[0].statusHistory.slice(0, 2)).toEqual([
      { month: '2026-06-01', status: null, corrected: false },
      { month: '2026-05-01', status: 'DPD_30', corrected: false },
    ]);
    expect(p.accountsCursor).toBeNull();
    expect(p.statements).toEqual([]);
    expect(p.publicRecords).toEqual([]);
    expect(p.summary).toEqual({
      accounts: 1,
      openAccounts: 1,
      totalBalance: '150000.50',
      worstStatus24Months: 'DPD_30',
      inquiriesLast6Months: 0,
      hardInquiriesLast6Months: 0,
      softInquiriesLast6Months: 0,
      disputedAccounts: 0,
      publicRecords: 0,
      activePublicRecords: 0,
    });
    const after = await inquiriesOf(b.id);
    expect(after).toHaveLength(before + 1);
    expect(after[after.length - 1]).toMatchObject({
      institution_id: bank.id,
      purpose: 'LOAN_APPLICATION',
      consent_id: consentId,
      user_id: `${bank.id}-user`,
    });
    // an institution never sees which of another's users read the profile
    expect(p.inquiries.every((q: any) => q.userId === null)).toBe(true);
  });

  it('counts earlier inquiries in the next read, as hard inquiries', async () => {
    const p = await secondRead();
    expect(p.summary).toMatchObject({ inquiriesLast6Months: 1, hardInquiriesLast6Months: 1, softInquiriesLast6Months: 0 });
    // the first read's inquiry (a read does not see its own)
    expect(p.inquiries).toHaveLength(1);
    expect((await inquiriesOf(b.id)).map((q) => q.id)).toContain(p.inquiries[0].id);
    expect(p.inquiries[0]).toEqual({
      id: expect.any(String),
      institution: { id: bank.id },
      purpose: 'LOAN_APPLICATION',
      kind: 'HARD',
      inquiredAt: t.now.toISOString(),
      userId: null,
      disputed: false,
    });
  });

  it('refuses FURNISHING as a reading purpose: it reads and records nothing', async () => {
    await secondRead();
    const n = (await inquiriesOf(b.id)).length;
    const r = await t.gql(bank.token, PROFILE, { b: b.id, p: 'FURNISHING' });
    expect(codeOf(r)).toBe('BAD_USER_INPUT');
    expect(r.errors![0].extensions!.field).toBe('purpose');
    expect(await inquiriesOf(b.id)).toHaveLength(n);
  });

  it('refuses the wrong purpose: consent is for one purpose', async () => {
    await secondRead();
    const n = (await inquiriesOf(b.id)).length;
    const r = await t.gql(bank.token, PROFILE, { b: b.id, p: 'POST_LOAN_MANAGEMENT' });
    expect(codeOf(r)).toBe('FORBIDDEN');
    expect(r.data).toBeNull();
    expect(await inquiriesOf(b.id)).toHaveLength(n);
  });

  it('refuses another institution: consent is for one institution', async () => {
    await secondRead();
    const r = await t.gql(otherBank.token, PROFILE, { b: b.id, p: 'LOAN_APPLICATION' });
    expect(codeOf(r)).toBe('FORBIDDEN');
  });

  it('gives the same answer for an unknown borrower as for one without consent', async () => {
    await secondRead();
    const noConsent = await t.gql(otherBank.token, PROFILE, { b: b.id, p: 'LOAN_APPLICATION' });
    const unknown = await t.gql(otherBank.token, PROFILE, { b: '9d5f3c1e-0000-4000-8000-000000000000', p: 'LOAN_APPLICATION' });
    expect(codeOf(unknown)).toBe('FORBIDDEN');
    expect(unknown.errors![0].message).toBe(noConsent.errors![0].message);
  });

  it('stops at expiry: valid one millisecond before, refused at the instant', async () => {
    const b2 = await borrower(t, insurer);
    const expires = new Date(t.now.getTime() + 10 * 86_400_000);
    await consent(t, b2, insurer, 'UNDERWRITING', expires.toISOString());
    const start = t.now;
    try {
      t.setNow(new Date(expires.getTime() - 1));
      expect(codeOf(await t.gql(insurer.token, PROFILE, { b: b2.id, p: 'UNDERWRITING' }))).toBeUndefined();
      t.setNow(expires);
      expect(codeOf(await t.gql(insurer.token, PROFILE, { b: b2.id, p: 'UNDERWRITING' }))).toBe('FORBIDDEN');
    } finally {
      t.setNow(start);
    }
  });

  it('stops at once when the borrower revokes, and revoking again changes nothing', async () => {
    const b3 = await borrower(t, bank);
    const id = await consent(t, b3, bank, 'UNDERWRITING');
    expect(codeOf(await t.gql(bank.token, PROFILE, { b: b3.id, p: 'UNDERWRITING' }))).toBeUndefined();
    const REVOKE = `mutation($id: ID!) { revokeConsent(id: $id) { id active revokedAt } }`;
    const r = ok(await t.gql(b3.token, REVOKE, { id })).revokeConsent;
    expect(r).toMatchObject({ id, active: false });
    expect(codeOf(await t.gql(bank.token, PROFILE, { b: b3.id, p: 'UNDERWRITING' }))).toBe('FORBIDDEN');
    const again = ok(await t.gql(b3.token, REVOKE, { id })).revokeConsent;
    expect(again.revokedAt).toBe(r.revokedAt);
  });

  it('does not let a borrower revoke someone else’s consent', async () => {
    const b4 = await borrower(t, bank);
    const id = await consent(t, b4, bank);
    const r = await t.gql(b.token, `mutation($id: ID!) { revokeConsent(id: $id) { id } }`, { id });
    expect(codeOf(r)).toBe('NOT_FOUND');
  });

  it('validates consent input', async () => {
    const GRANT = `mutation($i: ID!, $p: ConsentPurpose!, $e: DateTime!) { grantConsent(institutionId: $i, purpose: $p, expiresAt: $e) { id } }`;
    const past = new Date(t.now.getTime() - 1000).toISOString();
    expect(codeOf(await t.gql(b.token, GRANT, { i: bank.id, p: 'UNDERWRITING', e: past }))).toBe('BAD_USER_INPUT');
    expect(codeOf(await t.gql(b.token, GRANT, { i: bank.id, p: 'UNDERWRITING', e: 'tomorrow' }))).toBe('BAD_USER_INPUT');
    expect(codeOf(await t.gql(b.token, GRANT, { i: bank.id, p: 'GOSSIP', e: '2026-12-01T00:00:00Z' }))).toBe('BAD_USER_INPUT');
    expect(codeOf(await t.gql(b.token, GRANT, { i: 'no-such-bank', p: 'UNDERWRITING', e: '2026-12-01T00:00:00Z' }))).toBe('NOT_FOUND');
    const gov = await institution(t, 'GOVERNMENT');
    expect(codeOf(await t.gql(b.token, GRANT, { i: gov.id, p: 'UNDERWRITING', e: '2026-12-01T00:00:00Z' }))).toBe('NOT_FOUND');
  });
});

const OWN = `{ myCreditProfile { borrower { id } accounts { accountRef }
  inquiries { institution { id } purpose kind inquiredAt userId }
  summary { hardInquiriesLast6Months softInquiriesLast6Months } } }`;

describe('myCreditProfile', () => {
  it('shows the borrower their profile and who read it, with the reading user, and records a soft SELF_ACCESS inquiry', async () => {
    await secondRead();
    const n = (await inquiriesOf(b.id)).length;
    const p = ok(await t.gql(b.token, OWN)).myCreditProfile;
    expect(p.borrower.id).toBe(b.id);
    expect(p.accounts.map((a: any) => a.accountRef)).toEqual(['LN-A']);
    expect(p.inquiries).toHaveLength(n);
    expect(p.inquiries[0]).toMatchObject({
      institution: { id: bank.id },
      purpose: 'LOAN_APPLICATION',
      kind: 'HARD',
      userId: `${bank.id}-user`,
    });
    const after = await inquiriesOf(b.id);
    expect(after).toHaveLength(n + 1);
    const self = after.filter((q) => q.purpose === 'SELF_ACCESS');
    expect(self).toEqual([
      { id: expect.any(String), institution_id: null, consent_id: null, purpose: 'SELF_ACCESS', user_id: expect.any(String) },
    ]);
    const [audit] = await rows<{ detail: any; actor_borrower_id: string }>(
      t.tdb.db.orm,
      sql`select detail, actor_borrower_id from audit_log where action = 'credit.profile.read_own' and borrower_id = ${b.id}::uuid
          order by at desc, id desc limit 1`,
    );
    expect(audit).toEqual({ detail: { inquiryId: self[0].id }, actor_borrower_id: b.id });
    // the next read shows it: no institution, soft, and the hard count is unchanged
    const again = ok(await t.gql(b.token, OWN)).myCreditProfile;
    // (every read here is at the same instant: find it by purpose)
    expect(again.inquiries.filter((q: any) => q.purpose === 'SELF_ACCESS')).toEqual([
      { institution: null, purpose: 'SELF_ACCESS', kind: 'SOFT', inquiredAt: t.now.toISOString(), userId: expect.any(String) },
    ]);
    expect(again.summary).toEqual({ hardInquiriesLast6Months: p.summary.hardInquiriesLast6Months, softInquiriesLast6Months: 1 });
  });

  it('lists the borrower’s consents with their state', async () => {
    await secondRead();
    const c = ok(await t.gql(b.token, `{ myConsents { institution { id } purpose active } }`)).myConsents;
    expect(c).toContainEqual({ institution: { id: bank.id }, purpose: 'LOAN_APPLICATION', active: true });
  });
});

describe('post-loan management: a soft read, only while the bank holds an open account', () => {
  it('counts as a soft inquiry, and stops with the same words once the account is closed', async () => {
    const bp = await borrower(t, bank);
    await furnish(t, bank, [{ borrowerId: bp.id, accountRef: 'PL-1', openedOn: '2026-02-01', status: 'CURRENT', balance: '80000.00' }]);
    await consent(t, bp, bank, 'POST_LOAN_MANAGEMENT');
    ok(await t.gql(bank.token, PROFILE, { b: bp.id, p: 'POST_LOAN_MANAGEMENT' }));
    const p = ok(await t.gql(bank.token, PROFILE, { b: bp.id, p: 'POST_LOAN_MANAGEMENT' })).creditProfile;
    expect(p.inquiries[0]).toMatchObject({ institution: { id: bank.id }, purpose: 'POST_LOAN_MANAGEMENT', kind: 'SOFT' });
    expect(p.summary).toMatchObject({ inquiriesLast6Months: 0, hardInquiriesLast6Months: 0, softInquiriesLast6Months: 1 });
    // paid off and closed: the consent no longer reads, with the words of no consent at all
    await furnish(t, bank, [
      { borrowerId: bp.id, accountRef: 'PL-1', openedOn: '2026-02-01', closedOn: '2026-06-14', status: 'PAID', balance: '0.00' },
    ]);
    const n = (await inquiriesOf(bp.id)).length;
    const closed = await t.gql(bank.token, PROFILE, { b: bp.id, p: 'POST_LOAN_MANAGEMENT' });
    const none = await t.gql(otherBank.token, PROFILE, { b: bp.id, p: 'POST_LOAN_MANAGEMENT' });
    expect(codeOf(closed)).toBe('FORBIDDEN');
    expect(closed.errors![0].message).toBe(none.errors![0].message);
    expect(await inquiriesOf(bp.id)).toHaveLength(n);
  });
});

describe('prior notice: readers see the held view until it takes effect', () => {
  const CUSTOMERS = `{ customers(first: 20) { nodes { borrower { id } accounts { accountRef status paymentPattern } } } }`;
  it('hides a new adverse account and shows an account’s status from before its first adverse one; the furnisher sees the truth', async () => {
    const bh = await borrower(t, bank);
    await consent(t, bh, bank, 'LOAN_APPLICATION');
    await furnish(t, bank, [{ borrowerId: bh.id, accountRef: 'H-OLD', openedOn: '2026-03-01', status: 'CURRENT', balance: '30000.00' }]);
    await furnish(t, bank, [
      { borrowerId: bh.id, accountRef: 'H-OLD', openedOn: '2026-03-01', status: 'DPD_30', balance: '30000.00' },
      { borrowerId: bh.id, accountRef: 'H-NEW', openedOn: '2026-05-01', status: 'DPD_90', balance: '9000.00' },
    ]);
    const [{ until }] = await rows<{ until: Date }>(
      t.tdb.db.orm,
      sql`select max(held_until) as until from credit_accounts where borrower_id = ${bh.id}::uuid`,
    );
    const heldUntil = new Date(until);
    expect(heldUntil.getTime()).toBe(t.now.getTime() + 15 * 86_400_000);
    const read = async () => ok(await t.gql(bank.token, PROFILE, { b: bh.id, p: 'LOAN_APPLICATION' })).creditProfile;
    const own = async () => ok(await t.gql(bh.token, `{ myCreditProfile { accounts { accountRef status } } }`)).myCreditProfile;
    const start = t.now;
    try {
      t.setNow(new Date(heldUntil.getTime() - 1));
      const held = await read();
      expect(held.accounts.map((a: any) => [a.accountRef, a.status, a.paymentPattern])).toEqual([['H-OLD', 'CURRENT', '0']]);
      expect(held.summary).toMatchObject({ accounts: 1, openAccounts: 1, totalBalance: '30000.00', worstStatus24Months: 'CURRENT' });
      expect((await own()).accounts).toEqual([{ accountRef: 'H-OLD', status: 'CURRENT' }]);
      const mine = ok(await t.gql(bank.token, CUSTOMERS)).customers.nodes.find((c: any) => c.borrower.id === bh.id);
      expect(mine.accounts.map((a: any) => [a.accountRef, a.status]).sort()).toEqual([
        ['H-NEW', 'DPD_90'],
        ['H-OLD', 'DPD_30'],
      ]);
      t.setNow(heldUntil);
      const shown = await read();
      // open adverse first, newest opened first
      expect(shown.accounts.map((a: any) => [a.accountRef, a.status])).toEqual([
        ['H-NEW', 'DPD_90'],
        ['H-OLD', 'DPD_30'],
      ]);
      expect(shown.summary).toMatchObject({ accounts: 2, openAccounts: 2, totalBalance: '39000.00', worstStatus24Months: 'DPD_90' });
    } finally {
      t.setNow(start);
    }
  });
});

describe('what travels with a record, for every reader', () => {
  it('shows the corrected month with its mark, the unverifiable objection and the borrower’s statements', async () => {
    const bc = await borrower(t, bank);
    await consent(t, bc, insurer, 'UNDERWRITING');
    await furnish(t, bank, [
      { borrowerId: bc.id, accountRef: 'C-1', openedOn: '2026-03-01', status: 'CURRENT', statusMonth: '2026-04-01' },
    ]);
    const [acc] = (await furnish(t, bank, [{ borrowerId: bc.id, accountRef: 'C-1', openedOn: '2026-03-01', status: 'CURRENT' }])).accounts;
    expect(acc.paymentPattern).toBe('0-0');
    ok(
      await t.gql(
        bank.token,
        `mutation($r: ID!) { correctCreditRecord(recordId: $r, months: [{ month: "2026-05-01", status: CURRENT }], reason: "五月漏报，补报") { id } }`,
        { r: acc.id },
      ),
    );
    const STATEMENT = `mutation($t: String!, $r: ID) { addPersonalStatement(text: $t, recordId: $r) { id } }`;
    const onRecord = ok(await t.gql(bc.token, STATEMENT, { t: '该笔贷款已与银行协商展期', r: acc.id })).addPersonalStatement.id;
    const onFile = ok(await t.gql(bc.token, STATEMENT, { t: '本人 2026 年起经营正常' })).addPersonalStatement.id;
    const dispute = ok(
      await t.gql(bc.token, `mutation($r: ID!) { fileDispute(recordId: $r, reason: "开户日期不符") { id } }`, { r: acc.id }),
    ).fileDispute.id;
    ok(
      await t.gql(
        bank.token,
        `mutation($d: ID!) { resolveDispute(id: $d, outcome: UNVERIFIABLE, note: "原始凭证已遗失，无法核实") { id } }`,
        {
          d: dispute,
        },
      ),
    );
    const p = ok(await t.gql(insurer.token, PROFILE, { b: bc.id, p: 'UNDERWRITING' })).creditProfile;
    const a = p.accounts[0];
    expect(a.corrections).toEqual([
      { month: '2026-05-01', from: null, to: 'CURRENT', source: 'FURNISHER', disputeId: null, reason: '五月漏报，补报' },
    ]);
    expect(a.statusHistory.slice(0, 3)).toEqual([
      { month: '2026-06-01', status: 'CURRENT', corrected: false },
      { month: '2026-05-01', status: 'CURRENT', corrected: true },
      { month: '2026-04-01', status: 'CURRENT', corrected: false },
    ]);
    expect(a.objection).toEqual({
      disputeId: dispute,
      statement: '开户日期不符',
      checkNote: '原始凭证已遗失，无法核实',
      recordedAt: t.now.toISOString(),
    });
    expect(a.statements).toEqual([{ id: onRecord, recordId: acc.id, text: '该笔贷款已与银行协商展期' }]);
    expect(p.statements).toEqual([{ id: onFile, text: '本人 2026 年起经营正常' }]);
    // the furnisher's own view carries the same (batched, not from the profile statement)
    const mine = ok(
      await t.gql(
        bank.token,
        `{ customers(first: 20) { nodes { borrower { id } accounts { id statusHistory { month corrected } corrections { month }
           objection { disputeId } statements { id } } } } }`,
      ),
    ).customers.nodes.find((c: any) => c.borrower.id === bc.id).accounts[0];
    expect(mine.corrections).toEqual([{ month: '2026-05-01' }]);
    expect(mine.statusHistory[1]).toEqual({ month: '2026-05-01', corrected: true });
    expect(mine.objection).toEqual({ disputeId: dispute });
    expect(mine.statements).toEqual([{ id: onRecord }]);
  });
});

describe('retention through the API', () => {
  it('drops an adverse closed account from the profile the day its five years are up', async () => {
    const bb = await borrower(t, bank);
    // furnished while it happened: charged off and closed on 2026-06-10
    await furnish(t, bank, [
      { borrowerId: bb.id, accountRef: 'OLD-1', openedOn: '2025-06-01', closedOn: '2026-06-10', status: 'CHARGED_OFF', balance: '5000.00' },
    ]);
    const refs = async () =>
      ok(await t.gql(bank.token, PROFILE, { b: bb.id, p: 'LOAN_APPLICATION' })).creditProfile.accounts.map((a: any) => a.accountRef);
    const start = t.now;
    try {
      t.setNow('2031-06-09T15:59:59.000Z'); // 2031-06-09 23:59:59 in Zhangjiakou
      await consent(t, bb, bank, 'LOAN_APPLICATION'); // an application consent lasts months: granted for this read
      expect(await refs()).toEqual(['OLD-1']);
      t.setNow('2031-06-09T16:00:00.000Z'); // 2031-06-10 00:00 in Zhangjiakou: five years after 2026-06-10
      expect(await refs()).toEqual([]);
    } finally {
      t.setNow(start);
    }
  });
});

describe('audit of reads', () => {
  it('records each profile read with actor, purpose and consent', async () => {
    await secondRead();
    const entries = await rows<{ action: string; actor_institution_id: string; borrower_id: string; detail: any }>(
      t.tdb.db.orm,
      sql`select action, actor_institution_id, borrower_id, detail from audit_log where action = 'credit.profile.read' and borrower_id = ${b.id}::uuid`,
    );
    expect(entries.length).toBeGreaterThanOrEqual(2);
    expect(entries[0]).toMatchObject({ actor_institution_id: bank.id, borrower_id: b.id });
    expect(entries[0].detail).toMatchObject({ purpose: 'LOAN_APPLICATION' });
    expect(entries[0].detail.consentId).toMatch(/^[0-9a-f-]{36}$/);
  });
});
