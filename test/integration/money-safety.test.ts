import { sql } from 'drizzle-orm';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { rows } from '../../src/db/client.js';
import {
  borrower,
  COMPENSATE,
  COURT,
  defaultedDeals,
  DEPOSIT,
  expectBalancedLedger,
  FILE_CLAIM,
  institution,
  key,
  PAY_CLAIM,
  paidClaim,
  RECOVER,
  type BorrowerHandle,
  type Deal,
  type Inst,
} from '../factories.js';
import { codeOf, ok, testConfig, useTestApp, type GqlResult, type TestApp } from '../helpers/app.js';
import { expectKeptArrears } from '../helpers/cube.js';
import { dbMode } from '../helpers/db.js';
import { failingBeforeCommit } from '../helpers/failing-db.js';

/**
 * Money safety: concurrent payers and crashes mid-mutation. On the real server (`.ci/run`'s
 * second pass) these race on real connections; embedded, PGlite runs the same calls one at a
 * time, which still proves the invariants hold.
 */
const app = useTestApp({ now: '2026-01-10T02:00:00.000Z', poolSize: 20 });
let t: TestApp;
let bank: Inst;
let insurer: Inst;
let gov: Inst;
let b: BorrowerHandle;
let deals: Deal[];

beforeAll(async () => {
  t = await app();
  [bank, insurer, gov] = await Promise.all([institution(t, 'BANK'), institution(t, 'INSURER'), institution(t, 'GOVERNMENT')]);
  b = await borrower(t, bank, { registeredOn: '2025-03-01' });
  deals = await defaultedDeals(t, b, bank, insurer, 16);
}, 120_000);
afterEach(async () => {
  await expectBalancedLedger(t);
  // what the funds owe, kept by the concurrent approvals' transactions, equals the scan
  await expectKeptArrears(t.tdb);
});

const count = async (q: ReturnType<typeof sql>) => (await rows<{ n: number }>(t.tdb.db.orm, q))[0].n;

describe('concurrency', () => {
  it('runs on the database this pass was asked for', () => {
    expect(t.tdb.db.driver).toBe(dbMode());
  });

  it('50 concurrent payClaim calls on one claim pay exactly once', async () => {
    const c = ok(await t.gql(bank.token, FILE_CLAIM, { l: deals[0].loanId, k: key() })).fileClaim;
    const results = await Promise.all(Array.from({ length: 50 }, () => t.gql(insurer.token, PAY_CLAIM, { c: c.id, k: key('race') })));
    const okCount = results.filter((r) => !r.errors).length;
    expect(okCount).toBe(1);
    expect(results.filter((r) => codeOf(r) === 'CONFLICT')).toHaveLength(49);
    expect(
      await count(sql`select count(*)::int as n from ledger_transactions where kind = 'CLAIM_PAYMENT' and claim_id = ${c.id}::uuid`),
    ).toBe(1);
  });

  it('20 concurrent replays of one idempotency key pay once and all see the same result', async () => {
    const c = ok(await t.gql(bank.token, FILE_CLAIM, { l: deals[1].loanId, k: key() })).fileClaim;
    const k = key('same');
    const results = await Promise.all(Array.from({ length: 20 }, () => t.gql(insurer.token, PAY_CLAIM, { c: c.id, k })));
    expect(results.every((r) => !r.errors)).toBe(true);
    expect(new Set(results.map((r) => JSON.stringify(r.data))).size).toBe(1);
    expect(
      await count(sql`select count(*)::int as n from ledger_transactions where kind = 'CLAIM_PAYMENT' and claim_id = ${c.id}::uuid`),
    ).toBe(1);
  });

  it('two banks filing on one loan at once: one claim', async () => {
    const results = await Promise.all(
      Array.from({ length: 10 }, () => t.gql(bank.token, FILE_CLAIM, { l: deals[2].loanId, k: key('file') })),
    );
    expect(results.filter((r) => !r.errors)).toHaveLength(1);
    expect(await count(sql`select count(*)::int as n from claims where loan_id = ${deals[2].loanId}::uuid`)).toBe(1);
  });

  it('concurrent compensation approvals drain one fund without overdrawing it; paid + shortfall = owed for every claim', async () => {
    const draining = deals.slice(3, 13);
    const claimIds: string[] = [];
    for (const d of draining) {
      claimIds.push(await paidClaim(t, d, bank, insurer));
      ok(await t.gql(bank.token, COURT, { l: d.loanId, r: `case-${d.loanNumber}`, d: '2026-05-20', k: key() }));
    }
    // each owes 50% × 800.00 = 400.00; ten of them 4,000.00 against a 2,500.00 fund
    ok(await t.gql(gov.token, DEPOSIT, { f: 'RISK_COMPENSATION', a: '2500.00', k: key() }));
    const results: GqlResult[] = await Promise.all(claimIds.map((c) => t.gql(gov.token, COMPENSATE, { c, k: key('drain') })));
    expect(results.every((r) => !r.errors)).toBe(true);
    const claims = results.map((r) => r.data.approveRiskCompensation);
    for (const c of claims) {
      expect(c.compensationOwed).toBe('400.00');
      expect((Number(c.compensationPaid) * 100 + Number(c.compensationShortfall) * 100) / 100).toBe(400);
    }
    const paid = claims.reduce((s: number, c: any) => s + Math.round(Number(c.compensationPaid) * 100), 0);
    expect(paid).toBe(250000);
    const [fund] = await rows<{ balance: string }>(
      t.tdb.db.orm,
      sql`select balance::text from ledger_accounts where id = 'FUND:RISK_COMPENSATION'`,
    );
    expect(fund.balance).toBe('0.00');
  });
});

