import { sql } from 'drizzle-orm';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
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
  type BorrowerHandle,
  type Deal,
  type Inst,
} from '../factories.js';
import { codeOf, ok, testConfig, useTestApp, type GqlResult, type TestApp } from '../helpers/app.js';
import { failingBeforeCommit } from '../helpers/failing-db.js';
import { steps } from '../helpers/steps.js';

/**
 * The record follows the money to the end (docs/money.md, "How each event reaches the credit
 * record"): after each claim, compensation, recovery and write-off the borrower's own profile
 * shows the debt that really exists, closed records start the 5-year retention clock on the day
 * the behaviour ended, and a failure before commit leaves neither the money nor the record moved.
 */
const app = useTestApp({ now: '2026-01-10T02:00:00.000Z' });
let t: TestApp;
let bank: Inst;
let insurer: Inst;
let otherBank: Inst;
let otherInsurer: Inst;
let gov: Inst;
let admin: string;

const RECOVER_ON = `mutation($l: ID!, $a: Money!, $d: Date, $k: String!) {
  recordRecovery(loanId: $l, amount: $a, recoveredOn: $d, idempotencyKey: $k) { amount recoveredOn toBank toInsurer toFund } }`;
const WRITE_OFF = `mutation($l: ID!, $k: String!) { writeOffLoss(loanId: $l, idempotencyKey: $k) {
  id status bankWrittenOffAt insurerWrittenOffAt recovered { bank insurer fund } } }`;
const CLAIM = `query($id: ID!) { claim(id: $id) { status bankWrittenOffAt insurerWrittenOffAt recovered { bank insurer fund } } }`;
const PROFILE = `{ myCreditProfile { accounts { accountRef kind status balance closedOn statusMonth paymentPattern }
  summary { openAccounts totalBalance } } }`;

interface Rec {
  accountRef: string;
  kind: string;
  status: string;
  balance: string;
  closedOn: string | null;
  statusMonth: string;
  paymentPattern: string;
}

/** The borrower's own view of the deal's two records: what every reader of the profile sees. */
async function recordsOf(b: BorrowerHandle, d: Deal) {
  const p = ok(await t.gql(b.token, PROFILE)).myCreditProfile;
  const accounts = p.accounts as Rec[];
  return {
    loan: accounts.find((a) => a.accountRef === d.loanNumber),
    policy: accounts.find((a) => a.accountRef === d.policyNumber),
    summary: p.summary as { openAccounts: number; totalBalance: string },
  };
}

const at = (date: string) => t.setNow(`${date}T02:00:00.000Z`);

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
});
afterEach(async () => expectBalancedLedger(t));

/**
 * Three deals, one borrower each, disbursed 2026-01-10 and never repaid: the first interest
 * instalment falls due 2026-02-10; ageing on 2026-02-19 (first missed instalment: the prior
 * notice) and on 2026-05-20 (90 days past due: defaulted on 2026-05-11).
 */
const world = steps();
const defaulted = world(async () => {
  const [bMain, bWo, bFail] = [await borrower(t, bank), await borrower(t, bank), await borrower(t, bank)];
  const main = await disbursedLoan(t, bMain, bank, insurer, { amount: '100000.00', interestRate: '0.05' });
  const wo = await disbursedLoan(t, bWo, bank, insurer, { amount: '10000.00', interestRate: '0.05' });
  const fail = await disbursedLoan(t, bFail, bank, insurer, { amount: '10000.00', interestRate: '0.05' });
  at('2026-02-19');
  ok(await t.gql(admin, AGE, {}));
  at('2026-05-20');
  expect(ok(await t.gql(admin, AGE, {})).ageLoans.defaulted).toBe(3);
  return { bMain, main, bWo, wo, bFail, fail };
});

/** The main story: claim, compensation, a partial and then a full recovery of 100,000. */
const story = steps();
const mainClaimFiled = story(async () => {
  const { main } = await defaulted();
  at('2026-06-08');
  return ok(await t.gql(bank.token, FILE_CLAIM, { l: main.loanId, k: key() })).fileClaim;
});
const mainClaimPaid = story(async () => {
  at('2026-07-02');
  return ok(await t.gql(insurer.token, PAY_CLAIM, { c: (await mainClaimFiled()).id, k: key() })).payClaim;
});
const mainCompensated = story(async () => {
  const { main } = await defaulted();
  at('2026-08-05');
  ok(await t.gql(bank.token, COURT, { l: main.loanId, r: '(2026)冀0702民初501号', d: '2026-08-05', k: key() }));
  ok(await t.gql(gov.token, DEPOSIT, { f: 'RISK_COMPENSATION', a: '100000.00', k: key() }));
  return ok(await t.gql(gov.token, COMPENSATE, { c: (await mainClaimFiled()).id, k: key() })).approveRiskCompensation;
});
const mainPartlyRecovered = story(async () => {
  const { main } = await defaulted();
  at('2026-08-20');
  return ok(await t.gql(bank.token, RECOVER_ON, { l: main.loanId, a: '10000.00', d: '2026-08-19', k: key() })).recordRecovery;
});
const mainFullyRecovered = story(async () => {
  const { main } = await defaulted();
  at('2026-09-15');
  return ok(await t.gql(insurer.token, RECOVER_ON, { l: main.loanId, a: '90000.00', d: '2026-09-14', k: key() })).recordRecovery;
});

