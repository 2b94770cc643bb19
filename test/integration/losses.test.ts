import { sql } from 'drizzle-orm';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../src/db/client.js';
import {
  adminToken,
  AGE,
  borrower,
  COMPENSATE,
  COURT,
  DEPOSIT,
  disbursedLoan,
  expectBalancedLedger,
  FILE_CLAIM,
  institution,
  key,
  PAY_CLAIM,
  RECOVER,
  REPAY,
  type BorrowerHandle,
  type Inst,
} from '../factories.js';
import { cubeSnapshot, expectKeptArrears, replayedFromEvents } from '../helpers/cube.js';
import { codeOf, ok, useTestApp, type TestApp } from '../helpers/app.js';
import { steps } from '../helpers/steps.js';

const app = useTestApp({ now: '2026-01-10T02:00:00.000Z' });
let t: TestApp;
let bank: Inst;
let insurer: Inst;
let otherBank: Inst;
let otherInsurer: Inst;
let gov: Inst;
let admin: string;
let b: BorrowerHandle;

const BALANCES = `{ fundBalances { premiumSubsidyFund riskCompensationFund subsidyOwed compensationShortfall riskReserves { insurer { id } balance } } }`;
const CLAIM = `query($id: ID!) { claim(id: $id) { id status borrowerId loanNumber outstandingPrincipal insurerAmount bankAmount
  compensationOwed compensationPaid compensationShortfall courtConfirmation { courtCaseRef } recovered { bank insurer fund } recoveries { amount toBank toInsurer toFund } } }`;

beforeAll(async () => {
  t = await app();
  [bank, insurer, otherBank, otherInsurer, gov] = await Promise.all([
    institution(t, 'BANK'),
    institution(t, 'INSURER'),
    institution(t, 'BANK'),
    institution(t, 'INSURER'),
    institution(t, 'GOVERNMENT'),
  ]);
  admin = await adminToken(t);
  b = await borrower(t, bank, { registeredOn: '2025-03-01' });
});
afterEach(async () => {
  await expectBalancedLedger(t);
  await expectKeptArrears(t.tdb);
});

/**
 * The story of one programme loan, from premium to recovery: each step is what one test used
 * to do to the shared state, run once per file, after the step before it (test/helpers/steps.ts).
 */
const step = steps();
const firstLoan = step(() => disbursedLoan(t, b, bank, insurer, { amount: '100000.00', interestRate: '0.05' }));
const subsidyDeposit = step(
  async () => ok(await t.gql(gov.token, DEPOSIT, { f: 'PREMIUM_SUBSIDY', a: '5000000.00', k: key() })).depositToFund,
);
const secondLoan = step(() => disbursedLoan(t, b, bank, insurer, { amount: '10000.00', interestRate: '0.05' }));
const agedFirstMiss = step(async () => {
  // first interest instalment (416.67) due 2026-02-10, never paid: 9 days past due, still CURRENT,
  // the borrower's prior notice for the loan and the policy (条例 Art 15, in effect from 2026-03-06)
  t.setNow('2026-02-19T02:00:00.000Z');
  ok(await t.gql(admin, AGE, {}));
});
const agedThirtyDays = step(async () => {
  t.setNow('2026-03-12T02:00:00.000Z');
  ok(await t.gql(admin, AGE, {}));
});
const agedDayBeforeDefault = step(async () => {
  t.setNow('2026-05-12T02:00:00.000Z');
  ok(await t.gql(admin, AGE, { d: '2026-05-10' }));
});
const agedToDefault = step(async () => ok(await t.gql(admin, AGE, { d: '2026-05-11' })).ageLoans);
const healthyLoan = step(async () => disbursedLoan(t, await borrower(t, bank), bank, insurer, { amount: '5000.00', interestRate: '0.05' }));
const claimFiled = step(async () => {
  const k = key();
  const c = ok(await t.gql(bank.token, FILE_CLAIM, { l: (await firstLoan()).loanId, k })).fileClaim;
  return { k, c };
});
const claimPaid = step(async () => {
  const k = key();
  const paid = ok(await t.gql(insurer.token, PAY_CLAIM, { c: (await claimFiled()).c.id, k })).payClaim;
  return { k, paid };
});
const courtConfirmed = step(
  async () =>
    ok(await t.gql(bank.token, COURT, { l: (await firstLoan()).loanId, r: '(2026)冀0702民初123号', d: '2026-05-12', k: key() }))
      .confirmNonPerforming,
);
const compensated = step(async () => {
  const k = key();
  const c = ok(await t.gql(gov.token, COMPENSATE, { c: (await claimFiled()).c.id, k })).approveRiskCompensation;
  return { k, c };
});
const compensationDeposit = step(
  async () => ok(await t.gql(gov.token, DEPOSIT, { f: 'RISK_COMPENSATION', a: '30000.00', k: key() })).depositToFund,
);
const partialRecovery = step(
  async () => ok(await t.gql(bank.token, RECOVER, { l: (await firstLoan()).loanId, a: '10000.00', k: key() })).recordRecovery,
);
const fullRecovery = step(
  async () => ok(await t.gql(insurer.token, RECOVER, { l: (await firstLoan()).loanId, a: '90000.00', k: key() })).recordRecovery,
);
const depositAfterRecovery = step(
  async () => ok(await t.gql(gov.token, DEPOSIT, { f: 'RISK_COMPENSATION', a: '50000.00', k: key() })).depositToFund,
);

