import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../src/db/client.js';
import {
  adminToken,
  borrower,
  consent,
  furnish,
  institution,
  key,
  nationalId,
  REVIEW,
  SUBMIT,
  type BorrowerHandle,
  type Inst,
} from '../factories.js';
import { ok, useTestApp, type TestApp } from '../helpers/app.js';

/**
 * Issue 12 §4, corrections propagate: a bank reads a borrower's file (reviewing an application),
 * the borrower disputes a record, the furnisher corrects it, the events are processed; the bank
 * (and every other institution that read the file in the 12 months before, while the record
 * existed) has an ORANGE RECORD_CORRECTED alert naming the correction, and the open application
 * whose reviews used the old data is re-quoted, old against new grade and price.
 */
const app = useTestApp({ now: '2026-05-01T02:00:00.000Z' });
let t: TestApp;
let bank: Inst;
let insurer: Inst;
let furnisher: Inst;
let neverRead: Inst;
let staleReader: Inst;
let earlyReader: Inst;
let deletedReader: Inst;
let b: BorrowerHandle;
let accountId: string;

const FILE = `mutation($r: ID!, $why: String!) { fileDispute(recordId: $r, reason: $why) { id } }`;
const RESOLVE = `mutation($id: ID!, $o: DisputeOutcome!, $n: String!, $c: CorrectionInput) {
  resolveDispute(id: $id, outcome: $o, note: $n, correction: $c) { id status outcome } }`;
const CORRECT = `mutation($r: ID!, $m: [MonthCorrectionInput!]!, $why: String!) { correctCreditRecord(recordId: $r, months: $m, reason: $why) { id } }`;
const APPLICATION = `query($id: ID!) { application(id: $id) { id status
  requotes { applicationId reviewId causeEventId oldGrade newGrade oldEligible newEligible createdAt
    oldPrice { premiumRate premiumAmount borrowerPremium } newPrice { premiumRate premiumAmount borrowerPremium } } } }`;

const db = () => t.tdb.db.orm;
const days = (d: number) => new Date(Date.parse('2026-06-15T02:00:00.000Z') + d * 86_400_000);

const PROCESS = `mutation { processEvents { events alerts notices deliveriesQueued } }`;
const ALERTS = `query($s: AlertSeverity) { alerts(severity: $s) { edges { node { id borrowerId severity rule basis eventId eventType message detail raisedAt } } } }`;

/** The monitoring consumer's run (Helper M's processEvents), which calls correctionAlerts for each batch. */
const processEvents = async () => ok(await t.gql(await adminToken(t), PROCESS)).processEvents;
/** An inquiry straight into the table (setup: a read at a time the test cannot reach through GraphQL). */
async function readAt(inst: Inst, at: string, deleted = false) {
  const consentId = await consent(t, b, inst, 'LOAN_APPLICATION');
  await db().execute(sql`insert into inquiries (borrower_id, institution_id, user_id, purpose, consent_id, inquired_at, deleted_at)
    values (${b.id}, ${inst.id}, ${`${inst.id}-user`}, 'LOAN_APPLICATION', ${consentId}, ${at}::timestamptz, ${deleted ? at : null}::timestamptz)`);
}

const alertsOf = async (eventType?: string) =>
  rows<any>(
    db(),
    sql`select institution_id, event_id, event_type, rule, severity, basis, message, detail, visible_from, parameter_version
      from alerts where borrower_id = ${b.id} ${eventType ? sql`and event_type = ${eventType}` : sql``} order by institution_id`,
  );
const requoteCount = async () =>
  Number(
    (
      await rows<any>(
        db(),
        sql`select count(*)::int as n from application_requotes q join applications a on a.id = q.application_id where a.borrower_id = ${b.id}`,
      )
    )[0].n,
  );
const inquiryCount = async () =>
  Number((await rows<any>(db(), sql`select count(*)::int as n from inquiries where borrower_id = ${b.id}`))[0].n);

