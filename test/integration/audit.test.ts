import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { borrower, consent, institution, type BorrowerHandle, type Inst } from '../factories.js';
import { codeOf, ok, useTestApp, type TestApp } from '../helpers/app.js';
import { once } from '../helpers/steps.js';

const app = useTestApp();
let t: TestApp;
let bank: Inst;
let b: BorrowerHandle;
let admin: string;

beforeAll(async () => {
  t = await app();
  admin = await t.token({ sub: 'auditor-7', role: 'ADMIN' });
  bank = await institution(t, 'BANK');
  b = await borrower(t, bank);
  await consent(t, b, bank);
  for (let i = 0; i < 3; i++)
    await t.gql(bank.token, `query($b: ID!) { creditProfile(borrowerId: $b, purpose: LOAN_APPLICATION) { borrower { id } } }`, { b: b.id });
});

const TRAIL = `query($f: AuditFilter, $n: Int, $a: String) {
  auditTrail(filter: $f, first: $n, after: $a) {
    entries { id at actorUserId actorRole actorInstitutionId action targetType targetId borrowerId detail requestId }
    pageInfo { hasNextPage endCursor }
  }
}`;

/** The admin's first read of the trail: reading it is itself recorded, which a later test checks (test/helpers/steps.ts). */
const profileReadsInTrail = once(
  async () => ok(await t.gql(admin, TRAIL, { f: { borrowerId: b.id, action: 'credit.profile.read' } })).auditTrail,
);

describe('auditTrail', () => {
  it('shows who read whose profile, when and why', async () => {
    const r = await profileReadsInTrail();
    expect(r.entries).toHaveLength(3);
    expect(r.entries[0]).toMatchObject({
      actorRole: 'BANK',
      actorInstitutionId: bank.id,
      actorUserId: `${bank.id}-user`,
      borrowerId: b.id,
      targetType: 'borrower',
    });
    expect(r.entries[0].detail).toMatchObject({ purpose: 'LOAN_APPLICATION' });
    expect(r.entries[0].requestId).toBeTruthy();
  });

  it('records state changes with the acting borrower', async () => {
    const r = ok(await t.gql(admin, TRAIL, { f: { action: 'consent.granted', borrowerId: b.id } })).auditTrail;
    expect(r.entries[0]).toMatchObject({ actorRole: 'BORROWER', borrowerId: b.id, targetType: 'consent' });
  });

  it('pages newest first by cursor', async () => {
    const p1 = ok(await t.gql(admin, TRAIL, { n: 2 })).auditTrail;
    const p2 = ok(await t.gql(admin, TRAIL, { n: 2, a: p1.pageInfo.endCursor })).auditTrail;
    expect(p1.pageInfo.hasNextPage).toBe(true);
    expect(Number(p1.entries[1].id)).toBeGreaterThan(Number(p2.entries[0].id));
    expect(codeOf(await t.gql(admin, TRAIL, { a: 'not-a-cursor' }))).toBe('BAD_USER_INPUT');
    expect(codeOf(await t.gql(admin, TRAIL, { n: 0 }))).toBe('BAD_USER_INPUT');
  });

  it('filters by time window and acting institution', async () => {
    const none = ok(await t.gql(admin, TRAIL, { f: { to: '2000-01-01T00:00:00Z' } })).auditTrail;
    expect(none.entries).toEqual([]);
    const byInst = ok(await t.gql(admin, TRAIL, { f: { institutionId: bank.id }, n: 100 })).auditTrail;
    expect(byInst.entries.every((e: any) => e.actorInstitutionId === bank.id)).toBe(true);
  });

  it('records that the trail itself was read', async () => {
    await profileReadsInTrail();
    const r = ok(await t.gql(admin, TRAIL, { f: { action: 'audit.read', actorUserId: 'auditor-7' } })).auditTrail;
    expect(r.entries.length).toBeGreaterThan(0);
  });

  it('is append-only in the database itself', async () => {
    await expect(t.tdb.db.orm.execute(sql`update audit_log set action = 'x'`)).rejects.toThrow();
    await expect(t.tdb.db.orm.execute(sql`delete from audit_log`)).rejects.toThrow();
    await expect(t.tdb.db.orm.execute(sql`truncate audit_log`)).rejects.toThrow();
  });
});
