import { sql } from 'drizzle-orm';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../src/db/client.js';
import { createApp } from '../../src/app.js';
import {
  borrower,
  DEPOSIT,
  disbursedLoan,
  expectBalancedLedger,
  institution,
  key,
  REPAY,
  type BorrowerHandle,
  type Deal,
  type Inst,
} from '../factories.js';
import { expectCubeConsistent } from '../helpers/cube.js';
import { codeOf, ok, testConfig, useTestApp, type TestApp } from '../helpers/app.js';
import { failingBeforeCommit } from '../helpers/failing-db.js';

/**
 * Early settlement (提前结清) through GraphQL: the 1-year 150,000.00 loan, here at 5.65%
 * (the 2026 ceiling: 4.35% × 1.30 = 5.655%), interest only, disbursed 2026-06-15, PBOC 30/360.
 * Every month's interest is 150,000 × 5.65% ÷ 12 = 706.25 (8,475.00 a year).
 *
 * Each loan's policy year 1 (2026-06-15 → 2027-06-15, 365 days; grade C: 2.3%) is charged at
 * issue: premium 150,000 × 2.3% = 3,450.00, the subsidy (2.3% − 1%) × 150,000 = 1,950.00, the
 * borrower 1,500.00, the risk reserve 10% = 345.00. The subsidy fund holds 3,900.00: it pays
 * loans A and B's subsidy; C's (1,950.00) stays owed.
 *
 *  - A, settled on day 0: 150,000.00; all 3,450.00 refunded (1,950.00 / 1,500.00), the reserve's 345.00 released.
 *  - B, instalment 1 paid on 07-15, settled on day 45 (07-30): 15 days accrued, 150,000 × 5.65% × 15 ÷ 360
 *    = 353.125 → 353.13: total 150,353.13; forgone 11 × 706.25 − 353.13 = 7,415.62.
 *    Refund: 320 of 365 days, 3,450 × 320 ÷ 365 = 3,024.6575… → 3,024.66; subsidy 3,024.66 × 1,950 ÷ 3,450
 *    = 1,709.5904… → 1,709.59; borrower 1,315.07; reserve 10% × 3,024.66 = 302.466 → 302.47.
 *  - C, instalment 1 missed, settled on day 45: 150,000 + 706.25 overdue + 353.13 accrued = 151,059.38.
 *    Same refund; its subsidy was never paid, so the subsidy part only cuts what the fund owes
 *    (1,950.00 → 240.41) and nothing goes back to the fund.
 *  - D, a 2-year loan settled on day 0: year 1 refunded in full, year 2 (scheduled) cancelled.
 */
const app = useTestApp({ now: '2026-06-15T02:00:00.000Z' });
let t: TestApp;
let bank: Inst;
let insurer: Inst;
let otherBank: Inst;
let gov: Inst;
const who: Record<'A' | 'B' | 'C' | 'D', BorrowerHandle> = {} as never;
const deal: Record<'A' | 'B' | 'C' | 'D', Deal> = {} as never;

const QUOTE = `query($l: ID!, $on: Date) { settlementQuote(loanId: $l, on: $on) { loanId on dayCount principalOutstanding
  overduePrincipal overdueInterest accruedInterest total interestForgone premiumRefund borrowerRefund subsidyRefund } }`;
const SETTLE = `mutation($i: SettlementInput!, $k: String!) { settleLoan(input: $i, idempotencyKey: $k) {
  settledOn principal accruedInterest overdueInterest total interestForgone premiumRefund borrowerRefund subsidyRefund recordedAt
  loan { id status closedOn settledEarlyOn outstandingPrincipal daysPastDue settlement { settledOn total } } } }`;
const LOAN = `query($id: ID!) { loan(id: $id) { status closedOn settledEarlyOn outstandingPrincipal
  schedule { seq principalDue interestDue principalPaid interestPaid settled } repayments { amount paidOn allocation { seq interest principal } }
  settlement { settledOn total premiumRefund loan { id } }
  policy { status premiumAmount borrowerPremium subsidyAmount subsidyPaid premiumSchedule { year status refund subsidyRefund borrowerRefund } } } }`;