async function application(reviewers: Inst[], decision: 'APPROVE' | 'DECLINE' = 'APPROVE') {
  const a = ok(
    await t.gql(b.token, SUBMIT, {
      i: {
        bankId: bank.id,
        insurerId: insurer.id,
        amount: '100000.00',
        termYears: 1,
        interestRate: '0.05',
        repaymentMethod: 'INTEREST_ONLY_BULLET',
        loanPurpose: '扩大养殖规模',
      },
      k: key('submit'),
    }),
  ).submitApplication;
  for (const r of reviewers) ok(await t.gql(r.token, REVIEW, { id: a.id, d: decision, r: ['内部政策'], k: key('review') }));
  return a.id as string;
}

beforeAll(async () => {
  t = await app();
  [bank, insurer, furnisher, neverRead, staleReader, earlyReader, deletedReader] = await Promise.all([
    institution(t, 'BANK'),
    institution(t, 'INSURER'),
    institution(t, 'BANK'),
    institution(t, 'BANK'),
    institution(t, 'BANK'),
    institution(t, 'BANK'),
    institution(t, 'BANK'),
  ]);
  b = await borrower(t, bank, { registeredOn: '2024-03-01' });
  // furnished on 2026-05-01, its history reporting 90 days past due in March 2026
  const r = await furnish(t, furnisher, [{ borrowerId: b.id, accountRef: 'F-1', openedOn: '2025-10-10', status: 'CURRENT' }]);
  accountId = r.accounts[0].id;
  await db().execute(sql`update credit_accounts set payment_history = '0030000' where id = ${accountId}`);
  // reads that do not count: 13 months before the correction, before the record existed, an inquiry deleted by a dispute
  await readAt(staleReader, '2025-05-10T02:00:00Z');
  await readAt(earlyReader, '2026-04-20T02:00:00Z');
  await readAt(deletedReader, '2026-05-20T02:00:00Z', true);
  t.setNow(days(0));
  await consent(t, b, bank, 'LOAN_APPLICATION');
  await consent(t, b, insurer, 'UNDERWRITING');
  await consent(t, b, neverRead, 'LOAN_APPLICATION');
});

