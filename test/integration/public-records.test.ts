import { beforeAll, describe, expect, it } from 'vitest';
import {
  allowFurnishing,
  borrowerToken,
  consent,
  FURNISH,
  institution,
  nationalId,
  record,
  type BorrowerHandle,
  type Inst,
} from '../factories.js';
import { codeOf, ok, useTestApp, type TestApp } from '../helpers/app.js';

/**
 * Public records (公共信息) come only from their source: a court, the tax bureau or the market
 * regulator, through a DATA_SOURCE token, within its remit. They are matched to borrowers by
 * the national id, shown in every profile with their provenance under each kind's retention
 * rule, and an ACTIVE dishonest-debtor listing makes the quote ineligible.
 * The clock stands at 2026-06-15 (business date), so 5 years before is 2021-06-15.
 */
const app = useTestApp();
let t: TestApp;
let bank: Inst;
let insurer: Inst;
let court: Inst;

const FIELDS = `id kind authority { id kind name authority } authorityKind caseNumber title subjectName amount grade
  decidedOn effectiveOn endedOn status shownUntil disputed objection { disputeId } statements { id } recordedAt updatedAt`;
const FURNISH_PR = `mutation($r: [PublicRecordInput!]!) { furnishPublicRecords(records: $r) { ${FIELDS} } }`;
const FURNISHED = `query($first: Int, $after: String) { furnishedPublicRecords(first: $first, after: $after) {
  nodes { id caseNumber status shownUntil } pageInfo { hasNextPage endCursor } } }`;
const OWN_PROFILE = `{ myCreditProfile { publicRecords { ${FIELDS} } summary { publicRecords activePublicRecords } } }`;
const BANK_PROFILE = `query($b: ID!) { creditProfile(borrowerId: $b, purpose: LOAN_APPLICATION) { publicRecords { ${FIELDS} } } }`;
const QUOTE = `query($i: QuoteInput!) { quote(input: $i) { eligible reasons { code } } }`;

let seq = 0;
const caseNo = (prefix: string) => `(2026)冀07${prefix}${process.pid}${++seq}号`;

interface Subject extends BorrowerHandle {
  nationalId: string;
  name: string;
}

/** A borrower on file whose national id the test knows (the authorities furnish by it). */
async function subject(id = nationalId(), name = `公共记录测试${++seq}`): Promise<Subject> {
  const r = ok(
    await t.gql(bank.token, `mutation($i: RegisterBorrowerInput!) { registerBorrower(input: $i) { borrowerId } }`, {
      i: { name, nationalId: id, category: 'RURAL_HOUSEHOLD', county: '张北县', sector: 'breeding', registeredOn: '2025-03-01' },
    }),
  );
  const borrowerId = r.registerBorrower.borrowerId as string;
  return { id: borrowerId, token: await borrowerToken(t, borrowerId), nationalId: id, name };
}

function listing(s: { nationalId: string; name: string }, extra: Record<string, unknown> = {}) {
  return {
    nationalId: s.nationalId,
    subjectName: s.name,
    kind: 'DISHONEST_DEBTOR',
    caseNumber: caseNo('执'),
    title: '失信被执行人: 未履行生效判决 (拒不履行)',
    amount: '86000.00',
    decidedOn: '2026-03-02',
    effectiveOn: '2026-03-05',
    status: 'ACTIVE',
    ...extra,
  };
}

const furnishAs = async (inst: Inst, records: object[]) => ok(await t.gql(inst.token, FURNISH_PR, { r: records })).furnishPublicRecords;
const ownRecords = async (s: BorrowerHandle) => ok(await t.gql(s.token, OWN_PROFILE)).myCreditProfile;

beforeAll(async () => {
  t = await app();
  bank = await institution(t, 'BANK');
  insurer = await institution(t, 'INSURER');
  court = await institution(t, 'DATA_SOURCE', undefined, 'COURT');
});

