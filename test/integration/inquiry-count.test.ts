import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { borrower, consent, institution, type BorrowerHandle, type Inst } from '../factories.js';
import { ok, useTestApp, type TestApp } from '../helpers/app.js';

/**
 * The score counts every hard inquiry of its window, not the profile's displayed list (the
 * newest 100, soft ones included): a file read a hundred times since cannot hide an application.
 */
const app = useTestApp({ now: '2026-06-15T02:00:00.000Z' });
let t: TestApp;
let bank: Inst;
let b: BorrowerHandle;

const QUOTE = `{ quote(input: { amount: "10000.00", termYears: 1, interestRate: "0.04" }) { score { factors { code value } } } }`;
const recentInquiries = async () =>
  ok(await t.gql(b.token, QUOTE)).quote.score.factors.find((f: { code: string }) => f.code === 'RECENT_INQUIRIES').value as string;

beforeAll(async () => {
  t = await app();
  bank = await institution(t, 'BANK');
  b = await borrower(t, bank);
  await consent(t, b, bank, 'LOAN_APPLICATION');
  // one hard inquiry: the bank reads for a loan application
  ok(
    await t.gql(bank.token, `query($b: ID!) { creditProfile(borrowerId: $b, purpose: LOAN_APPLICATION) { borrower { id } } }`, { b: b.id }),
  );
});

describe('hard inquiries in the score', () => {
  it('still counts an application read after 150 later soft reads', async () => {
    t.setNow('2026-07-25T02:00:00.000Z'); // 40 days on: past the scorecard's 30-day buffer
    expect(await recentInquiries()).toBe('1');
    // 150 of the borrower's own reads (soft) after the application, straight to the table: setup
    await t.tdb.db.orm.execute(sql`insert into inquiries (borrower_id, institution_id, user_id, purpose, consent_id, inquired_at)
      select ${b.id}::uuid, null, 'self', 'SELF_ACCESS', null, timestamptz '2026-06-16T02:00:00Z' + n * interval '1 minute'
      from generate_series(1, 150) n`);
    const shown = ok(await t.gql(b.token, `{ myCreditProfile { inquiries { purpose } } }`)).myCreditProfile.inquiries;
    expect(shown).toHaveLength(100);
    expect(shown.every((q: { purpose: string }) => q.purpose === 'SELF_ACCESS')).toBe(true);
    // the application is no longer in the displayed list, and the score still counts it
    expect(await recentInquiries()).toBe('1');
  });
});