describe('the claim and the compensation', () => {
  it('filing re-reports the loan for the month as it stands: still 90 days past due, nothing moved', async () => {
    const { bMain, main } = await defaulted();
    expect((await mainClaimFiled()).status).toBe('FILED');
    const { loan, policy } = await recordsOf(bMain, main);
    expect(loan).toMatchObject({ status: 'DPD_90', balance: '100000.00', closedOn: null, statusMonth: '2026-06-01' });
    expect(loan!.paymentPattern).toBe('33--00');
    expect(policy).toMatchObject({ status: 'CURRENT', balance: '100000.00', closedOn: null });
  });

  it('after the insurer pays its 80%, the borrower still owes the bank its 20%: reported, open, not zero', async () => {
    const { bMain, main } = await defaulted();
    expect((await mainClaimPaid()).status).toBe('PAID');
    const { loan, policy, summary } = await recordsOf(bMain, main);
    expect(loan).toMatchObject({ status: 'CLAIM_PAID_BY_INSURER', balance: '20000.00', closedOn: null, statusMonth: '2026-07-01' });
    expect(policy).toMatchObject({ status: 'IN_COLLECTION', balance: '80000.00', closedOn: null, statusMonth: '2026-07-01' });
    // both debts are open and counted: 20,000 to the bank, 80,000 to the insurer
    expect(summary).toEqual({ openAccounts: 2, totalBalance: '100000.00' });
  });

  it('compensation moves no debt: the policy is reported again for the month at the same balance', async () => {
    const { bMain, main } = await defaulted();
    expect(await mainCompensated()).toMatchObject({ status: 'COMPENSATED', compensationPaid: '40000.00' });
    const { loan, policy } = await recordsOf(bMain, main);
    expect(policy).toMatchObject({ status: 'IN_COLLECTION', balance: '80000.00', closedOn: null, statusMonth: '2026-08-01' });
    expect(loan).toMatchObject({ status: 'CLAIM_PAID_BY_INSURER', balance: '20000.00', statusMonth: '2026-07-01' });
  });
});

describe('each recovery moves both records', () => {
  it('a partial recovery lowers the loan by the bank’s share and the policy by the insurer’s and the fund’s', async () => {
    const { bMain, main } = await defaulted();
    // bore: bank 20,000, insurer 80,000 − 40,000 compensation, fund 40,000
    expect(await mainPartlyRecovered()).toMatchObject({ toBank: '2000.00', toInsurer: '4000.00', toFund: '4000.00' });
    const { loan, policy, summary } = await recordsOf(bMain, main);
    expect(loan).toMatchObject({ status: 'CLAIM_PAID_BY_INSURER', balance: '18000.00', closedOn: null, statusMonth: '2026-08-01' });
    expect(policy).toMatchObject({ status: 'IN_COLLECTION', balance: '72000.00', closedOn: null, statusMonth: '2026-08-01' });
    expect(summary).toEqual({ openAccounts: 2, totalBalance: '90000.00' });
  });

  it('the full recovery closes both records on the day of the recovery, keeping their adverse status', async () => {
    const { bMain, main } = await defaulted();
    expect(await mainFullyRecovered()).toMatchObject({ recoveredOn: '2026-09-14', toBank: '18000.00', toInsurer: '36000.00' });
    const { loan, policy, summary } = await recordsOf(bMain, main);
    expect(loan).toEqual({
      accountRef: main.loanNumber,
      kind: 'LOAN',
      status: 'CLAIM_PAID_BY_INSURER',
      balance: '0.00',
      closedOn: '2026-09-14',
      statusMonth: '2026-09-01',
      paymentPattern: 'CCC33--00',
    });
    expect(policy).toEqual({
      accountRef: main.policyNumber,
      kind: 'INSURANCE_POLICY',
      status: 'IN_COLLECTION',
      balance: '0.00',
      closedOn: '2026-09-14',
      statusMonth: '2026-09-01',
      paymentPattern: 'GGG-----0',
    });
    expect(summary).toEqual({ openAccounts: 0, totalBalance: '0.00' });
  });

  it('nothing is left to write off on a side recovered in full', async () => {
    const { main } = await defaulted();
    await mainFullyRecovered();
    const r = await t.gql(bank.token, WRITE_OFF, { l: main.loanId, k: key() });
    expect(codeOf(r)).toBe('CONFLICT');
    expect(r.errors![0].message).toMatch(/recovered in full/);
    expect(codeOf(await t.gql(insurer.token, WRITE_OFF, { l: main.loanId, k: key() }))).toBe('CONFLICT');
  });
});