describe('who may furnish a public record', () => {
  it('a BANK or INSURER gets FORBIDDEN, through furnishPublicRecords and through furnishCreditRecords (COURT_LISTING); nothing is written', async () => {
    const s = await subject();
    for (const inst of [bank, insurer]) {
      const r = await t.gql(inst.token, FURNISH_PR, { r: [listing(s)] });
      expect(codeOf(r)).toBe('FORBIDDEN');
      expect(r.data).toBeNull();
      // even with the borrower's FURNISHING consent, a court listing is no account status an institution may set
      await allowFurnishing(t, s.id, inst);
      const legacy = await t.gql(inst.token, FURNISH, { r: [record({ borrowerId: s.id, kind: 'COURT_LISTING', status: 'CURRENT' })] });
      expect(codeOf(legacy)).toBe('FORBIDDEN');
    }
    const p = await ownRecords(s);
    expect(p.publicRecords).toEqual([]);
    expect(p.summary).toMatchObject({ publicRecords: 0, activePublicRecords: 0 });
    // the bank and insurer may not page an authority's records either
    for (const inst of [bank, insurer]) expect(codeOf(await t.gql(inst.token, FURNISHED, {}))).toBe('FORBIDDEN');
  });

  it('the tax bureau listing a dishonest debtor is out of its remit: FORBIDDEN for the whole call, nothing written', async () => {
    const tax = await institution(t, 'DATA_SOURCE', undefined, 'TAX_BUREAU');
    const s = await subject();
    const arrears = { ...listing(s), kind: 'TAX_ARREARS', caseNumber: caseNo('税'), title: '欠缴增值税' };
    const r = await t.gql(tax.token, FURNISH_PR, { r: [arrears, listing(s)] });
    expect(codeOf(r)).toBe('FORBIDDEN');
    expect(r.errors![0].message).toMatch(/TAX_BUREAU may not furnish DISHONEST_DEBTOR/);
    expect(ok(await t.gql(tax.token, FURNISHED, {})).furnishedPublicRecords.nodes).toEqual([]);
    expect((await ownRecords(s)).publicRecords).toEqual([]);
    // within its remit it may
    const [saved] = await furnishAs(tax, [arrears]);
    expect(saved).toMatchObject({ kind: 'TAX_ARREARS', authorityKind: 'TAX_BUREAU', status: 'ACTIVE' });
  });

  it('one bad record rejects the call, naming the first and listing every problem', async () => {
    const tax = await institution(t, 'DATA_SOURCE', undefined, 'TAX_BUREAU');
    const s = await subject();
    const base = { ...listing(s), kind: 'TAX_ARREARS', title: '欠缴增值税' };
    const r = await t.gql(tax.token, FURNISH_PR, {
      r: [
        { ...base, caseNumber: caseNo('税') },
        { ...base, caseNumber: caseNo('税'), kind: 'TAX_CREDIT_GRADE', grade: 'E', amount: null },
        { ...base, caseNumber: caseNo('税'), status: 'EXECUTED' },
        { ...base, caseNumber: caseNo('税'), nationalId: '000000000000000000' }, // passes GB 32100's check, names nothing
        { ...base, caseNumber: caseNo('税'), nationalId: '130722199001011234' },
      ],
    });
    expect(codeOf(r)).toBe('BAD_USER_INPUT');
    expect(r.errors![0].extensions!.recordIndex).toBe(1);
    expect(r.errors![0].extensions!.problems).toEqual([
      { index: 1, field: 'grade', reason: 'must be one of A, B, M, C, D' },
      { index: 2, field: 'endedOn', reason: 'is required unless the record is ACTIVE (the retention clock starts then)' },
      { index: 3, field: 'nationalId', reason: 'names no real division, authority or birth date' },
      { index: 4, field: 'nationalId', reason: 'is not a valid resident identity number or unified social credit code' },
    ]);
    expect(ok(await t.gql(tax.token, FURNISHED, {})).furnishedPublicRecords.nodes).toEqual([]);
    expect(codeOf(await t.gql(tax.token, FURNISH_PR, { r: Array.from({ length: 501 }, () => base) }))).toBe('BAD_USER_INPUT');
  });
});

