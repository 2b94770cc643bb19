import { sql } from 'drizzle-orm';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../src/db/client.js';
import {
  borrower,
  COMPENSATE,
  COURT,
  defaultedDeals,
  DEPOSIT,
  disbursedLoan,
  expectBalancedLedger,
  institution,
  ISSUE,
  key,
  paidClaim,
  RECOVER,
  REVIEW,
  SUBMIT,
  type Deal,
  type Inst,
} from '../factories.js';
import { codeOf, ok, useTestApp, type GqlResult, type TestApp } from '../helpers/app.js';
import { expectKeptArrears } from '../helpers/cube.js';
import { dbMode } from '../helpers/db.js';

/**
 * What the funds owe (subsidies not yet paid, compensation cut short) is kept on the fund
 * accounts in the transaction that changes it (migration 0012), so fundBalances and
 * programmeMetrics read it without scanning every policy and claim. After every test the kept
 * figures equal that scan (expectKeptArrears); each step below changes what is owed one way.
 * On the real server (`.ci/run`'s second pass) the concurrent cases race on real connections.
 */
const app = useTestApp({ now: '2026-06-15T02:00:00.000Z', poolSize: 20 });
let t: TestApp;
let bank: Inst;
let insurer: Inst;
let gov: Inst;

const BALANCES = `{ fundBalances { premiumSubsidyFund riskCompensationFund subsidyOwed compensationShortfall } }`;
const balances = async () => ok(await t.gql(gov.token, BALANCES)).fundBalances;
const QUOTE = `query($l: ID!, $on: Date) { settlementQuote(loanId: $l, on: $on) { total subsidyRefund } }`;
const SETTLE = `mutation($i: SettlementInput!, $k: String!) { settleLoan(input: $i, idempotencyKey: $k) { total subsidyRefund } }`;
const TERMS = { amount: '150000.00', interestRate: '0.0565', repaymentMethod: 'INTEREST_ONLY_BULLET' };
const owedOn = async (policyId: string) =>
  (
    await rows<{ owed: string }>(
      t.tdb.db.orm,
      sql`select (subsidy_amount - subsidy_paid)::text as owed from policies where id = ${policyId}::uuid`,
    )
  )[0].owed;

beforeAll(async () => {
  t = await app();
  [bank, insurer, gov] = await Promise.all([institution(t, 'BANK'), institution(t, 'INSURER'), institution(t, 'GOVERNMENT')]);
});
afterEach(async () => {
  await expectBalancedLedger(t);
  await expectKeptArrears(t.tdb);
});

describe('the premium subsidy owed', () => {
  let a: Deal;
  let b: Deal;
  it('a policy issued while the fund is empty owes its subsidy; fundBalances reads the kept figure', async () => {
    expect(await balances()).toMatchObject({ subsidyOwed: '0.00', compensationShortfall: '0.00' });
    a = await disbursedLoan(t, await borrower(t, bank), bank, insurer, TERMS);
    b = await disbursedLoan(t, await borrower(t, bank), bank, insurer, { ...TERMS, termYears: 2 });
    // year 1: 1.30% of 150,000.00 each, nothing paid yet
    expect(await owedOn(a.policyId)).toBe('1950.00');
    expect(await owedOn(b.policyId)).toBe('1950.00');
    expect(await balances()).toMatchObject({ premiumSubsidyFund: '0.00', subsidyOwed: '3900.00' });
  });

  let owing: Deal;
  it('a deposit pays the oldest policy first, as far as it goes', async () => {
    ok(await t.gql(gov.token, DEPOSIT, { f: 'PREMIUM_SUBSIDY', a: '2500.00', k: key() }));
    // both were issued at the test clock's one instant: which is older is the id's tie-break
    const owed = [await owedOn(a.policyId), await owedOn(b.policyId)];
    expect([...owed].sort()).toEqual(['0.00', '1400.00']);
    owing = owed[0] === '1400.00' ? a : b;
    expect(await balances()).toMatchObject({ premiumSubsidyFund: '0.00', subsidyOwed: '1400.00' });
  });

  it('an early settlement refunds the subsidy: first what the fund still owed on the policy', async () => {
    const q = ok(await t.gql(bank.token, QUOTE, { l: owing.loanId, on: '2026-06-15' })).settlementQuote;
    // settled the day it was disbursed: the whole of year 1 comes back, 1,950.00 of it subsidy
    expect(q.subsidyRefund).toBe('1950.00');
    ok(await t.gql(bank.token, SETTLE, { i: { loanId: owing.loanId, settledOn: '2026-06-15', amount: q.total }, k: key() }));
    expect(await owedOn(owing.policyId)).toBe('0.00');
    // the fund had paid 550.00 of it: that goes back to the fund; the 1,400.00 owed is owed no more
    expect(await balances()).toMatchObject({ premiumSubsidyFund: '550.00', subsidyOwed: '0.00' });
  });
});