const BALANCES = `{ fundBalances { premiumSubsidyFund subsidyOwed riskReserves { insurer { id } balance } } }`;
const PROFILE = `{ myCreditProfile { accounts { accountRef kind status balance closedOn
  specialTransactions { kind occurredOn amount months newMaturityOn detail } } } }`;

const TERMS = { amount: '150000.00', interestRate: '0.0565', repaymentMethod: 'INTEREST_ONLY_BULLET' };
const balances = async () => ok(await t.gql(gov.token, BALANCES)).fundBalances;
const reserveOf = (b: any) => b.riskReserves.find((r: any) => r.insurer.id === insurer.id).balance;
const refunds = (policyId: string) =>
  rows<{ kind: string; account_id: string; amount: string }>(
    t.tdb.db.orm,
    sql`select t.kind, e.account_id, e.amount::text from ledger_transactions t join ledger_entries e on e.transaction_id = t.id
        where t.policy_id = ${policyId}::uuid and t.kind = 'PREMIUM_REFUND' order by e.account_id`,
  );
const counts = async (loanId: string) =>
  (
    await rows<{ repayments: number; ledger: number; events: number }>(
      t.tdb.db.orm,
      sql`select (select count(*)::int from repayments where loan_id = ${loanId}::uuid) as repayments,
                 (select count(*)::int from ledger_transactions) as ledger,
                 (select count(*)::int from domain_events) as events`,
    )
  )[0];

beforeAll(async () => {
  t = await app();
  [bank, insurer, otherBank, gov] = await Promise.all([
    institution(t, 'BANK'),
    institution(t, 'INSURER'),
    institution(t, 'BANK'),
    institution(t, 'GOVERNMENT'),
  ]);
  ok(await t.gql(gov.token, DEPOSIT, { f: 'PREMIUM_SUBSIDY', a: '3900.00', k: key() }));
  for (const x of ['A', 'B', 'C', 'D'] as const) {
    who[x] = await borrower(t, bank);
    deal[x] = await disbursedLoan(t, who[x], bank, insurer, { ...TERMS, termYears: x === 'D' ? 2 : 1 });
  }
});
afterEach(async () => expectBalancedLedger(t));

describe('the premium charged at issue (the refund works from it)', () => {
  it('charged year 1 of each policy: 3,450.00 = 1,950.00 subsidy + 1,500.00 borrower; the fund paid A and B only', async () => {
    const p = ok(await t.gql(bank.token, LOAN, { id: deal.A.loanId })).loan.policy;
    expect(p).toMatchObject({ premiumAmount: '3450.00', borrowerPremium: '1500.00', subsidyAmount: '1950.00', subsidyPaid: '1950.00' });
    expect(ok(await t.gql(bank.token, LOAN, { id: deal.C.loanId })).loan.policy.subsidyPaid).toBe('0.00');
    // C's and D's subsidies wait for the fund's next deposit
    expect(await balances()).toMatchObject({ premiumSubsidyFund: '0.00', subsidyOwed: '3900.00' });
    // 4 × 345.00 (D's year 1 at 2.3% × 1.05 for a 2-year term: 3,622.50, reserve 362.25)
    expect(reserveOf(await balances())).toBe('1397.25');
  });
});