describe('a public record in the profile', () => {
  it('a court furnishes a listing: the borrower and a consenting bank see it with its provenance', async () => {
    const s = await subject();
    await consent(t, s, bank);
    const [saved] = await furnishAs(court, [listing(s, { caseNumber: '(2026)冀07执恢1号' })]);
    const expected = {
      id: saved.id,
      kind: 'DISHONEST_DEBTOR',
      authority: { id: court.id, kind: 'DATA_SOURCE', name: `Test DATA_SOURCE ${court.id}`, authority: 'COURT' },
      authorityKind: 'COURT',
      caseNumber: '(2026)冀07执恢1号',
      title: '失信被执行人: 未履行生效判决 (拒不履行)',
      subjectName: s.name,
      amount: '86000.00',
      grade: null,
      decidedOn: '2026-03-02',
      effectiveOn: '2026-03-05',
      endedOn: null,
      status: 'ACTIVE',
      shownUntil: null,
      disputed: false,
      objection: null,
      statements: [],
      recordedAt: t.now.toISOString(),
      updatedAt: t.now.toISOString(),
    };
    expect(saved).toEqual(expected);
    const own = await ownRecords(s);
    expect(own.publicRecords).toEqual([expected]);
    expect(own.summary).toEqual({ publicRecords: 1, activePublicRecords: 1 });
    expect(ok(await t.gql(bank.token, BANK_PROFILE, { b: s.id })).creditProfile.publicRecords).toEqual([expected]);
  });

  it('a record furnished before the borrower registers attaches when they do; the answer was the same as for one on file', async () => {
    const onFile = await subject();
    const later = { nationalId: nationalId(), name: '尚未登记的借款人' };
    const [a] = await furnishAs(court, [listing(onFile)]);
    const [b] = await furnishAs(court, [listing(later)]);
    const shape = (x: Record<string, unknown>) => ({ ...x, id: null, caseNumber: null, subjectName: null });
    expect(shape(b)).toEqual(shape(a));
    const s = await subject(later.nationalId, later.name);
    const own = await ownRecords(s);
    expect(own.publicRecords.map((r: { id: string }) => r.id)).toEqual([b.id]);
    // another borrower's records never show
    expect((await ownRecords(onFile)).publicRecords.map((r: { id: string }) => r.id)).toEqual([a.id]);
  });

  it('EXECUTED shows until 5 years after it ended (both sides of the day), REVOKED never; re-furnishing a case updates it', async () => {
    const s = await subject();
    const judgment = {
      ...listing(s),
      kind: 'COURT_JUDGMENT',
      title: '民间借贷纠纷一审判决',
      decidedOn: '2020-03-01',
      effectiveOn: '2020-03-20',
    };
    const [recent, old, revoked, active] = await furnishAs(court, [
      { ...judgment, caseNumber: caseNo('民初'), status: 'EXECUTED', endedOn: '2021-06-16' },
      { ...judgment, caseNumber: caseNo('民初'), status: 'EXECUTED', endedOn: '2021-06-15' },
      {
        ...judgment,
        caseNumber: caseNo('执'),
        kind: 'COURT_ENFORCEMENT',
        status: 'REVOKED',
        decidedOn: '2025-01-01',
        endedOn: '2025-02-01',
      },
      {
        ...judgment,
        caseNumber: caseNo('执'),
        kind: 'COURT_ENFORCEMENT',
        status: 'ACTIVE',
        decidedOn: '2025-09-01',
        effectiveOn: '2025-09-01',
      },
    ]);
    expect([recent.shownUntil, old.shownUntil, revoked.shownUntil, active.shownUntil]).toEqual([
      '2026-06-15',
      '2026-06-14',
      '2025-01-31',
      null,
    ]);
    const ids = async () => (await ownRecords(s)).publicRecords.map((r: { id: string }) => r.id);
    // in force first, then newest; the one that ended 5 years ago today and the revoked one are not shown
    expect(await ids()).toEqual([active.id, recent.id]);
    const today = t.now;
    t.setNow(new Date(today.getTime() + 86_400_000));
    try {
      expect(await ids()).toEqual([active.id]);
    } finally {
      t.setNow(today);
    }

    // the court reports the enforcement performed: the same record, its retention clock started
    const [executed] = await furnishAs(court, [
      {
        ...judgment,
        caseNumber: active.caseNumber,
        kind: 'COURT_ENFORCEMENT',
        status: 'EXECUTED',
        decidedOn: '2025-09-01',
        effectiveOn: '2025-09-01',
        endedOn: '2026-06-15',
      },
    ]);
    expect(executed).toMatchObject({
      id: active.id,
      status: 'EXECUTED',
      endedOn: '2026-06-15',
      shownUntil: '2031-06-14',
      recordedAt: active.recordedAt,
    });
    expect((await ownRecords(s)).publicRecords.map((r: { status: string }) => r.status)).toEqual(['EXECUTED', 'EXECUTED']);
    // …then annuls it: gone from the profile, still in the authority's own list
    await furnishAs(court, [
      {
        ...judgment,
        caseNumber: active.caseNumber,
        kind: 'COURT_ENFORCEMENT',
        status: 'REVOKED',
        decidedOn: '2025-09-01',
        effectiveOn: '2025-09-01',
        endedOn: '2026-06-15',
      },
    ]);
    expect(await ids()).toEqual([recent.id]);
    const mine = ok(await t.gql(court.token, FURNISHED, { first: 200 })).furnishedPublicRecords.nodes;
    expect(mine.find((r: { id: string }) => r.id === active.id)).toMatchObject({ status: 'REVOKED' });
  });

  it('of the tax credit grades, only the newest from the bureau shows, for 5 years after it was decided', async () => {
    const tax = await institution(t, 'DATA_SOURCE', undefined, 'TAX_BUREAU');
    const s = await subject();
    const grade = (g: string, decidedOn: string) => ({
      ...listing(s),
      kind: 'TAX_CREDIT_GRADE',
      caseNumber: caseNo('评'),
      title: `${decidedOn.slice(0, 4)} 年度纳税信用等级`,
      amount: null,
      grade: g,
      decidedOn,
      effectiveOn: decidedOn,
    });
    const [, newest] = await furnishAs(tax, [grade('B', '2024-04-20'), grade('A', '2025-04-20')]);
    expect(newest.shownUntil).toBe('2030-04-19');
    expect((await ownRecords(s)).publicRecords.map((r: { id: string; grade: string }) => [r.id, r.grade])).toEqual([[newest.id, 'A']]);
  });

  it('the authority pages through its own records, newest first', async () => {
    const own = await institution(t, 'DATA_SOURCE', undefined, 'MARKET_REGULATOR');
    const s = await subject();
    const penalty = (n: number) => ({
      ...listing(s),
      kind: 'ADMINISTRATIVE_PENALTY',
      caseNumber: `张市监罚〔2026〕${n}号`,
      title: '未按规定公示年度报告',
    });
    const start = t.now;
    await furnishAs(own, [penalty(1)]);
    t.setNow(new Date(start.getTime() + 1000));
    try {
      await furnishAs(own, [penalty(2), penalty(3)]);
    } finally {
      t.setNow(start);
    }
    const first = ok(await t.gql(own.token, FURNISHED, { first: 2 })).furnishedPublicRecords;
    expect(first.pageInfo.hasNextPage).toBe(true);
    const rest = ok(await t.gql(own.token, FURNISHED, { first: 2, after: first.pageInfo.endCursor })).furnishedPublicRecords;
    expect(rest.pageInfo).toEqual({ hasNextPage: false, endCursor: expect.any(String) });
    const seen = [...first.nodes, ...rest.nodes].map((r: { caseNumber: string }) => r.caseNumber);
    expect(seen).toHaveLength(3);
    expect(seen[2]).toBe('张市监罚〔2026〕1号');
    // nobody else's records: the court sees none of these
    const courts = ok(await t.gql(court.token, FURNISHED, { first: 200 })).furnishedPublicRecords.nodes;
    expect(courts.some((r: { caseNumber: string }) => r.caseNumber.startsWith('张市监罚'))).toBe(false);
    expect(codeOf(await t.gql(own.token, FURNISHED, { after: 'bm90LWEtY3Vyc29y' }))).toBe('BAD_USER_INPUT');
  });
});