/** Write-offs: 10,000 defaulted, bank 2,000, insurer 8,000, no compensation. */
const wo = steps();
const woPaid = wo(async () => {
  const d = (await defaulted()).wo;
  at('2026-09-16');
  const c = ok(await t.gql(bank.token, FILE_CLAIM, { l: d.loanId, k: key() })).fileClaim;
  ok(await t.gql(insurer.token, PAY_CLAIM, { c: c.id, k: key() }));
  return c.id as string;
});
const woRecovered = wo(async () => {
  const d = (await defaulted()).wo;
  at('2026-10-05');
  return ok(await t.gql(bank.token, RECOVER_ON, { l: d.loanId, a: '1000.00', k: key() })).recordRecovery;
});
const bankWroteOff = wo(async () => {
  const d = (await defaulted()).wo;
  at('2026-10-05');
  const k = key();
  return { k, claim: ok(await t.gql(bank.token, WRITE_OFF, { l: d.loanId, k })).writeOffLoss };
});
const lateRecovery = wo(async () => {
  const d = (await defaulted()).wo;
  at('2026-11-03');
  return ok(await t.gql(insurer.token, RECOVER_ON, { l: d.loanId, a: '500.00', k: key() })).recordRecovery;
});
const insurerWroteOff = wo(async () => {
  const d = (await defaulted()).wo;
  at('2026-11-03');
  return ok(await t.gql(insurer.token, WRITE_OFF, { l: d.loanId, k: key() })).writeOffLoss;
});
const recoveryAfterBoth = wo(async () => {
  const d = (await defaulted()).wo;
  at('2026-11-20');
  return ok(await t.gql(bank.token, RECOVER_ON, { l: d.loanId, a: '100.00', k: key() })).recordRecovery;
});

const ledgerTransactions = async () =>
  (await rows<{ n: number }>(t.tdb.db.orm, sql`select count(*)::int as n from ledger_transactions`))[0].n;

