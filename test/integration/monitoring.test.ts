import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../src/db/client.js';
import {
  adminToken,
  borrower,
  consent,
  disbursedLoan,
  furnish,
  institution,
  key,
  nationalId,
  REPAY,
  type BorrowerHandle,
  type Deal,
  type Inst,
} from '../factories.js';
import { codeOf, ok, useTestApp, type TestApp } from '../helpers/app.js';

/**
 * Post-loan / post-insurance monitoring through GraphQL: the outbox consumer (processEvents)
 * raises graded alerts to the institutions watching a borrower (a live loan or policy, a
 * post-loan consent), never to the one that made the change or to one without a basis, and
 * gives the borrower notices of each inquiry.
 */
const app = useTestApp({ now: '2026-06-15T02:00:00.000Z' });
let t: TestApp;
let bankA: Inst; // the programme loan's bank
let insurer: Inst; // its insurer
let bankX: Inst; // another lender, furnishing under the borrower's consent
let bankZ: Inst; // no basis to watch
let court: Inst;
let b: BorrowerHandle;
let bNationalId: string;
let deal: Deal;

const DAY = 86_400_000;
const PROCESS = `mutation { processEvents { events alerts notices deliveriesQueued } }`;
const ALERTS = `query($s: AlertSeverity, $a: Boolean, $f: Int, $after: String) {
  alerts(severity: $s, acknowledged: $a, first: $f, after: $after) {
    edges { cursor node { id borrowerId severity rule basis eventId eventType message detail raisedAt acknowledgedAt parameterVersion } }
    pageInfo { hasNextPage endCursor } } }`;
const BORROWER_ALERTS = `query($b: ID!) { borrowerAlerts(borrowerId: $b) { id rule severity basis raisedAt detail } }`;
const ACK = `mutation($id: ID!, $k: String!) { acknowledgeAlert(id: $id, idempotencyKey: $k) { id acknowledgedAt } }`;
const NOTICES = `{ myNotices { kind institution { id } message notifiedAt effectiveAt } }`;
const PROFILE = `query($b: ID!, $p: ConsentPurpose!) { creditProfile(borrowerId: $b, purpose: $p) { borrower { id } } }`;

type AlertNode = {
  id: string;
  severity: string;
  rule: string;
  basis: string;
  detail: Record<string, unknown>;
  raisedAt: string;
  acknowledgedAt: string | null;
  message: string;
};
const process = async () => ok(await t.gql(await adminToken(t), PROCESS)).processEvents;
const alertsOf = async (inst: Inst, vars: Record<string, unknown> = {}): Promise<AlertNode[]> =>
  ok(await t.gql(inst.token, ALERTS, { f: 200, ...vars })).alerts.edges.map((e: { node: AlertNode }) => e.node);
const rulesOf = async (inst: Inst) => (await alertsOf(inst)).map((a) => `${a.rule}:${a.basis}`).sort();

beforeAll(async () => {
  t = await app();
  [bankA, insurer, bankX, bankZ, court] = await Promise.all([
    institution(t, 'BANK'),
    institution(t, 'INSURER'),
    institution(t, 'BANK'),
    institution(t, 'BANK'),
    institution(t, 'DATA_SOURCE'),
  ]);
  bNationalId = nationalId();
  b = await borrower(t, bankA, { nationalId: bNationalId, registeredOn: '2025-03-01' });
  deal = await disbursedLoan(t, b, bankA, insurer);
  // what came before the test is consumed: each test counts what its own changes raise
  await process();
});

