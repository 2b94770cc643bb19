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
               paymentPattern statusHistory { month status } disputed }
    summary { openAccounts totalBalance worstStatus24Months inquiriesLast6Months disputedAccounts }
    inquiries { institution { id } purpose inquiredAt userId }
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
  bank = await institution(t, 'BANK');
  otherBank = await institution(t, 'BANK');
  insurer = await institution(t, 'INSURER');
  b = await borrower(t, bank, { name: '王建国', category: 'RURAL_HOUSEHOLD', county: '蔚县', sector: 'breeding' });
  await furnish(t, bank, [
    { borrowerId: b.id, accountRef: 'LN-A', originalAmount: '200000.00', balance: '150000.50', openedOn: '2026-01-05', status: 'DPD_30' },
  ]);
});

const inquiriesOf = async (borrowerId: string) =>
  rows<{ institution_id: string; purpose: string; consent_id: string; user_id: string }>(
    t.tdb.db.orm,
    sql`select institution_id, purpose, consent_id, user_id from inquiries where borrower_id = ${borrowerId}::uuid order by inquired_at`,
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
      statusMonth: '2026-06-01',
      paymentPattern: '1',
      disputed: false,
    });
    expect(p.accounts[0].statusHistory).toHaveLength(24);
    expect(p.accounts[0].statusHistory[0]).toEqual({ month: '2026-06-01', status: 'DPD_30' });
    expect(p.summary).toEqual({
      openAccounts: 1,
      totalBalance: '150000.50',
      worstStatus24Months: 'DPD_30',
      inquiriesLast6Months: 0,
      disputedAccounts: 0,
    });
    const after = await inquiriesOf(b.id);
    expect(after).toHaveLength(before + 1);
    expect(after[after.length - 1]).toEqual({
      institution_id: bank.id,
      purpose: 'LOAN_APPLICATION',
      consent_id: consentId,
      user_id: `${bank.id}-user`,
    });
    // an institution never sees which of another's users read the profile
    expect(p.inquiries.every((q: any) => q.userId === null)).toBe(true);
  });

  it('counts earlier inquiries in the next read', async () => {
    const p = await secondRead();
    expect(p.summary.inquiriesLast6Months).toBe(1);
    expect(p.inquiries[0]).toMatchObject({ institution: { id: bank.id }, purpose: 'LOAN_APPLICATION' });
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

describe('myCreditProfile', () => {
  it('shows the borrower their profile and who read it, with the reading user, and writes no inquiry', async () => {
    await secondRead();
    const n = (await inquiriesOf(b.id)).length;
    const p = ok(
      await t.gql(
        b.token,
        `{ myCreditProfile { borrower { id } accounts { accountRef } inquiries { institution { id } purpose inquiredAt userId } } }`,
      ),
    ).myCreditProfile;
    expect(p.borrower.id).toBe(b.id);
    expect(p.accounts.map((a: any) => a.accountRef)).toEqual(['LN-A']);
    expect(p.inquiries).toHaveLength(n);
    expect(p.inquiries[0]).toMatchObject({ institution: { id: bank.id }, purpose: 'LOAN_APPLICATION', userId: `${bank.id}-user` });
    expect(await inquiriesOf(b.id)).toHaveLength(n);
  });

  it('lists the borrower’s consents with their state', async () => {
    await secondRead();
    const c = ok(await t.gql(b.token, `{ myConsents { institution { id } purpose active } }`)).myConsents;
    expect(c).toContainEqual({ institution: { id: bank.id }, purpose: 'LOAN_APPLICATION', active: true });
  });
});

describe('retention through the API', () => {
  it('drops an adverse closed account from the profile the day its five years are up', async () => {
    const bb = await borrower(t, bank);
    await consent(t, bb, bank, 'LOAN_APPLICATION', '2031-06-14T00:00:00Z');
    // furnished while it happened: charged off and closed on 2026-06-10
    await furnish(t, bank, [
      { borrowerId: bb.id, accountRef: 'OLD-1', openedOn: '2025-06-01', closedOn: '2026-06-10', status: 'CHARGED_OFF', balance: '5000.00' },
    ]);
    const refs = async () =>
      ok(await t.gql(bank.token, PROFILE, { b: bb.id, p: 'LOAN_APPLICATION' })).creditProfile.accounts.map((a: any) => a.accountRef);
    const start = t.now;
    try {
      t.setNow('2031-06-09T15:59:59.000Z'); // 2031-06-09 23:59:59 in Zhangjiakou
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
