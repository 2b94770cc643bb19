import { beforeAll, describe, expect, it } from 'vitest';
import { borrower, furnish, institution, type Inst } from '../factories.js';
import { ok, useTestApp, type TestApp } from '../helpers/app.js';

/** A page of N customers with their accounts costs the same number of statements for N = 1 and N = 50. */
const PAGE = `query($n: Int!) {
  customers(first: $n) {
    nodes { since borrower { id name category } accounts { id accountRef balance status furnisher { id name } statusHistory { month status } disputed } }
    pageInfo { hasNextPage endCursor }
  }
}`;

const app = useTestApp();
let t: TestApp;
let bank: Inst;

beforeAll(async () => {
  t = await app();
  bank = await institution(t, 'BANK');
  for (let i = 0; i < 50; i++) {
    const b = await borrower(t, bank);
    await furnish(t, bank, [{ borrowerId: b.id }, { borrowerId: b.id }]);
  }
});

async function statementsFor(n: number) {
  const stats = t.tdb.db.stats;
  const before = stats.statements;
  const data = ok(await t.gql(bank.token, PAGE, { n }));
  return { statements: stats.statements - before, data: data.customers };
}

describe('batching', () => {
  it('loads a page of customers with accounts and furnishers in a constant number of statements', async () => {
    const one = await statementsFor(1);
    const fifty = await statementsFor(50);
    expect(one.data.nodes).toHaveLength(1);
    expect(fifty.data.nodes).toHaveLength(50);
    expect(fifty.data.nodes.every((c: any) => c.accounts.length === 2 && c.accounts[0].furnisher.id === bank.id)).toBe(true);
    // page + accounts batch + institutions batch + correction marks batch (statusHistory's `corrected`) + the audit entry for the read
    expect(one.statements).toBe(5);
    expect(fifty.statements).toBe(one.statements);
  });

  it('pages with an opaque cursor, without repeats or gaps', async () => {
    const seen = new Set<string>();
    let after: string | null = null;
    for (;;) {
      const page: any = ok(
        await t.gql(
          bank.token,
          `query($a: String) { customers(first: 17, after: $a) { nodes { borrower { id } } pageInfo { hasNextPage endCursor } } }`,
          { a: after },
        ),
      ).customers;
      for (const n of page.nodes) {
        expect(seen.has(n.borrower.id)).toBe(false);
        seen.add(n.borrower.id);
      }
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(seen.size).toBe(50);
  });

  it('reads a credit profile in one statement whatever the number of accounts', async () => {
    const b = await borrower(t, bank);
    await t.gql(
      b.token,
      `mutation($i: ID!) { grantConsent(institutionId: $i, purpose: UNDERWRITING, expiresAt: "2026-11-30T00:00:00Z") { id } }`,
      { i: bank.id },
    );
    const Q = `query($b: ID!) { creditProfile(borrowerId: $b, purpose: UNDERWRITING) { accounts { id furnisher { name } statusHistory { status } } summary { openAccounts } inquiries { purpose } } }`;
    const count = async () => {
      const before = t.tdb.db.stats.statements;
      ok(await t.gql(bank.token, Q, { b: b.id }));
      return t.tdb.db.stats.statements - before;
    };
    await furnish(t, bank, [{ borrowerId: b.id }]);
    const few = await count();
    await furnish(
      t,
      bank,
      Array.from({ length: 12 }, () => ({ borrowerId: b.id })),
    );
    // the profile itself: consent check, inquiry, audit and data in one statement (its public
    // records are a second one only when selected: profile-selection.test.ts)
    expect(few).toBe(1);
    expect(await count()).toBe(1);
  });
});