describe('settling on day 0', () => {
  it('quotes the principal and nothing else, with the whole premium to refund', async () => {
    const q = ok(await t.gql(who.A.token, QUOTE, { l: deal.A.loanId })).settlementQuote;
    expect(q).toEqual({
      loanId: deal.A.loanId,
      on: '2026-06-15',
      dayCount: 'PBOC_30_360',
      principalOutstanding: '150000.00',
      overduePrincipal: '0.00',
      overdueInterest: '0.00',
      accruedInterest: '0.00',
      total: '150000.00',
      interestForgone: '8475.00',
      premiumRefund: '3450.00',
      borrowerRefund: '1500.00',
      subsidyRefund: '1950.00',
    });
    // the insurer (it refunds) and the bank see the same
    expect(ok(await t.gql(insurer.token, QUOTE, { l: deal.A.loanId })).settlementQuote.total).toBe('150000.00');
    expect(ok(await t.gql(bank.token, QUOTE, { l: deal.A.loanId, on: '2026-06-15' })).settlementQuote.total).toBe('150000.00');
  });

  it('refuses a quote before the disbursement, and strangers get NOT_FOUND', async () => {
    expect(codeOf(await t.gql(bank.token, QUOTE, { l: deal.A.loanId, on: '2026-06-14' }))).toBe('BAD_USER_INPUT');
    expect(codeOf(await t.gql(otherBank.token, QUOTE, { l: deal.A.loanId }))).toBe('NOT_FOUND');
    expect(codeOf(await t.gql(who.B.token, QUOTE, { l: deal.A.loanId }))).toBe('NOT_FOUND');
    expect(codeOf(await t.gql(otherBank.token, SETTLE, { i: { loanId: deal.A.loanId, amount: '150000.00' }, k: key() }))).toBe('NOT_FOUND');
    expect(codeOf(await t.gql(insurer.token, SETTLE, { i: { loanId: deal.A.loanId, amount: '150000.00' }, k: key() }))).toBe('FORBIDDEN');
  });

  it('refuses an amount other than the quote’s total, naming the total, and changes nothing', async () => {
    const before = await counts(deal.A.loanId);
    const r = await t.gql(bank.token, SETTLE, { i: { loanId: deal.A.loanId, amount: '149999.99' }, k: key() });
    expect(codeOf(r)).toBe('BAD_USER_INPUT');
    expect(r.errors![0].message).toBe('input.amount 149999.99 is not the settlement total on 2026-06-15: 150000.00');
    expect(r.errors![0].extensions).toMatchObject({ field: 'input.amount' });
    expect(
      codeOf(await t.gql(bank.token, SETTLE, { i: { loanId: deal.A.loanId, amount: '150000.00', settledOn: '2026-06-16' }, k: key() })),
    ).toBe('BAD_USER_INPUT');
    expect(await counts(deal.A.loanId)).toEqual(before);
    expect(ok(await t.gql(bank.token, LOAN, { id: deal.A.loanId })).loan).toMatchObject({ status: 'ACTIVE', settlement: null });
  });

  it('settles: the loan REPAID that day, the premium refunded in full, the subsidy back in the fund', async () => {
    const k = key();
    const s = ok(await t.gql(bank.token, SETTLE, { i: { loanId: deal.A.loanId, amount: '150000.00' }, k })).settleLoan;
    expect(s).toMatchObject({
      settledOn: '2026-06-15',
      principal: '150000.00',
      accruedInterest: '0.00',
      overdueInterest: '0.00',
      total: '150000.00',
      interestForgone: '8475.00',
      premiumRefund: '3450.00',
      borrowerRefund: '1500.00',
      subsidyRefund: '1950.00',
      loan: {
        id: deal.A.loanId,
        status: 'REPAID',
        closedOn: '2026-06-15',
        settledEarlyOn: '2026-06-15',
        outstandingPrincipal: '0.00',
        daysPastDue: 0,
        settlement: { settledOn: '2026-06-15', total: '150000.00' },
      },
    });
    // the same key again: the first result, nothing done twice
    const before = await counts(deal.A.loanId);
    expect(ok(await t.gql(bank.token, SETTLE, { i: { loanId: deal.A.loanId, amount: '150000.00' }, k })).settleLoan).toEqual(s);
    expect(await counts(deal.A.loanId)).toEqual(before);

    const loan = ok(await t.gql(bank.token, LOAN, { id: deal.A.loanId })).loan;
    expect(loan.schedule.every((i: any) => i.settled && i.interestDue === '0.00')).toBe(true);
    expect(loan.repayments).toEqual([
      { amount: '150000.00', paidOn: '2026-06-15', allocation: [{ seq: 12, interest: '0.00', principal: '150000.00' }] },
    ]);
    expect(loan.settlement).toEqual({ settledOn: '2026-06-15', total: '150000.00', premiumRefund: '3450.00', loan: { id: deal.A.loanId } });
    expect(loan.policy).toEqual({
      status: 'CLOSED',
      premiumAmount: '0.00',
      borrowerPremium: '0.00',
      subsidyAmount: '0.00',
      subsidyPaid: '0.00',
      premiumSchedule: [{ year: 1, status: 'CHARGED', refund: '3450.00', subsidyRefund: '1950.00', borrowerRefund: '1500.00' }],
    });
    // the insurer pays 1,500.00 to the borrower and 1,950.00 to the fund; its reserve gives back 345.00
    expect(await refunds(deal.A.policyId)).toEqual([
      { kind: 'PREMIUM_REFUND', account_id: 'EXTERNAL:BORROWERS', amount: '1500.00' },
      { kind: 'PREMIUM_REFUND', account_id: 'FUND:PREMIUM_SUBSIDY', amount: '1950.00' },
      { kind: 'PREMIUM_REFUND', account_id: `INSTITUTION:${insurer.id}`, amount: '-3105.00' },
      { kind: 'PREMIUM_REFUND', account_id: `RESERVE:${insurer.id}`, amount: '-345.00' },
    ]);
    const b = await balances();
    expect(b).toMatchObject({ premiumSubsidyFund: '1950.00', subsidyOwed: '3900.00' });
    expect(reserveOf(b)).toBe('1052.25');
  });

  it('refuses a second settlement and a quote on a settled loan: CONFLICT', async () => {
    expect(codeOf(await t.gql(bank.token, SETTLE, { i: { loanId: deal.A.loanId, amount: '150000.00' }, k: key() }))).toBe('CONFLICT');
    expect(codeOf(await t.gql(who.A.token, QUOTE, { l: deal.A.loanId }))).toBe('CONFLICT');
  });

  it('shows the loan PAID and closed with the early-settlement mark, in the profile’s one statement', async () => {
    const before = t.tdb.db.stats.statements;
    const accounts = ok(await t.gql(who.A.token, PROFILE)).myCreditProfile.accounts;
    const statements = t.tdb.db.stats.statements - before;
    expect(accounts.find((a: any) => a.accountRef === deal.A.loanNumber)).toEqual({
      accountRef: deal.A.loanNumber,
      kind: 'LOAN',
      status: 'PAID',
      balance: '0.00',
      closedOn: '2026-06-15',
      specialTransactions: [
        {
          kind: 'EARLY_SETTLEMENT',
          occurredOn: '2026-06-15',
          amount: '150000.00',
          months: null,
          newMaturityOn: null,
          detail: '提前结清 settled early: principal 150000.00, interest 0.00',
        },
      ],
    });
    expect(accounts.find((a: any) => a.accountRef === deal.A.policyNumber)).toMatchObject({
      kind: 'INSURANCE_POLICY',
      status: 'PAID',
      balance: '0.00',
      closedOn: '2026-06-15',
      specialTransactions: [],
    });
    // the bank's own view of its customer carries the mark too (a batched read)
    const own = ok(
      await t.gql(
        bank.token,
        `{ customers(first: 50) { nodes { borrower { id } accounts { accountRef specialTransactions { kind amount } } } } }`,
      ),
    ).customers.nodes.find((n: any) => n.borrower.id === who.A.id);
    expect(own.accounts).toEqual([
      { accountRef: deal.A.loanNumber, specialTransactions: [{ kind: 'EARLY_SETTLEMENT', amount: '150000.00' }] },
    ]);
    // the marks ride in the profile statement: no more statements than without them
    const before2 = t.tdb.db.stats.statements;
    ok(await t.gql(who.A.token, `{ myCreditProfile { accounts { accountRef status } } }`));
    expect(statements).toBe(t.tdb.db.stats.statements - before2);
  });

  it('a 2-year loan: year 1 refunded in full, year 2 never charged (CANCELLED)', async () => {
    const q = ok(await t.gql(bank.token, QUOTE, { l: deal.D.loanId })).settlementQuote;
    // year 1: 150,000 × 2.3% × 1.05 = 3,622.50; subsidy 1,950.00 (the fund had none left: owed), borrower 1,672.50
    expect(q).toMatchObject({ total: '150000.00', premiumRefund: '3622.50', subsidyRefund: '1950.00', borrowerRefund: '1672.50' });
    ok(await t.gql(bank.token, SETTLE, { i: { loanId: deal.D.loanId, amount: q.total }, k: key() }));
    const p = ok(await t.gql(bank.token, LOAN, { id: deal.D.loanId })).loan.policy;
    expect(p.premiumSchedule.map((y: any) => [y.year, y.status, y.refund])).toEqual([
      [1, 'CHARGED', '3622.50'],
      [2, 'CANCELLED', '0.00'],
    ]);
    expect(p).toMatchObject({ status: 'CLOSED', premiumAmount: '0.00', subsidyAmount: '0.00', subsidyPaid: '0.00' });
  });
});