describe('alerts from the outbox', () => {
  it('an insurer with a live policy is alerted when another bank furnishes a 90-day delinquency, once the prior notice has run', async () => {
    await furnish(t, bankX, [
      { borrowerId: b.id, accountRef: 'X-1', openedOn: '2026-01-10', statusMonth: '2026-05-01', status: 'CURRENT' },
    ]);
    await furnish(t, bankX, [{ borrowerId: b.id, accountRef: 'X-1', openedOn: '2026-01-10', statusMonth: '2026-06-01', status: 'DPD_90' }]);
    const run = await process();
    expect(run.events).toBeGreaterThanOrEqual(2);
    // the new loan of 100000.00 reached the threshold: YELLOW to both parties of the programme deal
    expect(await rulesOf(insurer)).toEqual(['NEW_BORROWING:LIVE_POLICY']);
    // the first adverse status is held by prior notice (条例 Art 15): the RED alert waits for it
    const [held] = await rows<{ visible_from: Date; rule: string }>(
      t.tdb.db.orm,
      sql`select visible_from, rule from alerts where institution_id = ${insurer.id} and rule = 'DPD_90_ELSEWHERE'`,
    );
    expect(new Date(held.visible_from).getTime()).toBe(t.now.getTime() + 15 * DAY);

    t.setNow(new Date(t.now.getTime() + 16 * DAY));
    const red = (await alertsOf(insurer, { s: 'RED' }))[0];
    expect(red).toMatchObject({ severity: 'RED', rule: 'DPD_90_ELSEWHERE', basis: 'LIVE_POLICY', acknowledgedAt: null });
    expect(red.detail).toMatchObject({ accountRef: 'X-1', furnisher: bankX.id, status: 'DPD_90', previousStatus: 'CURRENT', kind: 'LOAN' });
    expect(red.message).toContain('逾期 90 天以上');
    // no personal data in what the watcher is sent
    expect(JSON.stringify(red)).not.toContain(bNationalId);
    expect(red.raisedAt).toBe(new Date(new Date(held.visible_from).getTime()).toISOString());
    // the bank of the programme loan watches too; the furnisher itself hears nothing of its own change
    expect(await rulesOf(bankA)).toEqual(['DPD_90_ELSEWHERE:LIVE_LOAN', 'NEW_BORROWING:LIVE_LOAN']);
    expect(await alertsOf(bankX)).toEqual([]);
  });

  it('a bank without a basis receives nothing, even after reading the file under a loan-application consent', async () => {
    await consent(t, b, bankZ, 'LOAN_APPLICATION');
    ok(await t.gql(bankZ.token, PROFILE, { b: b.id, p: 'LOAN_APPLICATION' }));
    await furnish(t, bankX, [{ borrowerId: b.id, accountRef: 'X-2', openedOn: '2026-06-01', statusMonth: '2026-07-01', status: 'DPD_30' }]);
    await process();
    expect(await alertsOf(bankZ)).toEqual([]);
    const r = await t.gql(bankZ.token, BORROWER_ALERTS, { b: b.id });
    expect(ok(r).borrowerAlerts).toEqual([]);
  });

  it('a court enforcement (dishonest-debtor listing) is RED to every watcher', async () => {
    ok(
      await t.gql(court.token, `mutation($r: [PublicRecordInput!]!) { furnishPublicRecords(records: $r) { id } }`, {
        r: [
          {
            nationalId: bNationalId,
            subjectName: '测试',
            kind: 'DISHONEST_DEBTOR',
            caseNumber: '(2026)冀07执1号',
            title: '失信被执行人',
            amount: '5000.00',
            decidedOn: '2026-06-20',
            effectiveOn: '2026-06-25',
            status: 'ACTIVE',
          },
        ],
      }),
    );
    await process();
    const court1 = (await alertsOf(insurer)).find((a) => a.rule === 'COURT_ENFORCEMENT')!;
    expect(court1).toMatchObject({ severity: 'RED', basis: 'LIVE_POLICY' });
    expect(court1.detail).toMatchObject({ kind: 'DISHONEST_DEBTOR', caseNumber: '(2026)冀07执1号', status: 'ACTIVE', amount: '5000.00' });
    expect(JSON.stringify(court1)).not.toContain('测试');
  });

  it('three hard inquiries by others within 30 days raise one YELLOW INQUIRY_BURST, not one per inquiry', async () => {
    const others = await Promise.all([institution(t, 'BANK'), institution(t, 'BANK'), institution(t, 'BANK')]);
    for (const o of others) {
      await consent(t, b, o, 'LOAN_APPLICATION');
      ok(await t.gql(o.token, PROFILE, { b: b.id, p: 'LOAN_APPLICATION' }));
    }
    await process();
    // bankZ's read in the earlier test counts too: four hard inquiries by others, one alert
    const bursts = (await alertsOf(insurer)).filter((a) => a.rule === 'INQUIRY_BURST');
    expect(bursts).toHaveLength(1);
    expect(bursts[0]).toMatchObject({ severity: 'YELLOW' });
    expect(bursts[0].detail).toMatchObject({ windowDays: 30 });
    expect(bursts[0].detail.hardInquiries).toBeGreaterThanOrEqual(3);
  });

  it('lists newest first, filters by severity and acknowledgement, pages, and acknowledges (your own alerts only)', async () => {
    const all = await alertsOf(insurer);
    const times = all.map((a) => a.raisedAt);
    expect([...times].sort().reverse()).toEqual(times);
    expect((await alertsOf(insurer, { s: 'YELLOW' })).every((a) => a.severity === 'YELLOW')).toBe(true);

    const p1 = ok(await t.gql(insurer.token, ALERTS, { f: 1 })).alerts;
    expect(p1.pageInfo.hasNextPage).toBe(true);
    const p2 = ok(await t.gql(insurer.token, ALERTS, { f: 1, after: p1.pageInfo.endCursor })).alerts;
    expect(p2.edges[0].node.id).toBe(all[1].id);

    const target = all[0];
    expect(codeOf(await t.gql(bankZ.token, ACK, { id: target.id, k: key() }))).toBe('NOT_FOUND');
    const acked = ok(await t.gql(insurer.token, ACK, { id: target.id, k: key() })).acknowledgeAlert;
    expect(acked.acknowledgedAt).toBe(t.now.toISOString());
    expect((await alertsOf(insurer, { a: false })).map((a) => a.id)).not.toContain(target.id);
    expect((await alertsOf(insurer, { a: true })).map((a) => a.id)).toEqual([target.id]);
  });

  it('after the policy ends the insurer is no longer alerted, and its history stops there', async () => {
    const raised = async (inst: Inst) =>
      (await rows<{ id: string }>(t.tdb.db.orm, sql`select id from alerts where institution_id = ${inst.id} order by id`)).map((r) => r.id);
    const [insurerBefore, bankBefore] = [await raised(insurer), await raised(bankA)];
    // repaid in full: the loan REPAID, the policy CLOSED; the next day another lender reports a 90-day delinquency
    const repaid = ok(await t.gql(bankA.token, REPAY, { l: deal.loanId, a: await owed(), k: key() })).recordRepayment;
    expect(repaid.loan.status).toBe('REPAID');
    t.setNow(new Date(t.now.getTime() + DAY));
    await furnish(t, bankX, [{ borrowerId: b.id, accountRef: 'X-3', openedOn: '2026-07-01', statusMonth: '2026-07-01', status: 'DPD_90' }]);
    expect((await process()).events).toBeGreaterThan(0);
    t.setNow(new Date(t.now.getTime() + 20 * DAY));
    expect(await raised(insurer)).toEqual(insurerBefore);
    expect(await raised(bankA)).toEqual(bankBefore);
    // the history: every alert raised while the policy was live (those held by prior notice now visible too), none after
    const history = ok(await t.gql(insurer.token, BORROWER_ALERTS, { b: b.id })).borrowerAlerts;
    expect(history.map((a: { id: string }) => a.id).sort()).toEqual(insurerBefore);
    expect(history.every((a: { detail: { accountRef?: string } }) => a.detail.accountRef !== 'X-3')).toBe(true);
    // nobody else watches this borrower now: no alert about X-3 at all
    const [x3] = await rows<{ n: number }>(t.tdb.db.orm, sql`select count(*)::int as n from alerts where detail->>'accountRef' = 'X-3'`);
    expect(x3.n).toBe(0);
  });

  it('a post-loan consent with an open account is a basis; revoked, it is not', async () => {
    const c = await Promise.all([institution(t, 'BANK')]).then(([x]) => x);
    await furnish(t, c, [{ borrowerId: b.id, accountRef: 'C-1', openedOn: '2026-07-01', statusMonth: '2026-07-01', status: 'CURRENT' }]);
    const consentId = await consent(t, b, c, 'POST_LOAN_MANAGEMENT', new Date(t.now.getTime() + 365 * DAY).toISOString());
    await furnish(t, bankX, [
      {
        borrowerId: b.id,
        accountRef: 'X-4',
        openedOn: '2026-07-01',
        statusMonth: '2026-07-01',
        status: 'DPD_90',
        originalAmount: '50000.00',
        balance: '50000.00',
      },
    ]);
    await process();
    t.setNow(new Date(t.now.getTime() + 16 * DAY));
    expect(await rulesOf(c)).toEqual(['DPD_90_ELSEWHERE:POST_LOAN_CONSENT']);
    ok(await t.gql(b.token, `mutation($id: ID!) { revokeConsent(id: $id) { id } }`, { id: consentId }));
    await furnish(t, bankX, [
      {
        borrowerId: b.id,
        accountRef: 'X-5',
        openedOn: '2026-07-01',
        statusMonth: '2026-07-01',
        status: 'DPD_90',
        originalAmount: '50000.00',
        balance: '50000.00',
      },
    ]);
    await process();
    t.setNow(new Date(t.now.getTime() + 16 * DAY));
    expect(await rulesOf(c)).toEqual(['DPD_90_ELSEWHERE:POST_LOAN_CONSENT']);
  });
});

