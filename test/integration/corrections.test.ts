import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../src/db/client.js';
import { adminToken, borrower, consent, furnish, institution, type BorrowerHandle, type Inst } from '../factories.js';
import { codeOf, ok, useTestApp, type TestApp } from '../helpers/app.js';
import { steps } from '../helpers/steps.js';

/**
 * Corrections that reach any month (条例 Art 25): a dispute's CORRECTED outcome and the furnisher's
 * own correction change past months through one marked path; UNVERIFIABLE keeps the objection with
 * the record; the borrower's statements travel with the file; an unauthorised inquiry and the
 * identity data can be disputed too. Every reader (the borrower and a consenting bank) sees the same.
 * The clock stands at 2026-06-15 (business date): month −8 is 2025-10.
 */
const NOW = '2026-06-15T02:00:00.000Z';
const app = useTestApp({ now: NOW });

const ACCOUNT = `id accountRef status paymentPattern disputed statusHistory { month status corrected }
  corrections { month from to source disputeId reason } objection { disputeId statement checkNote } statements { id text recordId }`;
const FIELDS = `borrower { name county sector } accounts { ${ACCOUNT} } statements { id text }
  summary { worstStatus24Months hardInquiriesLast6Months } inquiries { id purpose kind disputed institution { id } }`;
const OWN = `{ myCreditProfile { ${FIELDS} } }`;
const READ = `query($b: ID!) { creditProfile(borrowerId: $b, purpose: LOAN_APPLICATION) { ${FIELDS} } }`;
const FILE = `mutation($r: ID, $q: ID, $i: Boolean, $why: String!) {
  fileDispute(recordId: $r, inquiryId: $q, identity: $i, reason: $why) { id subject status furnisher { id } } }`;
const RESOLVE = `mutation($id: ID!, $o: DisputeOutcome!, $n: String!, $c: CorrectionInput) {
  resolveDispute(id: $id, outcome: $o, note: $n, correction: $c) { id status outcome } }`;
const CORRECT = `mutation($r: ID!, $m: [MonthCorrectionInput!]!, $why: String!) {
  correctCreditRecord(recordId: $r, months: $m, reason: $why) { ${ACCOUNT} } }`;
const STATE = `mutation($t: String!, $r: ID, $p: ID) { addPersonalStatement(text: $t, recordId: $r, publicRecordId: $p) { id text recordId publicRecordId withdrawnAt } }`;
const WITHDRAW = `mutation($id: ID!) { withdrawPersonalStatement(id: $id) { id withdrawnAt } }`;
const NOTICES = `{ myNotices { kind recordId message effectiveAt } }`;

let t: TestApp;
let bank: Inst;
let otherBank: Inst;
let readerBank: Inst;
let b: BorrowerHandle;
let other: BorrowerHandle;
const acc: Record<string, string> = {};

/** Every reader's view of one account: the borrower's own and the consenting bank's. */
async function views(ref: string) {
  const own = ok(await t.gql(b.token, OWN)).myCreditProfile;
  const read = ok(await t.gql(readerBank.token, READ, { b: b.id })).creditProfile;
  return [own, read].map((p: any) => ({ profile: p, account: p.accounts.find((a: any) => a.accountRef === ref) }));
}

const marksOf = (accountId: string) =>
  rows<{
    month: string;
    from_status: string | null;
    to_status: string | null;
    source: string;
    dispute_id: string | null;
    institution_id: string | null;
    reason: string;
  }>(
    t.tdb.db.orm,
    sql`select month::text as month, from_status, to_status, source, dispute_id, institution_id, reason from correction_marks
        where account_id = ${accountId}::uuid order by corrected_at, month`,
  );