describe('settling on day 45', () => {
  beforeAll(async () => {
    t.setNow('2026-07-15T02:00:00.000Z');
    ok(await t.gql(bank.token, REPAY, { l: deal.B.loanId, a: '706.25', k: key() }));
    t.setNow('2026-07-30T02:00:00.000Z');
  });

  it('refuses a quote for a day before the last payment recorded', async () => {
    expect(codeOf(await t.gql(bank.token, QUOTE, { l: deal.B.loanId, on: '2026-07-14' }))).toBe('BAD_USER_INPUT');
  });

  it('instalment 1 paid: 15 days accrued since 07-15; 320 of 365 days of premium refunded', async () => {
    const q = ok(await t.gql(who.B.token, QUOTE, { l: deal.B.loanId })).settlementQuote;
    expect(q).toMatchObject({
      on: '2026-07-30',
      principalOutstanding: '150000.00',
      overduePrincipal: '0.00',
      overdueInterest: '0.00',
      accruedInterest: '353.13',
      total: '150353.13',
      interestForgone: '7415.62',
      premiumRefund: '3024.66',
      borrowerRefund: '1315.07',
      subsidyRefund: '1709.59',
    });
    const s = ok(await t.gql(bank.token, SETTLE, { i: { loanId: deal.B.loanId, amount: '150353.13' }, k: key() })).settleLoan;
    expect(s).toMatchObject({
      settledOn: '2026-07-30',
      total: '150353.13',
      accruedInterest: '353.13',
      loan: { status: 'REPAID', closedOn: '2026-07-30' },
    });
    const loan = ok(await t.gql(bank.token, LOAN, { id: deal.B.loanId })).loan;
    expect(loan.schedule[1]).toMatchObject({ seq: 2, interestDue: '353.13', interestPaid: '353.13', settled: true });
    expect(loan.schedule[2]).toMatchObject({ seq: 3, interestDue: '0.00', interestPaid: '0.00', settled: true });
    expect(loan.repayments[1]).toEqual({
      amount: '150353.13',
      paidOn: '2026-07-30',
      allocation: [
        { seq: 2, interest: '353.13', principal: '0.00' },
        { seq: 12, interest: '0.00', principal: '150000.00' },
      ],
    });
    expect(loan.policy).toMatchObject({
      premiumAmount: '425.34',
      borrowerPremium: '184.93',
      subsidyAmount: '240.41',
      subsidyPaid: '240.41',
      premiumSchedule: [{ year: 1, status: 'CHARGED', refund: '3024.66', subsidyRefund: '1709.59', borrowerRefund: '1315.07' }],
    });
    // the insurer pays 1,315.07 + 1,709.59 less the reserve's 302.47 (10% × 3,024.66 = 302.466)
    expect(await refunds(deal.B.policyId)).toEqual([
      { kind: 'PREMIUM_REFUND', account_id: 'EXTERNAL:BORROWERS', amount: '1315.07' },
      { kind: 'PREMIUM_REFUND', account_id: 'FUND:PREMIUM_SUBSIDY', amount: '1709.59' },
      { kind: 'PREMIUM_REFUND', account_id: `INSTITUTION:${insurer.id}`, amount: '-2722.19' },
      { kind: 'PREMIUM_REFUND', account_id: `RESERVE:${insurer.id}`, amount: '-302.47' },
    ]);
    // 1,950.00 (A) + 1,709.59 back in the fund
    expect(await balances()).toMatchObject({ premiumSubsidyFund: '3659.59' });
  });

  it('after a missed instalment: its interest overdue plus the accrued; the unpaid subsidy only cut, nothing back to the fund', async () => {
    const q = ok(await t.gql(bank.token, QUOTE, { l: deal.C.loanId, on: '2026-07-30' })).settlementQuote;
    expect(q).toMatchObject({
      overduePrincipal: '0.00',
      overdueInterest: '706.25',
      accruedInterest: '353.13',
      total: '151059.38',
      interestForgone: '7415.62',
      premiumRefund: '3024.66',
      subsidyRefund: '1709.59',
    });
    const owedBefore = (await balances()).subsidyOwed;
    const s = ok(
      await t.gql(bank.token, SETTLE, { i: { loanId: deal.C.loanId, amount: '151059.38', settledOn: '2026-07-30' }, k: key() }),
    ).settleLoan;
    expect(s).toMatchObject({ overdueInterest: '706.25', accruedInterest: '353.13', total: '151059.38' });
    const loan = ok(await t.gql(bank.token, LOAN, { id: deal.C.loanId })).loan;
    expect(loan.repayments[0].allocation).toEqual([
      { seq: 1, interest: '706.25', principal: '0.00' },
      { seq: 2, interest: '353.13', principal: '0.00' },
      { seq: 12, interest: '0.00', principal: '150000.00' },
    ]);
    expect(loan.policy).toMatchObject({ subsidyAmount: '240.41', subsidyPaid: '0.00' });
    expect(await refunds(deal.C.policyId)).toEqual([
      { kind: 'PREMIUM_REFUND', account_id: 'EXTERNAL:BORROWERS', amount: '1315.07' },
      { kind: 'PREMIUM_REFUND', account_id: `INSTITUTION:${insurer.id}`, amount: '-1012.60' },
      { kind: 'PREMIUM_REFUND', account_id: `RESERVE:${insurer.id}`, amount: '-302.47' },
    ]);
    const b = await balances();
    // owed: C's 1,950.00 → 240.41 (D's 1,950.00 refunded in full earlier)
    expect(owedBefore).toBe('1950.00');
    expect(b).toMatchObject({ premiumSubsidyFund: '3659.59', subsidyOwed: '240.41' });
    // 1,397.25 − 345.00 (A) − 362.25 (D) − 302.47 (B) − 302.47 (C)
    expect(reserveOf(b)).toBe('85.06');
  });

  it('a failure just before commit leaves nothing behind; the same key then settles', async () => {
    const e = await disbursedLoan(t, await borrower(t, bank), bank, insurer, TERMS);
    const broken = await createApp({ config: testConfig(), db: failingBeforeCommit(t.tdb.db, 'settleLoan'), clock: () => t.now });
    const k = key('crash');
    const i = { loanId: e.loanId, amount: '150000.00' };
    const before = await counts(e.loanId);
    const r = await broken.apollo.executeOperation(
      { query: SETTLE, variables: { i, k } },
      { contextValue: await broken.contextFor(`Bearer ${bank.token}`) },
    );
    expect(codeOf((r.body as any).singleResult)).toBe('INTERNAL_SERVER_ERROR');
    await broken.stop();
    expect(await counts(e.loanId)).toEqual(before);
    expect(ok(await t.gql(bank.token, LOAN, { id: e.loanId })).loan).toMatchObject({ status: 'ACTIVE', settlement: null });
    expect(await refunds(e.policyId)).toEqual([]);
    expect(ok(await t.gql(bank.token, SETTLE, { i, k })).settleLoan).toMatchObject({ total: '150000.00', premiumRefund: '3450.00' });
  });

  it('credits interest paid ahead for days that never ran, re-applying it to principal; closes an open extension proposal', async () => {
    // E: 150,000.00 at 5.65% disbursed 07-30; on 08-10 the borrower pays instalment 1's 706.25 ahead, and the bank proposes
    // an extension (proposed first); settled on 08-20: 21 days earned = 150,000 × 5.65% × 21 ÷ 360 = 494.375 → 494.38, so 706.25 − 494.38
    // = 211.87 is credited: total 150,000 − 211.87 = 149,788.13
    const e = await disbursedLoan(t, await borrower(t, bank), bank, insurer, { ...TERMS, termYears: 1 });
    t.setNow('2026-08-10T02:00:00.000Z');
    const proposed = ok(
      await t.gql(
        bank.token,
        `mutation($i: ExtensionInput!, $k: String!) { proposeExtension(input: $i, idempotencyKey: $k) { id status } }`,
        { i: { loanId: e.loanId, extraMonths: 6, reason: '回款推迟' }, k: key() },
      ),
    ).proposeExtension;
    expect(proposed.status).toBe('PROPOSED');
    ok(await t.gql(bank.token, REPAY, { l: e.loanId, a: '706.25', k: key() }));
    t.setNow('2026-08-20T02:00:00.000Z');
    const q = ok(
      await t.gql(bank.token, `query($l: ID!) { settlementQuote(loanId: $l) { accruedInterest interestCredit total interestForgone } }`, {
        l: e.loanId,
      }),
    ).settlementQuote;
    expect(q).toEqual({ accruedInterest: '0.00', interestCredit: '211.87', total: '149788.13', interestForgone: '7980.62' });
    ok(await t.gql(bank.token, SETTLE, { i: { loanId: e.loanId, amount: '149788.13' }, k: key() }));
    const loan = ok(await t.gql(bank.token, LOAN, { id: e.loanId })).loan;
    expect(loan.schedule[0]).toMatchObject({ seq: 1, interestDue: '494.38', interestPaid: '494.38', principalPaid: '0.00', settled: true });
    expect(loan.repayments.at(-1)).toMatchObject({ amount: '149788.13', paidOn: '2026-08-20' });
    expect(loan.repayments.at(-1).allocation[0]).toEqual({ seq: 1, interest: '-211.87', principal: '0.00' });
    const ext = ok(await t.gql(bank.token, `query($id: ID!) { loan(id: $id) { extension { status declineReason } } }`, { id: e.loanId }))
      .loan.extension;
    expect(ext).toEqual({ status: 'DECLINED', declineReason: 'the loan was settled early (提前结清)' });
  });

  it('refuses to call a payoff at or after maturity an early settlement', async () => {
    const f = await disbursedLoan(t, await borrower(t, bank), bank, insurer, { ...TERMS, termYears: 1 });
    const maturity = ok(await t.gql(bank.token, `query($id: ID!) { loan(id: $id) { maturityOn } }`, { id: f.loanId })).loan.maturityOn;
    const r = await t.gql(bank.token, QUOTE, { l: f.loanId, on: maturity });
    expect(codeOf(r)).toBe('BAD_USER_INPUT');
    expect(r.errors![0].message).toContain('record the repayment instead');
  });

  it('keeps the metrics cube equal to a rebuild from the base tables', async () => {
    // equal to a replay of the events' metric deltas from scratch, and to a rebuild from the base tables
    await expectCubeConsistent(t.tdb);
  });
});