/** Everything still owed on the deal's loan: its whole schedule (nothing was paid). */
async function owed(): Promise<string> {
  const q = ok(await t.gql(bankA.token, `query($l: ID!) { loan(id: $l) { schedule { principalDue interestDue } } }`, { l: deal.loanId }));
  const cents = q.loan.schedule.reduce(
    (s: number, i: { principalDue: string; interestDue: string }) =>
      s + Math.round(Number(i.principalDue) * 100) + Math.round(Number(i.interestDue) * 100),
    0,
  );
  return (cents / 100).toFixed(2);
}

describe('borrower notices', () => {
  it('the borrower is told of each inquiry, hard or soft, by name, but not of their own access', async () => {
    const y = await institution(t, 'BANK');
    await consent(t, b, y, 'LOAN_APPLICATION');
    ok(await t.gql(y.token, PROFILE, { b: b.id, p: 'LOAN_APPLICATION' }));
    ok(await t.gql(y.token, PROFILE, { b: b.id, p: 'LOAN_APPLICATION' }));
    ok(await t.gql(b.token, `{ myCreditProfile { borrower { id } } }`));
    await process();
    const notices = ok(await t.gql(b.token, NOTICES)).myNotices.filter((n: { kind: string }) => n.kind === 'INQUIRY');
    const inquiries = await rows<{ n: number }>(
      t.tdb.db.orm,
      sql`select count(*)::int as n from inquiries where borrower_id = ${b.id}::uuid and purpose <> 'SELF_ACCESS'`,
    );
    expect(notices).toHaveLength(inquiries[0].n);
    const fromY = notices.filter((n: { institution: { id: string } }) => n.institution.id === y.id);
    expect(fromY).toHaveLength(2);
    expect(fromY[0].message).toContain('贷款审批');
    expect(fromY[0].message).toContain('硬查询');
  });

  it('a consent about to expire is noticed once; a furnisher’s correction is noticed', async () => {
    const y = await institution(t, 'INSURER');
    await consent(t, b, y, 'UNDERWRITING', new Date(t.now.getTime() + 100 * DAY).toISOString());
    t.setNow(new Date(t.now.getTime() + 75 * DAY));
    await process();
    await process();
    const expiring = ok(await t.gql(b.token, NOTICES)).myNotices.filter(
      (n: { kind: string; institution: { id: string } }) => n.kind === 'CONSENT_EXPIRING' && n.institution.id === y.id,
    );
    expect(expiring).toHaveLength(1);
    expect(expiring[0].message).toContain('保前审查');

    const [acc] = await rows<{ id: string }>(t.tdb.db.orm, sql`select id from credit_accounts where account_ref = 'X-2'`);
    ok(
      await t.gql(
        bankX.token,
        `mutation($r: ID!, $m: [MonthCorrectionInput!]!) { correctCreditRecord(recordId: $r, months: $m, reason: "我行报送错误") { id } }`,
        {
          r: acc.id,
          m: [{ month: '2026-07-01', status: 'CURRENT' }],
        },
      ),
    );
    await process();
    const corrected = ok(await t.gql(b.token, NOTICES)).myNotices.filter((n: { kind: string }) => n.kind === 'RECORD_CORRECTED');
    expect(corrected).toHaveLength(1);
    expect(corrected[0].message).toContain('X-2');
  });
});

