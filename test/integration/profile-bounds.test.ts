import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../src/db/client.js';
import { borrower, consent, institution, type BorrowerHandle, type Inst } from '../factories.js';
import { codeOf, ok, useTestApp, type TestApp } from '../helpers/app.js';

/**
 * One borrower with 7,563 accounts (the file that once produced a 7 MB, 18 s answer): the profile
 * is one bounded page, the summary still covers every account, and the cursor walks them all.
 */
const N = 7563;

const PROFILE = `query($b: ID!, $n: Int, $after: String) {
  creditProfile(borrowerId: $b, purpose: LOAN_APPLICATION, accountLimit: $n, accountsAfter: $after) {
    borrower { id name }
    accounts { id accountRef kind furnisher { id name } originalAmount balance openedOn closedOn status statusMonth
               statusHistory { month status corrected } paymentPattern disputed dispute { id status } source
               corrections { month from to } objection { disputeId } statements { id text } }
    accountsCursor
    summary { accounts openAccounts totalBalance worstStatus24Months inquiriesLast6Months hardInquiriesLast6Months
              softInquiriesLast6Months disputedAccounts publicRecords activePublicRecords }
    inquiries { id purpose kind disputed }
    statements { id }
    publicRecords { id }
    generatedAt
  }
}`;

const WALK = `query($n: Int, $after: String) {
  myCreditProfile(accountLimit: $n, accountsAfter: $after) { accounts { id status closedOn openedOn } accountsCursor summary { accounts } }
}`;

const app = useTestApp({ now: '2026-06-15T02:00:00.000Z' });
let t: TestApp;
let bank: Inst;
let b: BorrowerHandle;

/** The class of account i: every tenth is open and 60 days past due, every other third paid and closed, the rest current. */
const classOf = (i: number) => (i % 10 === 0 ? 'ADVERSE' : i % 3 === 0 ? 'PAID' : 'CURRENT');
const expected = (() => {
  const n = { ADVERSE: 0, PAID: 0, CURRENT: 0 };
  for (let i = 1; i <= N; i++) n[classOf(i)]++;
  // balances in cents: 1,000.00 for each adverse, 250.50 for each current; 5 of the adverse are disputed
  const cents = n.ADVERSE * 100_000 + n.CURRENT * 25_050;
  return { ...n, open: n.ADVERSE + n.CURRENT, totalBalance: `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}` };
})();

beforeAll(async () => {
  t = await app();
  bank = await institution(t, 'BANK');
  b = await borrower(t, bank, { name: '账户极多的借款人' });
  await consent(t, b, bank, 'LOAN_APPLICATION');
  // setup straight into the table: one statement, N accounts, many sharing an opening date (the id breaks the tie)
  await t.tdb.db.orm.execute(sql`
    insert into credit_accounts (institution_id, borrower_id, account_ref, kind, original_amount, balance, opened_on, closed_on,
                                 status, status_month, payment_history, source, created_at, updated_at)
    select ${bank.id}, ${b.id}::uuid, 'BULK-' || i, 'LOAN', 5000.00,
           case when i % 10 = 0 then 1000.00 when i % 3 = 0 then 0 else 250.50 end,
           date '2020-01-01' + (i % 1500),
           case when i % 10 <> 0 and i % 3 = 0 then date '2026-01-31' end,
           case when i % 10 = 0 then 'DPD_60' when i % 3 = 0 then 'PAID' else 'CURRENT' end,
           case when i % 10 <> 0 and i % 3 = 0 then date '2026-01-01' else date '2026-06-01' end,
           case when i % 10 = 0 then '21' when i % 3 = 0 then 'P0' else '000' end,
           'FURNISHED', now(), now()
    from generate_series(1, ${N}::int) i`);
  // hidden by a prior notice, deleted after a dispute, past retention: none of these is shown or counted
  await t.tdb.db.orm.execute(sql`
    insert into credit_accounts (institution_id, borrower_id, account_ref, kind, original_amount, balance, opened_on, closed_on,
                                 status, status_month, payment_history, source, held, held_until, deleted_at, created_at, updated_at)
    values (${bank.id}, ${b.id}::uuid, 'HELD-NEW', 'LOAN', 100, 100, '2026-06-01', null, 'DPD_180_PLUS', '2026-06-01', '6', 'FURNISHED',
            '{"hidden": true}'::jsonb, '2026-06-30T00:00:00Z', null, now(), now()),
           (${bank.id}, ${b.id}::uuid, 'GONE', 'LOAN', 100, 100, '2026-06-01', null, 'CHARGED_OFF', '2026-06-01', 'L', 'FURNISHED',
            null, null, now(), now(), now()),
           (${bank.id}, ${b.id}::uuid, 'OLD', 'LOAN', 100, 100, '2019-01-01', '2020-01-01', 'CHARGED_OFF', '2020-01-01', 'L', 'FURNISHED',
            null, null, null, now(), now())`);
  await t.tdb.db.orm.execute(sql`
    insert into disputes (subject, account_id, borrower_id, institution_id, reason, status, filed_at, due_at)
    select 'RECORD', id, borrower_id, institution_id, '不是我的', 'OPEN', now(), now() + interval '20 days'
    from credit_accounts where borrower_id = ${b.id}::uuid and account_ref in ('BULK-10', 'BULK-20', 'BULK-30', 'BULK-40', 'BULK-50')`);
});