describe('concurrency', () => {
  it('runs on the database this pass was asked for', () => {
    expect(t.tdb.db.driver).toBe(dbMode());
  });

  it('policies issued at once with an empty fund, and a deposit among them: the kept figure equals the scan', async () => {
    // drain the fund first: one more policy takes the 550.00 left and owes the rest
    await disbursedLoan(t, await borrower(t, bank), bank, insurer, TERMS);
    const before = await balances();
    expect(before).toMatchObject({ premiumSubsidyFund: '0.00', subsidyOwed: '1400.00' });
    const approved: string[] = [];
    for (let i = 0; i < 8; i++) {
      const who = await borrower(t, bank);
      const application = ok(
        await t.gql(who.token, SUBMIT, {
          i: { bankId: bank.id, insurerId: insurer.id, amount: '100000.00', termYears: 1, interestRate: '0.05', loanPurpose: '种植' },
          k: key(),
        }),
      ).submitApplication;
      ok(await t.gql(bank.token, REVIEW, { id: application.id, d: 'APPROVE', k: key() }));
      ok(await t.gql(insurer.token, REVIEW, { id: application.id, d: 'APPROVE', k: key() }));
      approved.push(application.id);
    }
    const results: GqlResult[] = await Promise.all([
      ...approved.map((id) => t.gql(insurer.token, ISSUE, { a: id, k: key('race') })),
      t.gql(gov.token, DEPOSIT, { f: 'PREMIUM_SUBSIDY', a: '3000.00', k: key('race') }),
    ]);
    expect(results.map(codeOf)).toEqual(results.map(() => undefined));
    // 8 × 1,300.00 more owed, 3,000.00 of the deposit paid against what was owed then (all of it, whatever the order)
    const after = await balances();
    expect(after.subsidyOwed).toBe((1400 + 8 * 1300 - 3000).toFixed(2));
    expect(after.premiumSubsidyFund).toBe('0.00');
  });
});

describe('the compensation shortfall', () => {
  let claims: string[];
  let deals: Deal[];
  it('approvals beyond the fund leave a shortfall; approved at once, the kept figure still equals the scan', async () => {
    const b = await borrower(t, bank, { registeredOn: '2025-03-01' });
    deals = await defaultedDeals(t, b, bank, insurer, 4);
    claims = [];
    for (const d of deals) {
      claims.push(await paidClaim(t, d, bank, insurer));
      ok(await t.gql(bank.token, COURT, { l: d.loanId, r: `case-${d.loanNumber}`, d: '2026-10-20', k: key() }));
    }
    // each owes 50% × 800.00 = 400.00: 1,600.00 against a 700.00 fund
    ok(await t.gql(gov.token, DEPOSIT, { f: 'RISK_COMPENSATION', a: '700.00', k: key() }));
    const results: GqlResult[] = await Promise.all(claims.map((c) => t.gql(gov.token, COMPENSATE, { c, k: key('race') })));
    expect(results.map(codeOf)).toEqual(results.map(() => undefined));
    expect(await balances()).toMatchObject({ riskCompensationFund: '0.00', compensationShortfall: '900.00' });
  });

  it('a recovery makes good part of the loss: the next deposit pays only what is still lost, the rest is owed no more', async () => {
    const shortOf = async (claimId: string) =>
      (await rows<{ s: string }>(t.tdb.db.orm, sql`select compensation_shortfall::text as s from claims where id = ${claimId}::uuid`))[0].s;
    const short = [];
    for (const c of claims) short.push(await shortOf(c));
    // the most cut-short claim's loan recovers everything: its insurer has nothing left to be compensated for
    const worst = short.indexOf(short.reduce((m, s) => (Number(s) > Number(m) ? s : m)));
    ok(await t.gql(bank.token, RECOVER, { l: deals[worst].loanId, a: '1000.00', k: key() }));
    ok(await t.gql(gov.token, DEPOSIT, { f: 'RISK_COMPENSATION', a: '5000.00', k: key() }));
    const after = await balances();
    expect(after.compensationShortfall).toBe('0.00');
    for (const c of claims) expect(await shortOf(c)).toBe('0.00');
  });

  it('a truncate would bypass the kept figures: refused, also in a bulk load (session_replication_role = replica)', async () => {
    // drizzle wraps the database's error as "Failed query: …" with the refusal as its cause
    const refusal = async (run: Promise<unknown>) => {
      try {
        await run;
        return 'not refused';
      } catch (err) {
        return String((err as { cause?: Error }).cause?.message ?? (err as Error).message);
      }
    };
    expect(await refusal(t.tdb.db.orm.execute(sql`truncate claims cascade`))).toMatch(/cannot be truncated/);
    expect(
      await refusal(
        t.tdb.db.transaction(async (tx) => {
          await tx.execute(sql`set local session_replication_role = replica`);
          await tx.execute(sql`truncate policies cascade`);
        }),
      ),
    ).toMatch(/cannot be truncated/);
  });
});