describe('a correction alerts the institutions that read the record and re-quotes an open application', () => {
  let approved: string;
  let declined: string;
  let later: string;
  let correctionEvent: string;

  it('the bank and the insurer read the file reviewing an application, on the old data', async () => {
    approved = await application([bank, insurer]);
    declined = await application([bank], 'DECLINE');
    const a = ok(await t.gql(b.token, APPLICATION, { id: approved })).application;
    expect(a).toMatchObject({ status: 'APPROVED', requotes: [] });
  });

  it('the borrower disputes the record and the furnisher corrects it; processing the events alerts the readers', async () => {
    t.setNow(days(1));
    const d = ok(await t.gql(b.token, FILE, { r: accountId, why: '2026 年 3 月我按时还款，从未逾期' })).fileDispute;
    t.setNow(days(2));
    ok(
      await t.gql(furnisher.token, RESOLVE, {
        id: d.id,
        o: 'CORRECTED',
        n: '核实为系统错误',
        c: { months: [{ month: '2026-03-01', status: 'CURRENT' }] },
      }),
    );
    const [ev] = await rows<any>(
      db(),
      sql`select id from domain_events where type = 'credit.account.corrected' and aggregate_id = ${accountId}`,
    );
    correctionEvent = ev.id;
    // an application reviewed after the correction used the new data: nothing to re-quote
    t.setNow(days(2.5));
    later = await application([bank]);

    const inquiriesBefore = await inquiryCount();
    const r = await processEvents();
    expect(r.alerts).toBe(2);
    expect(await requoteCount()).toBe(2);
    // the re-quote read the file without an inquiry: the borrower's count did not grow
    expect(await inquiryCount()).toBe(inquiriesBefore);
    const audit = await rows<any>(
      db(),
      sql`select count(*)::int as n from audit_log where action = 'credit.profile.read_for_requote' and borrower_id = ${b.id}`,
    );
    expect(audit[0].n).toBe(1);

    const alerts = await alertsOf();
    expect(alerts.map((a) => a.institution_id).sort()).toEqual([bank.id, insurer.id].sort());
    for (const a of alerts) {
      expect(a).toMatchObject({
        event_id: correctionEvent,
        event_type: 'credit.account.corrected',
        rule: 'RECORD_CORRECTED',
        severity: 'ORANGE',
        basis: 'READ_RECORD',
      });
      expect(a.message).toContain('账户 F-1');
      expect(a.message).toContain('2026-03 的还款状态由“逾期 90 天以上”改为“正常”');
      expect(a.message).toContain('异议');
      expect(a.detail).toMatchObject({
        recordType: 'ACCOUNT',
        change: 'CORRECTED',
        source: 'DISPUTE',
        recordId: accountId,
        accountRef: 'F-1',
        kind: 'LOAN',
        furnisherId: furnisher.id,
        months: [{ month: '2026-03-01', from: 'DPD_90', to: 'CURRENT' }],
      });
      expect(Date.parse(a.detail.lastReadAt)).toBeGreaterThanOrEqual(days(0).getTime());
      expect(new Date(a.visible_from).toISOString()).toBe(days(2).toISOString());
      // no personal identifier: neither the name nor the national id
      expect(JSON.stringify(a)).not.toMatch(/测试借款人|130722/);
    }
    // what the bank sees through GraphQL: the alert naming the correction
    const seen = ok(await t.gql(bank.token, ALERTS, { s: 'ORANGE' })).alerts.edges.map((e: any) => e.node);
    expect(seen).toEqual([
      expect.objectContaining({
        borrowerId: b.id,
        rule: 'RECORD_CORRECTED',
        basis: 'READ_RECORD',
        eventId: correctionEvent,
        eventType: 'credit.account.corrected',
      }),
    ]);
    expect(seen[0].message).toContain('账户 F-1已更正（借款人异议处理结果）');
    expect(seen[0].detail).toMatchObject({ accountRef: 'F-1', months: [{ month: '2026-03-01', from: 'DPD_90', to: 'CURRENT' }] });
    // the furnisher made the change; the others did not read the file in the window while the record existed
    for (const other of [furnisher, neverRead, staleReader, earlyReader, deletedReader]) {
      expect(ok(await t.gql(other.token, ALERTS, {})).alerts.edges).toEqual([]);
    }
  });

  it('the open application is re-quoted, old against new grade and price, per review', async () => {
    const a = ok(await t.gql(bank.token, APPLICATION, { id: approved })).application;
    expect(a.requotes).toHaveLength(2);
    for (const q of a.requotes) {
      expect(q).toMatchObject({ applicationId: approved, causeEventId: correctionEvent, oldEligible: true, newEligible: true });
      // the DPD_90 month is gone: the 24-month delinquency factor and the grade improve, the premium falls
      expect(q.newGrade < q.oldGrade).toBe(true);
      expect(Number(q.newPrice.premiumRate)).toBeLessThan(Number(q.oldPrice.premiumRate));
    }
    expect(new Set(a.requotes.map((q: any) => q.reviewId)).size).toBe(2);
    // the borrower sees them too; the reviews themselves stand
    expect(ok(await t.gql(b.token, APPLICATION, { id: approved })).application.requotes).toHaveLength(2);
    // a declined application is closed, and one reviewed after the correction used the new data
    expect(ok(await t.gql(bank.token, APPLICATION, { id: declined })).application.requotes).toEqual([]);
    expect(ok(await t.gql(bank.token, APPLICATION, { id: later })).application.requotes).toEqual([]);
  });

  it('processing the batch again (a crash before the cursor moved) adds nothing', async () => {
    await db().execute(sql`update event_consumers set last_seq = 0 where name = 'monitoring'`);
    const r = await processEvents();
    expect(r.events).toBeGreaterThan(0);
    expect(r.alerts).toBe(0);
    expect(await alertsOf()).toHaveLength(2);
    expect(await requoteCount()).toBe(2);
  });

  it('a furnisher’s own correction alerts the readers too, not the furnisher', async () => {
    t.setNow(days(3));
    ok(await t.gql(furnisher.token, CORRECT, { r: accountId, m: [{ month: '2026-02-01', status: 'DPD_30' }], why: '补报 2 月逾期' }));
    const r = await processEvents();
    expect(r.alerts).toBe(2);
    const alerts = await alertsOf();
    const mine = alerts.filter((a) => a.event_id !== correctionEvent);
    expect(mine.map((a) => a.institution_id).sort()).toEqual([bank.id, insurer.id].sort());
    expect(mine[0].detail).toMatchObject({
      source: 'FURNISHER',
      disputeId: null,
      months: [{ month: '2026-02-01', from: 'CURRENT', to: 'DPD_30' }],
    });
    expect(mine[0].message).toContain('报送机构更正');
    // a first adverse month gives the borrower a prior notice: the alert waits for readers to see it
    expect(new Date(mine[0].visible_from).getTime()).toBeGreaterThan(days(3).getTime());
  });
});