beforeAll(async () => {
  t = await app();
  bank = await institution(t, 'BANK');
  otherBank = await institution(t, 'BANK');
  readerBank = await institution(t, 'BANK');
  b = await borrower(t, bank);
  other = await borrower(t, bank);
  // C-1's history, reported month by month: a DPD_30 in 2025-10 (its prior notice ran out on 06-04), current since
  t.setNow('2026-05-20T02:00:00.000Z');
  const months = ['2025-10', '2025-11', '2025-12', '2026-01', '2026-02', '2026-03', '2026-04', '2026-05'];
  for (const [i, m] of months.entries()) {
    const r = await furnish(t, bank, [
      { borrowerId: b.id, accountRef: 'C-1', openedOn: '2025-09-01', statusMonth: `${m}-01`, status: i === 0 ? 'DPD_30' : 'CURRENT' },
    ]);
    acc['C-1'] = r.accounts[0].id;
  }
  t.setNow(NOW);
  const r = await furnish(t, bank, [
    { borrowerId: b.id, accountRef: 'C-1', openedOn: '2025-09-01', status: 'CURRENT' },
    { borrowerId: b.id, accountRef: 'C-2', openedOn: '2026-03-01', status: 'CURRENT' },
    { borrowerId: b.id, accountRef: 'C-3', openedOn: '2026-03-01', status: 'CURRENT' },
  ]);
  for (const a of r.accounts) acc[a.accountRef] = a.id;
  await consent(t, b, readerBank, 'LOAN_APPLICATION');
});

const story = steps();
const monthEightFiled = story(
  async () => ok(await t.gql(b.token, FILE, { r: acc['C-1'], why: '2025年10月我按时还款了，记录有误' })).fileDispute,
);
const monthEightCorrected = story(async () => {
  const d = await monthEightFiled();
  ok(
    await t.gql(bank.token, RESOLVE, {
      id: d.id,
      o: 'CORRECTED',
      n: '核实为系统错误，2025年10月已按时还款',
      c: { months: [{ month: '2025-10-15', status: 'CURRENT' }] },
    }),
  );
  return d;
});