describe('premiums, subsidy and reserve at policy issue', () => {
  it('posts the borrower’s premium, records the subsidy owed when the fund is empty, and sets aside the reserve', async () => {
    await firstLoan();
    // grade C thin file: premium 2,300.00 = 1,000.00 borrower + 1,300.00 subsidy; reserve 10% of premium
    const bal = ok(await t.gql(gov.token, BALANCES)).fundBalances;
    expect(bal).toMatchObject({
      premiumSubsidyFund: '0.00',
      subsidyOwed: '1300.00',
      riskReserves: [{ insurer: { id: insurer.id }, balance: '230.00' }],
    });
  });

  it('pays owed subsidies from the next deposit, oldest first', async () => {
    const d = await subsidyDeposit();
    expect(d).toMatchObject({ amount: '5000000.00', arrearsSettled: '1300.00' });
    const bal = ok(await t.gql(gov.token, BALANCES)).fundBalances;
    expect(bal).toMatchObject({ premiumSubsidyFund: '4998700.00', subsidyOwed: '0.00' });
    expect(codeOf(await t.gql(bank.token, DEPOSIT, { f: 'PREMIUM_SUBSIDY', a: '1.00', k: key() }))).toBe('FORBIDDEN');
    expect(codeOf(await t.gql(gov.token, DEPOSIT, { f: 'PREMIUM_SUBSIDY', a: '-1.00', k: key() }))).toBe('BAD_USER_INPUT');
  });

  it('pays the subsidy at once when the fund holds enough', async () => {
    await secondLoan();
    const bal = ok(await t.gql(gov.token, BALANCES)).fundBalances;
    expect(bal).toMatchObject({ premiumSubsidyFund: '4998570.00', subsidyOwed: '0.00' });
  });

  it('shows an insurer only its own reserve', async () => {
    await secondLoan();
    const mine = ok(await t.gql(insurer.token, BALANCES)).fundBalances.riskReserves;
    expect(mine).toEqual([{ insurer: { id: insurer.id }, balance: '253.00' }]);
    expect(ok(await t.gql(otherInsurer.token, BALANCES)).fundBalances.riskReserves).toEqual([]);
    expect(codeOf(await t.gql(b.token, BALANCES))).toBe('FORBIDDEN');
  });
});