describe('a deleted public record and a corrected identity alert the readers too, naming no personal data', () => {
  it('the court’s listing deleted on dispute, the county corrected: the bank that read the file is told, the court is not', async () => {
    const court = await institution(t, 'DATA_SOURCE', undefined, 'COURT');
    const nid = nationalId();
    const name = '更正传播测试人';
    t.setNow(days(4));
    const s = await borrower(t, bank, { nationalId: nid, name, county: '张北县' });
    const caseNumber = `(2026)冀07执${process.pid}9号`;
    const [listed] = ok(
      await t.gql(court.token, `mutation($r: [PublicRecordInput!]!) { furnishPublicRecords(records: $r) { id } }`, {
        r: [
          {
            nationalId: nid,
            subjectName: name,
            kind: 'DISHONEST_DEBTOR',
            caseNumber,
            title: '失信被执行人',
            amount: '86000.00',
            decidedOn: '2026-03-02',
            effectiveOn: '2026-03-05',
            status: 'ACTIVE',
          },
        ],
      }),
    ).furnishPublicRecords;
    t.setNow(days(4.5));
    await consent(t, s, bank, 'LOAN_APPLICATION');
    ok(
      await t.gql(bank.token, `query($b: ID!) { creditProfile(borrowerId: $b, purpose: LOAN_APPLICATION) { publicRecords { id } } }`, {
        b: s.id,
      }),
    );

    t.setNow(days(5));
    const FILE_ANY = `mutation($p: ID, $i: Boolean, $why: String!) { fileDispute(publicRecordId: $p, identity: $i, reason: $why) { id } }`;
    const d1 = ok(await t.gql(s.token, FILE_ANY, { p: listed.id, why: '判决已履行完毕' })).fileDispute;
    const d2 = ok(await t.gql(s.token, FILE_ANY, { i: true, why: '所在县登记有误' })).fileDispute;
    t.setNow(days(6));
    ok(await t.gql(court.token, RESOLVE, { id: d1.id, o: 'DELETED', n: '已撤销' }));
    ok(await t.gql(await adminToken(t), RESOLVE, { id: d2.id, o: 'CORRECTED', n: '核实更正', c: { identity: { county: '康保县' } } }));
    await processEvents();

    const seen = (
      await rows<any>(
        db(),
        sql`select institution_id, event_type, message, detail from alerts where borrower_id = ${s.id} order by event_type`,
      )
    ).map((a) => ({ ...a, text: JSON.stringify(a) }));
    expect(seen.map((a) => [a.institution_id, a.event_type])).toEqual([
      [bank.id, 'borrower.identity.corrected'],
      [bank.id, 'public_record.deleted'],
    ]);
    const [identity, record] = seen;
    expect(record.message).toContain(`公共记录 ${caseNumber}已被删除`);
    expect(record.detail).toMatchObject({
      recordType: 'PUBLIC_RECORD',
      change: 'DELETED',
      recordId: listed.id,
      kind: 'DISHONEST_DEBTOR',
      furnisherId: court.id,
    });
    expect(identity.message).toContain('身份信息（所在县）已更正（借款人异议处理结果）');
    expect(identity.detail).toMatchObject({ recordType: 'IDENTITY', change: 'CORRECTED', fields: ['county'] });
    for (const a of seen) expect(a.text).not.toMatch(new RegExp(`${name}|${nid}|康保县|张北县`));
  });
});