describe('corrections that reach any month', () => {
  it('a dispute corrects month −8: statusHistory shows the new status, marked, to every reader', async () => {
    const before = (await views('C-1'))[1].account;
    expect(before.statusHistory[8]).toEqual({ month: '2025-10-01', status: 'DPD_30', corrected: false });
    const d = await monthEightCorrected();
    for (const { profile, account } of await views('C-1')) {
      expect(account.statusHistory[8]).toEqual({ month: '2025-10-01', status: 'CURRENT', corrected: true });
      expect(account.statusHistory.filter((m: any) => m.corrected)).toHaveLength(1);
      expect(account.paymentPattern).toBe('000000000');
      expect(account.corrections).toEqual([
        {
          month: '2025-10-01',
          from: 'DPD_30',
          to: 'CURRENT',
          source: 'DISPUTE',
          disputeId: d.id,
          reason: '核实为系统错误，2025年10月已按时还款',
        },
      ]);
      expect(account).toMatchObject({ status: 'CURRENT', disputed: false });
      // nothing adverse left in the 24 months
      expect([null, 'CURRENT']).toContain(profile.summary.worstStatus24Months);
    }
    expect(await marksOf(acc['C-1'])).toEqual([
      {
        month: '2025-10-01',
        from_status: 'DPD_30',
        to_status: 'CURRENT',
        source: 'DISPUTE',
        dispute_id: d.id,
        institution_id: bank.id,
        reason: '核实为系统错误，2025年10月已按时还款',
      },
    ]);
    const notice = ok(await t.gql(b.token, NOTICES)).myNotices.find((n: any) => n.kind === 'DISPUTE_RESOLVED');
    expect(notice).toMatchObject({ recordId: acc['C-1'], effectiveAt: NOW });
    expect(notice.message).toContain('已更正');
  });

  it('refuses, whole, a month outside the record’s life or its 24-month history', async () => {
    await monthEightCorrected();
    const tries: [unknown[], string][] = [
      [[{ month: '2025-08-01', status: 'CURRENT' }], 'months.0.month'], // before openedOn (2025-09)
      [[{ month: '2026-07-01', status: 'CURRENT' }], 'months.0.month'], // after the last reported month
      [[{ month: '2026-06-01', status: null }], 'months.0.status'], // the current month cannot be removed
      [
        [
          { month: '2026-01-01', status: 'DPD_60' },
          { month: '2026-01-20', status: 'CURRENT' },
        ],
        'months.1.month',
      ],
      [[{ month: '2026-02-01', status: 'CURRENT' }], 'months'], // changes nothing
      [[], 'months'],
    ];
    for (const [m, field] of tries) {
      const r = await t.gql(bank.token, CORRECT, { r: acc['C-1'], m, why: 'x' });
      expect(codeOf(r), JSON.stringify(m)).toBe('BAD_USER_INPUT');
      expect(r.errors![0].extensions!.field).toBe(field);
    }
    // a dispute's correction is checked by the same rules, and a field of another subject does not apply
    const d = ok(await t.gql(b.token, FILE, { r: acc['C-3'], why: '余额不对' })).fileDispute;
    for (const c of [{ months: [{ month: '2025-01-01', status: 'CURRENT' }] }, { identity: { county: '沽源县' } }, { status: 'PAID' }]) {
      expect(codeOf(await t.gql(bank.token, RESOLVE, { id: d.id, o: 'CORRECTED', n: 'x', c })), JSON.stringify(c)).toBe('BAD_USER_INPUT');
    }
    expect(codeOf(await t.gql(bank.token, RESOLVE, { id: d.id, o: 'UNVERIFIABLE', n: 'x', c: { status: 'CURRENT' } }))).toBe(
      'BAD_USER_INPUT',
    );
    ok(await t.gql(bank.token, RESOLVE, { id: d.id, o: 'VERIFIED', n: '余额核对无误' }));
    expect((await views('C-1'))[1].account.paymentPattern).toBe('000000000');
    expect(await marksOf(acc['C-1'])).toHaveLength(1);
  });

  it('the furnisher corrects its own past months through the same marked path', async () => {
    await monthEightCorrected();
    const r = ok(
      await t.gql(bank.token, CORRECT, {
        r: acc['C-1'],
        m: [
          { month: '2026-02-01', status: 'DPD_30' },
          { month: '2025-12-01', status: null },
        ],
        why: '补报2026年2月逾期；2025年12月误报',
      }),
    ).correctCreditRecord;
    expect(r.paymentPattern).toBe('000010-00');
    expect(r.corrections.filter((c: any) => c.source === 'FURNISHER')).toEqual([
      { month: '2025-12-01', from: 'CURRENT', to: null, source: 'FURNISHER', disputeId: null, reason: '补报2026年2月逾期；2025年12月误报' },
      {
        month: '2026-02-01',
        from: 'CURRENT',
        to: 'DPD_30',
        source: 'FURNISHER',
        disputeId: null,
        reason: '补报2026年2月逾期；2025年12月误报',
      },
    ]);
    // the account's prior notice was given (and ran out) with its first adverse report: the correction shows at once
    for (const { profile, account } of await views('C-1')) {
      expect(account.statusHistory.filter((m: any) => m.corrected).map((m: any) => [m.month, m.status])).toEqual([
        ['2026-02-01', 'DPD_30'],
        ['2025-12-01', null],
        ['2025-10-01', 'CURRENT'],
      ]);
      expect(profile.summary.worstStatus24Months).toBe('DPD_30');
    }
    const marks = await marksOf(acc['C-1']);
    expect(marks.filter((m) => m.source === 'FURNISHER').every((m) => m.institution_id === bank.id && m.dispute_id === null)).toBe(true);
  });

  it('a correction giving a record its first adverse month waits out the prior notice', async () => {
    const r = ok(
      await t.gql(bank.token, CORRECT, { r: acc['C-2'], m: [{ month: '2026-04-01', status: 'DPD_60' }], why: '补报4月逾期' }),
    ).correctCreditRecord;
    expect(r.paymentPattern).toBe('0-2');
    const notice = ok(await t.gql(b.token, NOTICES)).myNotices.find(
      (n: any) => n.kind === 'ADVERSE_INFORMATION' && n.recordId === acc['C-2'],
    );
    expect(notice.effectiveAt).toBe('2026-06-30T02:00:00.000Z');
    // readers see the record as it was until the notice takes effect
    const held = (await views('C-2'))[1].account;
    expect(held.statusHistory.find((m: any) => m.month === '2026-04-01').status).toBeNull();
    try {
      t.setNow('2026-06-30T02:00:00.001Z');
      const shown = (await views('C-2'))[1].account;
      expect(shown.statusHistory.find((m: any) => m.month === '2026-04-01')).toEqual({
        month: '2026-04-01',
        status: 'DPD_60',
        corrected: true,
      });
    } finally {
      t.setNow(NOW);
    }
  });

  it('PROGRAMME records are kept by the lifecycle: correcting one by hand is FORBIDDEN', async () => {
    const p = await furnish(t, bank, [{ borrowerId: b.id, accountRef: 'P-1', openedOn: '2026-03-01', status: 'CURRENT' }]);
    // setup: as if the programme's lifecycle kept it
    await t.tdb.db.orm.execute(sql`update credit_accounts set source = 'PROGRAMME' where id = ${p.accounts[0].id}::uuid`);
    const r = await t.gql(bank.token, CORRECT, { r: p.accounts[0].id, m: [{ month: '2026-04-01', status: 'CURRENT' }], why: 'x' });
    expect(codeOf(r)).toBe('FORBIDDEN');
    expect(await marksOf(p.accounts[0].id)).toEqual([]);
  });

  it('a stranger institution cannot resolve or correct: NOT_FOUND, as for a record that does not exist', async () => {
    const d = ok(await t.gql(b.token, FILE, { r: acc['C-1'], why: '再次异议' })).fileDispute;
    const m = [{ month: '2026-03-01', status: 'DPD_90' }];
    expect(codeOf(await t.gql(otherBank.token, RESOLVE, { id: d.id, o: 'DELETED', n: 'x' }))).toBe('NOT_FOUND');
    expect(codeOf(await t.gql(readerBank.token, RESOLVE, { id: d.id, o: 'VERIFIED', n: 'x' }))).toBe('NOT_FOUND');
    expect(codeOf(await t.gql(otherBank.token, CORRECT, { r: acc['C-1'], m, why: 'x' }))).toBe('NOT_FOUND');
    expect(codeOf(await t.gql(readerBank.token, CORRECT, { r: acc['C-1'], m, why: 'x' }))).toBe('NOT_FOUND');
    expect(codeOf(await t.gql(otherBank.token, CORRECT, { r: '00000000-0000-4000-8000-000000000000', m, why: 'x' }))).toBe('NOT_FOUND');
    expect(codeOf(await t.gql(b.token, CORRECT, { r: acc['C-1'], m, why: 'x' }))).toBe('FORBIDDEN');
    expect(codeOf(await t.gql(await adminToken(t), RESOLVE, { id: d.id, o: 'VERIFIED', n: 'x' }))).toBe('NOT_FOUND');
    expect((await views('C-1'))[0].account.statusHistory.find((x: any) => x.month === '2026-03-01').status).toBe('CURRENT');
    ok(await t.gql(bank.token, RESOLVE, { id: d.id, o: 'VERIFIED', n: '核实无误' }));
  });

  it('UNVERIFIABLE changes nothing and shows the objection to every reader', async () => {
    const d = ok(await t.gql(b.token, FILE, { r: acc['C-3'], why: '这笔贷款我从未申请过' })).fileDispute;
    const r = ok(await t.gql(bank.token, RESOLVE, { id: d.id, o: 'UNVERIFIABLE', n: '原始合同已灭失，无法核实' })).resolveDispute;
    expect(r).toMatchObject({ status: 'RESOLVED', outcome: 'UNVERIFIABLE' });
    for (const { account } of await views('C-3')) {
      expect(account).toMatchObject({
        status: 'CURRENT',
        paymentPattern: '0',
        disputed: false,
        corrections: [],
        objection: { disputeId: d.id, statement: '这笔贷款我从未申请过', checkNote: '原始合同已灭失，无法核实' },
      });
    }
    const notice = ok(await t.gql(b.token, NOTICES)).myNotices.find(
      (n: any) => n.kind === 'DISPUTE_RESOLVED' && n.message.includes('无法核实'),
    );
    expect(notice).toMatchObject({ recordId: acc['C-3'] });
  });

  it('a personal statement on a record or on the whole file appears to every reader, until withdrawn', async () => {
    const onRecord = ok(await t.gql(b.token, STATE, { t: '  2026年2月因洪灾延误还款，已补缴。  ', r: acc['C-1'] })).addPersonalStatement;
    expect(onRecord).toMatchObject({
      text: '2026年2月因洪灾延误还款，已补缴。',
      recordId: acc['C-1'],
      publicRecordId: null,
      withdrawnAt: null,
    });
    const onFile = ok(await t.gql(b.token, STATE, { t: '本人从未委托他人办理贷款。' })).addPersonalStatement;
    expect(onFile).toMatchObject({ recordId: null, publicRecordId: null });
    for (const { profile, account } of await views('C-1')) {
      expect(account.statements).toEqual([{ id: onRecord.id, text: '2026年2月因洪灾延误还款，已补缴。', recordId: acc['C-1'] }]);
      expect(profile.statements).toEqual([{ id: onFile.id, text: '本人从未委托他人办理贷款。' }]);
    }
    expect(codeOf(await t.gql(other.token, WITHDRAW, { id: onFile.id }))).toBe('NOT_FOUND');
    expect(ok(await t.gql(b.token, WITHDRAW, { id: onFile.id })).withdrawPersonalStatement.withdrawnAt).toBe(NOW);
    expect(codeOf(await t.gql(b.token, WITHDRAW, { id: onFile.id }))).toBe('CONFLICT');
    for (const { profile } of await views('C-1')) expect(profile.statements).toEqual([]);
  });

  it('a statement is at most 500 characters, on the borrower’s own records only', async () => {
    const tries: [BorrowerHandle | Inst, Record<string, unknown>, string][] = [
      [b, { t: '声'.repeat(501) }, 'BAD_USER_INPUT'],
      [b, { t: '   ' }, 'BAD_USER_INPUT'],
      [b, { t: 'x', r: acc['C-1'], p: '00000000-0000-4000-8000-000000000000' }, 'BAD_USER_INPUT'],
      [other, { t: '不是我的', r: acc['C-1'] }, 'NOT_FOUND'],
      [b, { t: 'x', r: '00000000-0000-4000-8000-000000000000' }, 'NOT_FOUND'],
      [b, { t: 'x', p: '00000000-0000-4000-8000-000000000000' }, 'NOT_FOUND'],
      [bank, { t: 'x' }, 'FORBIDDEN'],
    ];
    for (const [who, v, code] of tries) expect(codeOf(await t.gql(who.token, STATE, v)), JSON.stringify(v).slice(0, 80)).toBe(code);
    const full = ok(await t.gql(other.token, STATE, { t: ` ${'声'.repeat(500)} ` })).addPersonalStatement;
    expect(full.text).toHaveLength(500);
  });

  it('keeps at most 20 statements in force per borrower', async () => {
    const c = await borrower(t, bank);
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) ids.push(ok(await t.gql(c.token, STATE, { t: `声明 ${i}` })).addPersonalStatement.id);
    expect(codeOf(await t.gql(c.token, STATE, { t: '第21条' }))).toBe('CONFLICT');
    ok(await t.gql(c.token, WITHDRAW, { id: ids[0] }));
    ok(await t.gql(c.token, STATE, { t: '第21条' }));
  });
});