describe('delinquency ageing', () => {
  const loanState = async () =>
    ok(
      await t.gql(bank.token, `query($id: ID!) { loan(id: $id) { status daysPastDue delinquency defaultedOn } }`, {
        id: (await firstLoan()).loanId,
      }),
    ).loan;

  it('a missed instalment under 30 days is not yet adverse: still CURRENT in the record', async () => {
    await agedFirstMiss();
    const deal = await firstLoan();
    expect(await loanState()).toEqual({ status: 'ACTIVE', daysPastDue: 9, delinquency: 'CURRENT', defaultedOn: null });
    const acc = ok(await t.gql(b.token, `{ myCreditProfile { accounts { accountRef status } } }`)).myCreditProfile.accounts;
    expect(acc).toContainEqual({ accountRef: deal.loanNumber, status: 'CURRENT' });
  });

  it('counts days past due from the oldest unpaid instalment and furnishes the bucket', async () => {
    await agedThirtyDays();
    const deal = await firstLoan();
    expect(await loanState()).toEqual({ status: 'ACTIVE', daysPastDue: 30, delinquency: 'DPD_30', defaultedOn: null });
    const acc = ok(await t.gql(b.token, `{ myCreditProfile { accounts { accountRef status } } }`)).myCreditProfile.accounts;
    expect(acc).toContainEqual({ accountRef: deal.loanNumber, status: 'DPD_30' });
  });

  it('refuses a future date and other roles', async () => {
    await agedThirtyDays();
    expect(codeOf(await t.gql(admin, AGE, { d: '2026-03-13' }))).toBe('BAD_USER_INPUT');
    expect(codeOf(await t.gql(bank.token, AGE, {}))).toBe('FORBIDDEN');
  });

  it('defaults at the 90-day threshold, not a day before', async () => {
    await agedDayBeforeDefault();
    expect(await loanState()).toMatchObject({ status: 'ACTIVE', daysPastDue: 89, delinquency: 'DPD_60' });
    const run = await agedToDefault();
    expect(run.defaulted).toBeGreaterThanOrEqual(1);
    expect(await loanState()).toEqual({ status: 'DEFAULTED', daysPastDue: 90, delinquency: 'DPD_90', defaultedOn: '2026-05-11' });
    const deal = await firstLoan();
    expect(codeOf(await t.gql(bank.token, REPAY, { l: deal.loanId, a: '10.00', k: key() }))).toBe('CONFLICT');
  });
});

describe('claims', () => {
  it('only the loan’s bank files, only on a defaulted loan, once', async () => {
    const healthy = await healthyLoan();
    const deal = await firstLoan();
    expect(codeOf(await t.gql(bank.token, FILE_CLAIM, { l: healthy.loanId, k: key() }))).toBe('CONFLICT');
    expect(codeOf(await t.gql(otherBank.token, FILE_CLAIM, { l: deal.loanId, k: key() }))).toBe('NOT_FOUND');
    expect(codeOf(await t.gql(insurer.token, FILE_CLAIM, { l: deal.loanId, k: key() }))).toBe('FORBIDDEN');
    const { k, c } = await claimFiled();
    expect(c).toMatchObject({ status: 'FILED', outstandingPrincipal: '100000.00', insurerAmount: '80000.00', bankAmount: '20000.00' });
    expect(ok(await t.gql(bank.token, FILE_CLAIM, { l: deal.loanId, k })).fileClaim).toEqual(c);
    expect(codeOf(await t.gql(bank.token, FILE_CLAIM, { l: deal.loanId, k: key() }))).toBe('CONFLICT');
  });

  it('the insurer pays its 80% to the bank exactly once; the bank bears 20%', async () => {
    const claimId = (await claimFiled()).c.id;
    expect(codeOf(await t.gql(otherInsurer.token, PAY_CLAIM, { c: claimId, k: key() }))).toBe('NOT_FOUND');
    expect(codeOf(await t.gql(bank.token, PAY_CLAIM, { c: claimId, k: key() }))).toBe('FORBIDDEN');
    const { k, paid } = await claimPaid();
    expect(paid.status).toBe('PAID');
    expect(ok(await t.gql(insurer.token, PAY_CLAIM, { c: claimId, k })).payClaim).toEqual(paid);
    const again = await t.gql(insurer.token, PAY_CLAIM, { c: claimId, k: key() });
    expect(codeOf(again)).toBe('CONFLICT');
    expect(again.errors![0].extensions!.currentState).toBe('PAID');
    const legs = await rows<{ account_id: string; amount: string }>(
      t.tdb.db.orm,
      sql`select e.account_id, e.amount::text from ledger_entries e join ledger_transactions x on x.id = e.transaction_id
          where x.kind = 'CLAIM_PAYMENT' and x.claim_id = ${claimId}::uuid order by e.amount`,
    );
    expect(legs).toEqual([
      { account_id: `INSTITUTION:${insurer.id}`, amount: '-80000.00' },
      { account_id: `INSTITUTION:${bank.id}`, amount: '80000.00' },
    ]);
  });

  it('updates the shared records: the bank still owed its 20%, the insurer the 80% it paid; both open', async () => {
    await claimPaid();
    const deal = await firstLoan();
    const acc = ok(await t.gql(b.token, `{ myCreditProfile { accounts { accountRef kind status balance closedOn } } }`)).myCreditProfile
      .accounts;
    expect(acc).toContainEqual({
      accountRef: deal.loanNumber,
      kind: 'LOAN',
      status: 'CLAIM_PAID_BY_INSURER',
      balance: '20000.00',
      closedOn: null,
    });
    expect(acc).toContainEqual({
      accountRef: deal.policyNumber,
      kind: 'INSURANCE_POLICY',
      status: 'IN_COLLECTION',
      balance: '80000.00',
      closedOn: null,
    });
  });
});