describe('the consumer', () => {
  it('a batch run again (a crash before its commit) writes nothing twice', async () => {
    const count = async () =>
      (
        await rows<{ a: number; n: number }>(
          t.tdb.db.orm,
          sql`select (select count(*) from alerts)::int as a, (select count(*) from notices)::int as n`,
        )
      )[0];
    const before = await count();
    await t.tdb.db.orm.execute(sql`update event_consumers set last_seq = 0 where name = 'monitoring'`);
    const run = await process();
    expect(run.events).toBeGreaterThan(0);
    expect(run).toMatchObject({ alerts: 0, notices: 0 });
    expect(await count()).toEqual(before);
  });

  it('takes every event once, in order, and marks it delivered', async () => {
    const [r] = await rows<{ pending: number; last: number; max: number }>(
      t.tdb.db.orm,
      sql`select (select count(*) from domain_events where delivered_at is null)::int as pending,
                 (select last_seq from event_consumers where name = 'monitoring')::int as last,
                 (select max(seq) from domain_events)::int as max`,
    );
    // the run's own audit entry is not an event; the acknowledgement's is
    expect(r.last).toBe(r.max);
    expect(r.pending).toBe(0);
  });

  it('processEvents is for ADMIN only', async () => {
    expect(codeOf(await t.gql(bankA.token, PROCESS))).toBe('FORBIDDEN');
    expect(codeOf(await t.gql(null, PROCESS))).toBe('UNAUTHENTICATED');
  });
});