describe('eligibility rests on the court, not on an account status', () => {
  it('an ACTIVE dishonest-debtor listing makes the quote ineligible; once performed it no longer does', async () => {
    const s = await subject();
    await consent(t, s, bank);
    const quote = async () =>
      ok(await t.gql(bank.token, QUOTE, { i: { borrowerId: s.id, amount: '50000.00', termYears: 1, interestRate: '0.05' } })).quote;
    expect(await quote()).toMatchObject({ eligible: true, reasons: [] });
    const [listed] = await furnishAs(court, [listing(s)]);
    const q = await quote();
    expect(q.eligible).toBe(false);
    expect(q.reasons.map((r: { code: string }) => r.code)).toEqual(['DISHONEST_DEBTOR_LISTED']);
    // the borrower's own quote says the same
    const own = ok(await t.gql(s.token, QUOTE, { i: { amount: '50000.00', termYears: 1, interestRate: '0.05' } })).quote;
    expect(own.reasons.map((r: { code: string }) => r.code)).toEqual(['DISHONEST_DEBTOR_LISTED']);
    // the court takes the debtor off the list (performed): still shown, but no longer a listing
    await furnishAs(court, [listing(s, { caseNumber: listed.caseNumber, status: 'EXECUTED', endedOn: '2026-06-15' })]);
    expect(await quote()).toMatchObject({ eligible: true, reasons: [] });
  });
});