describe('court confirmation and risk compensation', () => {
  it('needs a court confirmation first', async () => {
    await claimPaid();
    const claimId = (await claimFiled()).c.id;
    const r = await t.gql(gov.token, COMPENSATE, { c: claimId, k: key() });
    expect(codeOf(r)).toBe('CONFLICT');
    expect(r.errors![0].message).toMatch(/court/);
  });

  it('records the court’s decision once, from the loan’s bank or insurer, dated after the default', async () => {
    await claimPaid();
    const deal = await firstLoan();
    expect(codeOf(await t.gql(bank.token, COURT, { l: deal.loanId, r: '(2026)冀0702民初123号', d: '2026-05-10', k: key() }))).toBe(
      'BAD_USER_INPUT',
    );
    expect(codeOf(await t.gql(otherBank.token, COURT, { l: deal.loanId, r: 'x', d: '2026-05-11', k: key() }))).toBe('NOT_FOUND');
    expect(codeOf(await t.gql(gov.token, COURT, { l: deal.loanId, r: 'x', d: '2026-05-11', k: key() }))).toBe('FORBIDDEN');
    const c = await courtConfirmed();
    expect(c).toMatchObject({ courtCaseRef: '(2026)冀0702民初123号', decidedOn: '2026-05-12' });
    expect(codeOf(await t.gql(insurer.token, COURT, { l: deal.loanId, r: 'again', d: '2026-05-12', k: key() }))).toBe('CONFLICT');
  });

  it('pays what the empty fund can (nothing) and records the shortfall; paid + shortfall = owed', async () => {
    await courtConfirmed();
    const claimId = (await claimFiled()).c.id;
    expect(codeOf(await t.gql(insurer.token, COMPENSATE, { c: claimId, k: key() }))).toBe('FORBIDDEN');
    const { k, c } = await compensated();
    // 50% of the insurer's 80,000 net loss = 40,000 (within the 100,000 quota)
    expect(c).toMatchObject({
      status: 'COMPENSATED',
      compensationOwed: '40000.00',
      compensationPaid: '0.00',
      compensationShortfall: '40000.00',
    });
    expect(ok(await t.gql(gov.token, COMPENSATE, { c: claimId, k })).approveRiskCompensation).toEqual(c);
    expect(codeOf(await t.gql(gov.token, COMPENSATE, { c: claimId, k: key() }))).toBe('CONFLICT');
  });

  it('pays the shortfall from the next deposit, as far as it goes', async () => {
    const d = await compensationDeposit();
    const claimId = (await claimFiled()).c.id;
    expect(d.arrearsSettled).toBe('30000.00');
    const c = ok(await t.gql(gov.token, CLAIM, { id: claimId })).claim;
    expect(c).toMatchObject({ compensationOwed: '40000.00', compensationPaid: '30000.00', compensationShortfall: '10000.00' });
    const bal = ok(await t.gql(gov.token, BALANCES)).fundBalances;
    expect(bal).toMatchObject({ riskCompensationFund: '0.00', compensationShortfall: '10000.00' });
  });

  it('never shows the government who the borrower is', async () => {
    await compensationDeposit();
    const claimId = (await claimFiled()).c.id;
    const c = ok(await t.gql(gov.token, CLAIM, { id: claimId })).claim;
    expect(c.borrowerId).toBeNull();
    expect(ok(await t.gql(bank.token, CLAIM, { id: claimId })).claim.borrowerId).toBe(b.id);
    const ledger = ok(
      await t.gql(gov.token, `{ ledgerEntries(first: 200) { kind borrowerId entries { accountId amount } } }`),
    ).ledgerEntries;
    expect(ledger.length).toBeGreaterThan(0);
    expect(ledger.every((x: any) => x.borrowerId === null)).toBe(true);
    expect(ledger.every((x: any) => x.entries.some((e: any) => e.accountId.startsWith('FUND:') || e.accountId.startsWith('BUDGET:')))).toBe(
      true,
    );
    expect(
      codeOf(
        await t.gql(gov.token, `query($b: ID!) { creditProfile(borrowerId: $b, purpose: UNDERWRITING) { borrower { id } } }`, { b: b.id }),
      ),
    ).toBe('FORBIDDEN');
  });

  it('shows each institution only its own claims and ledger', async () => {
    await compensationDeposit();
    const claimId = (await claimFiled()).c.id;
    expect(codeOf(await t.gql(otherBank.token, CLAIM, { id: claimId }))).toBe('NOT_FOUND');
    expect(ok(await t.gql(otherBank.token, `{ claims { id } }`)).claims).toEqual([]);
    expect(ok(await t.gql(otherInsurer.token, `{ ledgerEntries { id } }`)).ledgerEntries).toEqual([]);
    const own = ok(await t.gql(bank.token, `{ ledgerEntries { kind entries { accountId } } }`)).ledgerEntries;
    expect(own.every((x: any) => x.entries.some((e: any) => e.accountId === `INSTITUTION:${bank.id}`))).toBe(true);
  });
});