describe('disputes of an inquiry and of the identity data', () => {
  it('an unauthorised inquiry is answered by its institution; DELETED takes it out of the profile and the counts', async () => {
    const c = await borrower(t, bank);
    await consent(t, c, readerBank, 'LOAN_APPLICATION');
    ok(await t.gql(readerBank.token, READ, { b: c.id }));
    ok(await t.gql(c.token, OWN)); // an own read: a SELF_ACCESS inquiry the next read lists
    let own = ok(await t.gql(c.token, OWN)).myCreditProfile;
    const hard = own.inquiries.find((q: any) => q.institution?.id === readerBank.id);
    expect(hard).toMatchObject({ purpose: 'LOAN_APPLICATION', kind: 'HARD', disputed: false });
    expect(own.summary.hardInquiriesLast6Months).toBe(1);
    // the borrower's own reads are not disputable
    const self = own.inquiries.find((q: any) => q.purpose === 'SELF_ACCESS');
    expect(codeOf(await t.gql(c.token, FILE, { q: self.id, why: '不是我' }))).toBe('BAD_USER_INPUT');
    expect(codeOf(await t.gql(b.token, FILE, { q: hard.id, why: '不是我的' }))).toBe('NOT_FOUND');

    const d = ok(await t.gql(c.token, FILE, { q: hard.id, why: '我从未向该行申请贷款' })).fileDispute;
    expect(d).toMatchObject({ subject: 'INQUIRY', status: 'OPEN', furnisher: { id: readerBank.id } });
    own = ok(await t.gql(c.token, OWN)).myCreditProfile;
    expect(own.inquiries.find((q: any) => q.id === hard.id).disputed).toBe(true);
    const toAnswer = ok(
      await t.gql(readerBank.token, `{ disputesToAnswer(status: OPEN) { id subject inquiryId reason } }`),
    ).disputesToAnswer;
    expect(toAnswer).toContainEqual({ id: d.id, subject: 'INQUIRY', inquiryId: hard.id, reason: '我从未向该行申请贷款' });
    expect(codeOf(await t.gql(bank.token, RESOLVE, { id: d.id, o: 'DELETED', n: 'x' }))).toBe('NOT_FOUND');
    expect(codeOf(await t.gql(readerBank.token, RESOLVE, { id: d.id, o: 'CORRECTED', n: 'x', c: { status: 'CURRENT' } }))).toBe(
      'BAD_USER_INPUT',
    );
    ok(await t.gql(readerBank.token, RESOLVE, { id: d.id, o: 'DELETED', n: '授权书签字不符，查询记录删除' }));

    own = ok(await t.gql(c.token, OWN)).myCreditProfile;
    expect(own.inquiries.map((q: any) => q.id)).not.toContain(hard.id);
    expect(own.summary.hardInquiriesLast6Months).toBe(0);
    const rows2 = await rows<{ deleted: boolean }>(
      t.tdb.db.orm,
      sql`select deleted_at is not null as deleted from inquiries where id = ${hard.id}::uuid`,
    );
    expect(rows2).toEqual([{ deleted: true }]);
  });

  it('identity data is disputed to the platform, and the ADMIN corrects it', async () => {
    const c = await borrower(t, bank, { county: '张北县', sector: 'breeding' });
    const admin = await adminToken(t);
    const d = ok(await t.gql(c.token, FILE, { i: true, why: '县名登记错误，应为沽源县' })).fileDispute;
    expect(d).toMatchObject({ subject: 'IDENTITY', status: 'OPEN', furnisher: null });
    expect(codeOf(await t.gql(c.token, FILE, { i: true, why: 'again' }))).toBe('CONFLICT');
    expect(codeOf(await t.gql(c.token, FILE, { why: 'no subject' }))).toBe('BAD_USER_INPUT');
    expect(codeOf(await t.gql(c.token, FILE, { i: true, r: acc['C-1'], why: 'two subjects' }))).toBe('BAD_USER_INPUT');

    const list = ok(await t.gql(admin, `{ disputesToAnswer(status: OPEN) { id subject reason furnisher { id } } }`)).disputesToAnswer;
    expect(list).toContainEqual({ id: d.id, subject: 'IDENTITY', reason: '县名登记错误，应为沽源县', furnisher: null });
    expect(ok(await t.gql(bank.token, `{ disputesToAnswer { id } }`)).disputesToAnswer.map((x: any) => x.id)).not.toContain(d.id);
    expect(codeOf(await t.gql(bank.token, RESOLVE, { id: d.id, o: 'VERIFIED', n: 'x' }))).toBe('NOT_FOUND');
    expect(codeOf(await t.gql(admin, RESOLVE, { id: d.id, o: 'DELETED', n: 'x' }))).toBe('BAD_USER_INPUT');
    expect(codeOf(await t.gql(admin, RESOLVE, { id: d.id, o: 'CORRECTED', n: 'x', c: { months: [{ month: '2026-01-01' }] } }))).toBe(
      'BAD_USER_INPUT',
    );

    ok(
      await t.gql(admin, RESOLVE, {
        id: d.id,
        o: 'CORRECTED',
        n: '核对户籍资料后更正',
        c: { identity: { county: '沽源县', sector: 'breeding' } },
      }),
    );
    const own = ok(await t.gql(c.token, OWN)).myCreditProfile;
    expect(own.borrower).toMatchObject({ county: '沽源县', sector: 'breeding' });
    const [kept] = await rows<{ correction: unknown }>(t.tdb.db.orm, sql`select correction from disputes where id = ${d.id}::uuid`);
    expect(kept.correction).toEqual({ identity: { from: { county: '张北县' }, to: { county: '沽源县' } } });
    const notice = ok(await t.gql(c.token, NOTICES)).myNotices.find((n: any) => n.kind === 'DISPUTE_RESOLVED');
    expect(notice.message).toContain('身份信息');
  });
});