const inquiryCount = async () =>
  (await rows<{ n: number }>(t.tdb.db.orm, sql`select count(*)::int as n from inquiries where borrower_id = ${b.id}::uuid`))[0].n;

describe('a profile of 7,563 accounts', () => {
  it('answers with one small page, fast, while the summary covers every account', async () => {
    const started = performance.now();
    const r = await t.gql(bank.token, PROFILE, { b: b.id });
    const elapsed = performance.now() - started;
    const p = ok(r).creditProfile;
    const bytes = Buffer.byteLength(JSON.stringify(r));
    expect(bytes).toBeLessThan(300_000);
    expect(elapsed).toBeLessThan(10_000);
    expect(p.accounts).toHaveLength(100);
    expect(p.accountsCursor).toEqual(expect.any(String));
    // open adverse first (newest opened first), and every one of the first 100 is one of them
    expect(p.accounts.every((a: any) => a.status === 'DPD_60' && a.closedOn === null)).toBe(true);
    const opened = p.accounts.map((a: any) => a.openedOn);
    expect([...opened].sort().reverse()).toEqual(opened);
    expect(p.accounts[0]).toMatchObject({
      source: 'FURNISHED',
      corrections: [],
      objection: null,
      statements: [],
      furnisher: { id: bank.id },
    });
    expect(p.accounts[0].statusHistory).toHaveLength(24);
    expect(p.summary).toEqual({
      accounts: N,
      openAccounts: expected.open,
      totalBalance: expected.totalBalance,
      worstStatus24Months: 'DPD_60',
      inquiriesLast6Months: 0,
      hardInquiriesLast6Months: 0,
      softInquiriesLast6Months: 0,
      disputedAccounts: 5,
      publicRecords: 0,
      activePublicRecords: 0,
    });
  });

  it('walks every visible account exactly once with the cursor, open adverse, then open, then closed', async () => {
    const seen: any[] = [];
    let after: string | null = null;
    const sizes: number[] = [];
    do {
      const p: any = ok(await t.gql(b.token, WALK, { n: 200, after })).myCreditProfile;
      expect(p.summary.accounts).toBe(N);
      seen.push(...p.accounts);
      sizes.push(p.accounts.length);
      after = p.accountsCursor;
    } while (after !== null && sizes.length < 100);
    // full pages, then a short last one whose cursor is null
    expect(sizes).toEqual([...Array<number>(Math.floor(N / 200)).fill(200), N % 200]);
    expect(seen).toHaveLength(N);
    expect(new Set(seen.map((a) => a.id)).size).toBe(N);
    const klass = (a: any) => (a.status === 'DPD_60' ? 0 : a.closedOn === null ? 1 : 2);
    const ranks = seen.map(klass);
    expect([...ranks].sort((x, y) => x - y)).toEqual(ranks);
    expect(ranks.filter((k) => k === 0)).toHaveLength(expected.ADVERSE);
    expect(ranks.filter((k) => k === 2)).toHaveLength(expected.PAID);
  }, 180_000);

  it('refuses an accountLimit outside 1..200 and a malformed cursor, and then reads nothing', async () => {
    const before = await inquiryCount();
    for (const n of [0, 201, -1]) {
      const r = await t.gql(bank.token, PROFILE, { b: b.id, n });
      expect(codeOf(r)).toBe('BAD_USER_INPUT');
      expect(r.errors![0].message).toMatch(/^accountLimit must be/);
    }
    for (const after of ['not-a-cursor', Buffer.from('3|2026-01-01|x').toString('base64url')]) {
      const r = await t.gql(bank.token, PROFILE, { b: b.id, after });
      expect(codeOf(r)).toBe('BAD_USER_INPUT');
      expect(r.errors![0].extensions!.field).toBe('accountsAfter');
    }
    expect(await inquiryCount()).toBe(before);
  });
});