describe('recoveries', () => {
  it('shares a partial recovery pro rata among bank, insurer and fund', async () => {
    // bore: bank 20,000; insurer 80,000 − 30,000 compensation = 50,000; fund 30,000
    const r = await partialRecovery();
    expect(r).toMatchObject({ amount: '10000.00', toBank: '2000.00', toInsurer: '5000.00', toFund: '3000.00' });
    expect(ok(await t.gql(gov.token, BALANCES)).fundBalances.riskCompensationFund).toBe('3000.00');
  });

  it('lets the insurer record too, and refuses more than the unrecovered loss', async () => {
    await partialRecovery();
    const deal = await firstLoan();
    expect(codeOf(await t.gql(insurer.token, RECOVER, { l: deal.loanId, a: '90000.01', k: key() }))).toBe('BAD_USER_INPUT');
    expect(codeOf(await t.gql(otherInsurer.token, RECOVER, { l: deal.loanId, a: '1.00', k: key() }))).toBe('NOT_FOUND');
    const r = await fullRecovery();
    expect(r).toMatchObject({ toBank: '18000.00', toInsurer: '45000.00', toFund: '27000.00' });
  });

  it('after full recovery each got back exactly what it lost, and nothing more can be recovered', async () => {
    await fullRecovery();
    const deal = await firstLoan();
    const claimId = (await claimFiled()).c.id;
    const c = ok(await t.gql(bank.token, CLAIM, { id: claimId })).claim;
    expect(c.recovered).toEqual({ bank: '20000.00', insurer: '50000.00', fund: '30000.00' });
    // both records closed on the day of the last recovery, keeping their adverse status (the retention clock starts)
    const acc = ok(await t.gql(b.token, `{ myCreditProfile { accounts { accountRef status balance closedOn } } }`)).myCreditProfile
      .accounts;
    expect(acc).toContainEqual({ accountRef: deal.loanNumber, status: 'CLAIM_PAID_BY_INSURER', balance: '0.00', closedOn: '2026-05-12' });
    expect(acc).toContainEqual({ accountRef: deal.policyNumber, status: 'IN_COLLECTION', balance: '0.00', closedOn: '2026-05-12' });
    expect(codeOf(await t.gql(bank.token, RECOVER, { l: deal.loanId, a: '0.01', k: key() }))).toBe('BAD_USER_INPUT');
  });

  it('extinguishes a compensation shortfall the recoveries made good: the fund never over-pays', async () => {
    // the insurer's loss is fully recovered, so the 10,000 shortfall is no longer owed
    const d = await depositAfterRecovery();
    const claimId = (await claimFiled()).c.id;
    expect(d.arrearsSettled).toBe('0.00');
    const c = ok(await t.gql(gov.token, CLAIM, { id: claimId })).claim;
    expect(c).toMatchObject({ compensationOwed: '30000.00', compensationPaid: '30000.00', compensationShortfall: '0.00' });
  });

  it('refuses recoveries before the claim is paid', async () => {
    const fresh = await disbursedLoan(t, await borrower(t, bank), bank, insurer, { amount: '5000.00', interestRate: '0.05' });
    expect(codeOf(await t.gql(bank.token, RECOVER, { l: fresh.loanId, a: '1.00', k: key() }))).toBe('CONFLICT');
  });
});