describe('writeOffLoss', () => {
  it('only a party to the loan, for its own side: strangers get NOT_FOUND, other roles FORBIDDEN', async () => {
    const { wo: d, bWo } = await defaulted();
    await woRecovered();
    for (const stranger of [otherBank, otherInsurer]) {
      expect(codeOf(await t.gql(stranger.token, WRITE_OFF, { l: d.loanId, k: key() }))).toBe('NOT_FOUND');
    }
    for (const token of [gov.token, admin, bWo.token])
      expect(codeOf(await t.gql(token, WRITE_OFF, { l: d.loanId, k: key() }))).toBe('FORBIDDEN');
    const nowhere = '00000000-0000-4000-8000-000000000000';
    expect(codeOf(await t.gql(bank.token, WRITE_OFF, { l: nowhere, k: key() }))).toBe('NOT_FOUND');
    const c = ok(await t.gql(bank.token, CLAIM, { id: await woPaid() })).claim;
    expect(c).toMatchObject({ bankWrittenOffAt: null, insurerWrittenOffAt: null });
  });

  it('the bank writes off what is left of its share: the loan closes today, charged off; the policy stays open', async () => {
    const { wo: d, bWo } = await defaulted();
    expect(await woRecovered()).toMatchObject({ toBank: '200.00', toInsurer: '800.00', toFund: '0.00' });
    const ledgerBefore = await ledgerTransactions();
    const { k, claim } = await bankWroteOff();
    expect(claim.bankWrittenOffAt).toBe('2026-10-05T02:00:00.000Z');
    expect(claim.insurerWrittenOffAt).toBeNull();
    // no money moves on a write-off
    expect(await ledgerTransactions()).toBe(ledgerBefore);
    const { loan, policy, summary } = await recordsOf(bWo, d);
    expect(loan).toMatchObject({ status: 'CHARGED_OFF', balance: '0.00', closedOn: '2026-10-05', statusMonth: '2026-10-01' });
    expect(policy).toMatchObject({ status: 'IN_COLLECTION', balance: '7200.00', closedOn: null });
    expect(summary).toEqual({ openAccounts: 1, totalBalance: '7200.00' });
    // a replay answers the first result; a second write-off is a CONFLICT
    expect(ok(await t.gql(bank.token, WRITE_OFF, { l: d.loanId, k })).writeOffLoss).toEqual(claim);
    const again = await t.gql(bank.token, WRITE_OFF, { l: d.loanId, k: key() });
    expect(codeOf(again)).toBe('CONFLICT');
    expect(again.errors![0].extensions!.currentState).toBe('WRITTEN_OFF');
    const [audit] = await rows<{ detail: Record<string, unknown> }>(
      t.tdb.db.orm,
      sql`select detail from audit_log where action = 'claim.written_off' and target_id = ${claim.id}`,
    );
    expect(audit.detail).toMatchObject({ side: 'bank', institutionId: bank.id, writtenOff: '1800.00', writtenOffOn: '2026-10-05' });
  });

  it('a recovery after the write-off is still shared, but the closed record stays closed', async () => {
    const { wo: d, bWo } = await defaulted();
    await bankWroteOff();
    // unrecovered 1,800 : 7,200
    expect(await lateRecovery()).toMatchObject({ toBank: '100.00', toInsurer: '400.00' });
    const { loan, policy } = await recordsOf(bWo, d);
    expect(loan).toMatchObject({ status: 'CHARGED_OFF', balance: '0.00', closedOn: '2026-10-05', statusMonth: '2026-10-01' });
    expect(policy).toMatchObject({ status: 'IN_COLLECTION', balance: '6800.00', closedOn: null, statusMonth: '2026-11-01' });
  });

  it('the insurer writes off what it paid and no one recovered: the policy closes today, charged off; once only', async () => {
    const { wo: d, bWo } = await defaulted();
    await lateRecovery();
    const claim = await insurerWroteOff();
    expect(claim.insurerWrittenOffAt).toBe('2026-11-03T02:00:00.000Z');
    expect(claim.bankWrittenOffAt).toBe('2026-10-05T02:00:00.000Z');
    const { loan, policy, summary } = await recordsOf(bWo, d);
    expect(policy).toMatchObject({ status: 'CHARGED_OFF', balance: '0.00', closedOn: '2026-11-03', statusMonth: '2026-11-01' });
    expect(loan).toMatchObject({ status: 'CHARGED_OFF', closedOn: '2026-10-05' });
    expect(summary).toEqual({ openAccounts: 0, totalBalance: '0.00' });
    expect(codeOf(await t.gql(insurer.token, WRITE_OFF, { l: d.loanId, k: key() }))).toBe('CONFLICT');
    // the government reads the write-offs on the claim
    const seen = ok(await t.gql(gov.token, CLAIM, { id: await woPaid() })).claim;
    expect(seen).toMatchObject({ bankWrittenOffAt: '2026-10-05T02:00:00.000Z', insurerWrittenOffAt: '2026-11-03T02:00:00.000Z' });
  });

  it('money recovered after both write-offs is shared; neither record reopens nor moves its closing day', async () => {
    const { wo: d, bWo } = await defaulted();
    expect(await recoveryAfterBoth()).toMatchObject({ toBank: '20.00', toInsurer: '80.00' });
    const c = ok(await t.gql(bank.token, CLAIM, { id: await woPaid() })).claim;
    expect(c.recovered).toEqual({ bank: '320.00', insurer: '1280.00', fund: '0.00' });
    const { loan, policy } = await recordsOf(bWo, d);
    expect(loan).toMatchObject({ status: 'CHARGED_OFF', balance: '0.00', closedOn: '2026-10-05', statusMonth: '2026-10-01' });
    expect(policy).toMatchObject({ status: 'CHARGED_OFF', balance: '0.00', closedOn: '2026-11-03', statusMonth: '2026-11-01' });
  });
});

/** A failure just before commit: the money, the claim, the records, the audit and the events all stay as they were. */
const failing = steps();
const failFiled = failing(async () => {
  const d = (await defaulted()).fail;
  at('2026-12-01');
  return ok(await t.gql(bank.token, FILE_CLAIM, { l: d.loanId, k: key() })).fileClaim.id as string;
});