describe('a failure in the middle of a money mutation leaves nothing behind', () => {
  async function failingApp(point: string) {
    return createApp({ config: testConfig(), db: failingBeforeCommit(t.tdb.db, point), clock: () => t.now });
  }
  async function run(a: Awaited<ReturnType<typeof failingApp>>, token: string, query: string, variables: Record<string, unknown>) {
    const r = await a.apollo.executeOperation({ query, variables }, { contextValue: await a.contextFor(`Bearer ${token}`) });
    return (r.body as any).singleResult as GqlResult;
  }
  const ledgerSize = () => count(sql`select count(*)::int as n from ledger_entries`);

  it('payClaim: fails after its ledger posting, keeps no entries, no state change, no idempotency record', async () => {
    const c = ok(await t.gql(bank.token, FILE_CLAIM, { l: deals[13].loanId, k: key() })).fileClaim;
    const before = await ledgerSize();
    const broken = await failingApp('payClaim.afterLedger');
    const k = key('crash');
    const r = await run(broken, insurer.token, PAY_CLAIM, { c: c.id, k });
    expect(codeOf(r)).toBe('INTERNAL_SERVER_ERROR');
    expect(await ledgerSize()).toBe(before);
    expect(await count(sql`select count(*)::int as n from claims where id = ${c.id}::uuid and status = 'FILED'`)).toBe(1);
    await broken.stop();
    // the same key, retried on a healthy server, now pays
    expect(ok(await t.gql(insurer.token, PAY_CLAIM, { c: c.id, k })).payClaim.status).toBe('PAID');
  });

  it('a posting that fails between its entries and its balances leaves neither', async () => {
    const before = await ledgerSize();
    const [fundBefore] = await rows<{ balance: string }>(
      t.tdb.db.orm,
      sql`select balance::text from ledger_accounts where id = 'FUND:PREMIUM_SUBSIDY'`,
    );
    const broken = await failingApp('ledger.afterEntries');
    expect(codeOf(await run(broken, gov.token, DEPOSIT, { f: 'PREMIUM_SUBSIDY', a: '1000.00', k: key() }))).toBe('INTERNAL_SERVER_ERROR');
    await broken.stop();
    expect(await ledgerSize()).toBe(before);
    const [fundAfter] = await rows<{ balance: string }>(
      t.tdb.db.orm,
      sql`select balance::text from ledger_accounts where id = 'FUND:PREMIUM_SUBSIDY'`,
    );
    expect(fundAfter).toEqual(fundBefore);
  });

  it('approveRiskCompensation and recordRecovery roll back whole', async () => {
    const d = deals[14];
    const c = await paidClaim(t, d, bank, insurer);
    ok(await t.gql(bank.token, COURT, { l: d.loanId, r: 'case-x', d: '2026-05-20', k: key() }));
    ok(await t.gql(gov.token, DEPOSIT, { f: 'RISK_COMPENSATION', a: '1000.00', k: key() }));
    const before = await ledgerSize();
    const brokenComp = await failingApp('approveRiskCompensation.afterPayment');
    expect(codeOf(await run(brokenComp, gov.token, COMPENSATE, { c, k: key() }))).toBe('INTERNAL_SERVER_ERROR');
    await brokenComp.stop();
    expect(await ledgerSize()).toBe(before);
    expect(
      await count(sql`select count(*)::int as n from claims where id = ${c}::uuid and status = 'PAID' and compensation_owed is null`),
    ).toBe(1);
    const brokenRec = await failingApp('recordRecovery.afterLedger');
    expect(codeOf(await run(brokenRec, bank.token, RECOVER, { l: d.loanId, a: '100.00', k: key() }))).toBe('INTERNAL_SERVER_ERROR');
    await brokenRec.stop();
    expect(await ledgerSize()).toBe(before);
    expect(await count(sql`select count(*)::int as n from recoveries where claim_id = ${c}::uuid`)).toBe(0);
  });
});