describe('the kept metrics', () => {
  it('follow the events: compensation paid at approval and from a later deposit, recoveries, defaults, claims', async () => {
    await depositAfterRecovery();
    const paid = await rows<{ type: string; deltas: Record<string, string> }>(
      t.tdb.db.orm,
      sql`select type, payload->'metrics'->'deltas' as deltas from domain_events
          where payload->'metrics'->'deltas' ? 'compensation_paid' order by seq`,
    );
    // nothing at approval (the fund was empty), then 30,000 from the deposit that settled the shortfall
    expect(paid).toEqual([{ type: 'claim.compensation_paid', deltas: { compensation_paid: '30000.00' } }]);
    // (not against rebuildCube here: this file's borrower applies twice in the same instant, and the
    // rebuild breaks that tie by id, so which application counts as the first is a coin toss)
    expect(await replayedFromEvents(t.tdb)).toEqual(await cubeSnapshot(t.tdb.db.orm));
  });
});

describe('the ledger', () => {
  it('is append-only in the database', async () => {
    await depositAfterRecovery(); // the story's ledger: the statements below would change rows of it
    await expect(t.tdb.db.orm.execute(sql`update ledger_entries set amount = amount + 1`)).rejects.toThrow();
    await expect(t.tdb.db.orm.execute(sql`delete from ledger_transactions`)).rejects.toThrow();
  });

  it('refuses an unbalanced transaction at commit', async () => {
    await expect(
      t.tdb.db.orm.transaction(async (tx) => {
        const [x] = await rows<{ id: string }>(
          tx,
          sql`insert into ledger_transactions (kind, business_date, at, memo, created_by) values ('FUND_DEPOSIT', '2026-01-01', now(), 'bad', 'test') returning id`,
        );
        await tx.execute(
          sql`insert into ledger_entries (transaction_id, account_id, amount) values (${x.id}::uuid, 'FUND:PREMIUM_SUBSIDY', 1)`,
        );
      }),
    ).rejects.toThrow();
  });

  it('refuses to overdraw a fund in the database', async () => {
    await expect(
      t.tdb.db.orm.execute(sql`update ledger_accounts set balance = -0.01 where id = 'FUND:RISK_COMPENSATION'`),
    ).rejects.toThrow();
  });

  it('reports a zero trial balance to the admin', async () => {
    await depositAfterRecovery(); // the story's ledger
    expect(ok(await t.gql(admin, `{ trialBalance { total accountsOutOfBalance unbalancedTransactions } }`)).trialBalance).toEqual({
      total: '0.00',
      accountsOutOfBalance: 0,
      unbalancedTransactions: 0,
    });
  });
});

describe('scheduled ageing', () => {
  it('runs as system:ageing with the same rules and leaves an audit entry', async () => {
    const { scheduleAgeing } = await import('../../src/modules/lending/ageing.js');
    const stop = scheduleAgeing(t.app, 60);
    stop();
    // the first run starts at once; wait for its audit entry
    for (let i = 0; i < 50; i++) {
      const r = await rows<{ n: number }>(
        t.tdb.db.orm,
        sql`select count(*)::int as n from audit_log where action = 'loans.aged' and actor_user_id = 'system:ageing'`,
      );
      if (r[0].n > 0) return;
      await new Promise((res) => setTimeout(res, 50));
    }
    throw new Error('scheduled ageing did not run');
  });
});