describe('one transaction: a failure before commit leaves no half-change', () => {
  async function runFailing(point: string, token: string, query: string, variables: Record<string, unknown>) {
    const broken = await createApp({ config: testConfig(), db: failingBeforeCommit(t.tdb.db, point), clock: () => t.now });
    try {
      const r = await broken.apollo.executeOperation({ query, variables }, { contextValue: await broken.contextFor(`Bearer ${token}`) });
      return (r.body as any).singleResult as GqlResult;
    } finally {
      await broken.stop();
    }
  }
  /** Everything an event on this deal could change. */
  async function snapshot(borrowerId: string, claimId: string) {
    const db = t.tdb.db.orm;
    return {
      records: await rows(
        db,
        sql`select account_ref, status, balance::text, closed_on::text, status_month::text, payment_history, held, updated_at
            from credit_accounts where borrower_id = ${borrowerId}::uuid order by account_ref`,
      ),
      claim: await rows(db, sql`select * from claims where id = ${claimId}::uuid`),
      recoveries: await rows(db, sql`select count(*)::int as n from recoveries where claim_id = ${claimId}::uuid`),
      ledger: await rows(db, sql`select count(*)::int as n from ledger_entries`),
      audit: await rows(db, sql`select count(*)::int as n from audit_log where borrower_id = ${borrowerId}::uuid`),
      events: await rows(db, sql`select count(*)::int as n from domain_events where borrower_id = ${borrowerId}::uuid`),
      notices: await rows(db, sql`select count(*)::int as n from notices where borrower_id = ${borrowerId}::uuid`),
    };
  }

  it('writeOffLoss before the claim is paid is a CONFLICT', async () => {
    const { fail } = await defaulted();
    await failFiled();
    const r = await t.gql(bank.token, WRITE_OFF, { l: fail.loanId, k: key() });
    expect(codeOf(r)).toBe('CONFLICT');
    expect(r.errors![0].extensions!.currentState).toBe('FILED');
  });

  it('payClaim, recordRecovery and writeOffLoss each roll back whole, record included', async () => {
    const { fail, bFail } = await defaulted();
    const claimId = await failFiled();
    let before = await snapshot(bFail.id, claimId);
    const k = key('crash');
    expect(codeOf(await runFailing('payClaim', insurer.token, PAY_CLAIM, { c: claimId, k }))).toBe('INTERNAL_SERVER_ERROR');
    expect(await snapshot(bFail.id, claimId)).toEqual(before);
    // the same key on a healthy server pays, and the record follows
    expect(ok(await t.gql(insurer.token, PAY_CLAIM, { c: claimId, k })).payClaim.status).toBe('PAID');
    expect((await recordsOf(bFail, fail)).loan).toMatchObject({ status: 'CLAIM_PAID_BY_INSURER', balance: '2000.00' });

    before = await snapshot(bFail.id, claimId);
    const recovery = { l: fail.loanId, a: '10000.00', d: null, k: key('crash') };
    expect(codeOf(await runFailing('recordRecovery', bank.token, RECOVER_ON, recovery))).toBe('INTERNAL_SERVER_ERROR');
    expect(await snapshot(bFail.id, claimId)).toEqual(before);
    expect(codeOf(await runFailing('writeOffLoss', bank.token, WRITE_OFF, { l: fail.loanId, k: key('crash') }))).toBe(
      'INTERNAL_SERVER_ERROR',
    );
    expect(await snapshot(bFail.id, claimId)).toEqual(before);

    // healthy: the full recovery closes both records in the one transaction that moved the money
    ok(await t.gql(bank.token, RECOVER_ON, recovery));
    const { loan, policy } = await recordsOf(bFail, fail);
    expect(loan).toMatchObject({ status: 'CLAIM_PAID_BY_INSURER', balance: '0.00', closedOn: '2026-12-01' });
    expect(policy).toMatchObject({ status: 'IN_COLLECTION', balance: '0.00', closedOn: '2026-12-01' });
  });
});

describe('the 5-year retention clock starts the day the behaviour ended', () => {
  it('shows both closed records through closedOn + 5 years − 1 day and hides them from closedOn + 5 years', async () => {
    const { bMain, main } = await defaulted();
    await mainFullyRecovered(); // both closed on 2026-09-14
    at('2031-09-13');
    const shown = await recordsOf(bMain, main);
    expect(shown.loan).toMatchObject({ status: 'CLAIM_PAID_BY_INSURER', closedOn: '2026-09-14' });
    expect(shown.policy).toMatchObject({ status: 'IN_COLLECTION', closedOn: '2026-09-14' });
    at('2031-09-14');
    const hidden = await recordsOf(bMain, main);
    expect(hidden.loan).toBeUndefined();
    expect(hidden.policy).toBeUndefined();
  });
});
