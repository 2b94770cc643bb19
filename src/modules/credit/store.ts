import { and, asc, eq, gt, inArray, sql, type SQL } from 'drizzle-orm';
import { rows, type Database, type Executor } from '../../db/client.js';
import { borrowers, creditAccounts, institutionCustomers } from '../../db/schema/index.js';
import type { AccountKind, AccountStatus, ConsentPurpose } from '../../domain.js';

/** A furnished account as the profile returns it (dates as strings, money as decimal strings). */
export interface AccountView {
  id: string;
  accountRef: string;
  kind: AccountKind;
  institutionId: string;
  furnisher?: { id: string; kind: string; name: string };
  originalAmount: string;
  balance: string;
  openedOn: string;
  closedOn: string | null;
  status: AccountStatus;
  statusMonth: string;
  paymentHistory: string;
  dispute: { id: string; status: string; filedAt: string; dueAt: string } | null;
}

export interface BorrowerView {
  id: string;
  name: string;
  category: string;
  county: string;
  sector: string;
  registeredOn: string;
  nationalIdMasked: string;
}

export interface InquiryView {
  institution: { id: string; kind: string; name: string };
  purpose: ConsentPurpose;
  inquiredAt: string;
  userId: string | null;
}

export interface ProfileRow {
  inquiry_id: string | null;
  allowed: boolean;
  borrower: BorrowerView | null;
  accounts: AccountView[] | null;
  inquiries: InquiryView[] | null;
  inquiries_6m: number;
}

/** JSON instants carry their offset (ISO 8601); the DateTime scalar normalises them to UTC. */
const iso = (col: ReturnType<typeof sql>) => sql`to_json(${col})`;

export interface ProfileRead {
  borrowerId: string;
  now: Date;
  /** Adverse accounts that closed on or before this date are past retention. */
  retentionCutoff: string;
  inquiryWindowStart: Date;
  inquiryHistoryStart: Date;
  negativeStatuses: readonly string[];
  audit: { requestId: string; userId: string; role: string; institutionId: string | null; borrowerActorId: string | null };
  /** Institution read: consent check and inquiry insert folded into the same statement. */
  institutionRead?: { institutionId: string; purpose: ConsentPurpose };
}

/**
 * The whole profile in one statement: the consent check, the inquiry record and the audit
 * entry it owes (data-modifying CTEs), then borrower, accounts and inquiries as JSON.
 * Without an active consent nothing is written and nothing is read.
 */
export function profileStatement(p: ProfileRead): SQL {
  const negatives = sql.join(
    p.negativeStatuses.map((s) => sql`${s}`),
    sql`, `,
  );
  const inst = p.institutionRead;
  const gate = inst
    ? sql`
      c as (
        select id from consents
        where borrower_id = ${p.borrowerId}::uuid and institution_id = ${inst.institutionId}::text and purpose = ${inst.purpose}::text
          and revoked_at is null and granted_at <= ${p.now.toISOString()}::timestamptz and expires_at > ${p.now.toISOString()}::timestamptz
        order by expires_at desc limit 1
      ),
      ok as (
        insert into inquiries (borrower_id, institution_id, user_id, purpose, consent_id, inquired_at)
        select ${p.borrowerId}::uuid, ${inst.institutionId}::text, ${p.audit.userId}::text, ${inst.purpose}::text, c.id, ${p.now.toISOString()}::timestamptz from c
        returning id, consent_id
      ),
      aud as (
        insert into audit_log (at, request_id, actor_user_id, actor_role, actor_institution_id, action, target_type, target_id, borrower_id, detail)
        select ${p.now.toISOString()}::timestamptz, ${p.audit.requestId}::text, ${p.audit.userId}::text, ${p.audit.role}::text, ${inst.institutionId}::text,
               'credit.profile.read', 'borrower', ${p.borrowerId}::text, ${p.borrowerId}::uuid, jsonb_build_object('purpose', ${inst.purpose}::text, 'consentId', ok.consent_id, 'inquiryId', ok.id)
        from ok
        returning 1
      )`
    : sql`
      ok as (select null::uuid as id where exists (select 1 from borrowers where id = ${p.borrowerId}::uuid)),
      aud as (
        insert into audit_log (at, request_id, actor_user_id, actor_role, actor_borrower_id, action, target_type, target_id, borrower_id)
        select ${p.now.toISOString()}::timestamptz, ${p.audit.requestId}::text, ${p.audit.userId}::text, ${p.audit.role}::text, ${p.audit.borrowerActorId}::uuid,
               'credit.profile.read_own', 'borrower', ${p.borrowerId}::text, ${p.borrowerId}::uuid
        from ok
        returning 1
      )`;
  const showUser = inst ? sql`null` : sql`q.user_id`;
  return sql`with ${gate}
    select
      (select id from ok) as inquiry_id,
      exists (select 1 from ok) as allowed,
      (select json_build_object(
          'id', b.id, 'name', b.name, 'category', b.category, 'county', b.county, 'sector', b.sector,
          'registeredOn', b.registered_on, 'nationalIdMasked', b.national_id_masked)
        from borrowers b where b.id = ${p.borrowerId}::uuid and exists (select 1 from ok)) as borrower,
      (select json_agg(json_build_object(
          'id', a.id, 'accountRef', a.account_ref, 'kind', a.kind, 'institutionId', a.institution_id,
          'furnisher', json_build_object('id', i.id, 'kind', i.kind, 'name', i.name),
          'originalAmount', a.original_amount::text, 'balance', a.balance::text,
          'openedOn', a.opened_on, 'closedOn', a.closed_on, 'status', a.status, 'statusMonth', a.status_month,
          'paymentHistory', a.payment_history,
          'dispute', case when d.id is null then null else json_build_object(
              'id', d.id, 'status', d.status, 'filedAt', ${iso(sql`d.filed_at`)}, 'dueAt', ${iso(sql`d.due_at`)}) end
        ) order by a.opened_on desc, a.id)
        from credit_accounts a
        join institutions i on i.id = a.institution_id
        left join disputes d on d.account_id = a.id and d.status = 'OPEN'
        where a.borrower_id = ${p.borrowerId}::uuid and a.deleted_at is null and exists (select 1 from ok)
          and (a.status not in (${negatives}) or a.closed_on is null or a.closed_on > ${p.retentionCutoff}::date)) as accounts,
      (select json_agg(json_build_object(
          'institution', json_build_object('id', i.id, 'kind', i.kind, 'name', i.name),
          'purpose', q.purpose, 'inquiredAt', ${iso(sql`q.inquired_at`)}, 'userId', ${showUser}
        ) order by q.inquired_at desc)
        from (select * from inquiries where borrower_id = ${p.borrowerId}::uuid and inquired_at >= ${p.inquiryHistoryStart.toISOString()}::timestamptz
              and inquired_at <= ${p.now.toISOString()}::timestamptz and exists (select 1 from ok)
              order by inquired_at desc limit 100) q
        join institutions i on i.id = q.institution_id) as inquiries,
      (select count(*)::int from inquiries where borrower_id = ${p.borrowerId}::uuid
        and inquired_at >= ${p.inquiryWindowStart.toISOString()}::timestamptz and inquired_at <= ${p.now.toISOString()}::timestamptz and exists (select 1 from ok)) as inquiries_6m`;
}

/** Prepared on its own; inside a caller's transaction when `tx` is given. */
export async function readProfile(db: Database, p: ProfileRead, tx?: Executor): Promise<ProfileRow | undefined> {
  const stmt = profileStatement(p);
  return (tx ? await rows<ProfileRow>(tx, stmt) : await db.prepared<ProfileRow>(stmt))[0];
}

export async function customerPage(db: Executor, institutionId: string, afterBorrowerId: string | undefined, limit: number) {
  return db
    .select({
      since: institutionCustomers.since,
      borrower: {
        id: borrowers.id,
        name: borrowers.name,
        category: borrowers.category,
        county: borrowers.county,
        sector: borrowers.sector,
        registeredOn: borrowers.registeredOn,
        nationalIdMasked: borrowers.nationalIdMasked,
      },
    })
    .from(institutionCustomers)
    .innerJoin(borrowers, eq(borrowers.id, institutionCustomers.borrowerId))
    .where(
      and(
        eq(institutionCustomers.institutionId, institutionId),
        afterBorrowerId ? gt(institutionCustomers.borrowerId, afterBorrowerId) : undefined,
      ),
    )
    .orderBy(asc(institutionCustomers.borrowerId))
    .limit(limit);
}

/** One institution's own accounts for many borrowers (the customers page's batch). */
export async function ownAccountsOf(db: Executor, institutionId: string, borrowerIds: readonly string[]) {
  if (borrowerIds.length === 0) return [];
  return rows<AccountView & { borrowerId: string }>(
    db,
    sql`select a.id, a.borrower_id as "borrowerId", a.account_ref as "accountRef", a.kind, a.institution_id as "institutionId",
          a.original_amount::text as "originalAmount", a.balance::text as balance, a.opened_on::text as "openedOn",
          a.closed_on::text as "closedOn", a.status, a.status_month::text as "statusMonth", a.payment_history as "paymentHistory",
          case when d.id is null then null else json_build_object('id', d.id, 'status', d.status,
            'filedAt', ${iso(sql`d.filed_at`)}, 'dueAt', ${iso(sql`d.due_at`)}) end as dispute
        from credit_accounts a left join disputes d on d.account_id = a.id and d.status = 'OPEN'
        where a.institution_id = ${institutionId} and a.deleted_at is null
          and a.borrower_id in (${sql.join(
            borrowerIds.map((id) => sql`${id}::uuid`),
            sql`, `,
          )})
        order by a.opened_on desc, a.id`,
  );
}

/** Which of these borrowers are customers of the institution. */
export async function customerIds(db: Executor, institutionId: string, borrowerIds: string[]): Promise<Set<string>> {
  if (borrowerIds.length === 0) return new Set();
  const found = await db
    .select({ id: institutionCustomers.borrowerId })
    .from(institutionCustomers)
    .where(and(eq(institutionCustomers.institutionId, institutionId), inArray(institutionCustomers.borrowerId, borrowerIds)));
  return new Set(found.map((r) => r.id));
}

export async function linkCustomer(db: Executor, institutionId: string, borrowerId: string, since: Date) {
  await db.insert(institutionCustomers).values({ institutionId, borrowerId, since }).onConflictDoNothing();
}

/** The institution's existing accounts for these references, locked for the furnishing transaction. */
export async function lockOwnAccounts(tx: Executor, institutionId: string, refs: string[]) {
  if (refs.length === 0) return [];
  return tx
    .select()
    .from(creditAccounts)
    .where(and(eq(creditAccounts.institutionId, institutionId), inArray(creditAccounts.accountRef, refs)))
    .for('update');
}

export type NewAccountRow = typeof creditAccounts.$inferInsert;

export async function upsertAccounts(tx: Executor, values: NewAccountRow[]) {
  if (values.length === 0) return [];
  return tx
    .insert(creditAccounts)
    .values(values)
    .onConflictDoUpdate({
      target: [creditAccounts.institutionId, creditAccounts.accountRef],
      set: {
        originalAmount: sql`excluded.original_amount`,
        balance: sql`excluded.balance`,
        openedOn: sql`excluded.opened_on`,
        closedOn: sql`excluded.closed_on`,
        status: sql`excluded.status`,
        statusMonth: sql`excluded.status_month`,
        paymentHistory: sql`excluded.payment_history`,
        updatedAt: sql`excluded.updated_at`,
      },
    })
    .returning();
}

export async function findBorrowerByIdHash(db: Executor, hash: string) {
  const [b] = await db.select().from(borrowers).where(eq(borrowers.nationalIdHash, hash));
  return b;
}

export async function insertBorrower(db: Executor, values: typeof borrowers.$inferInsert) {
  const [b] = await db.insert(borrowers).values(values).onConflictDoNothing().returning();
  return b;
}

export async function lockAccount(tx: Executor, id: string) {
  const [a] = await tx.select().from(creditAccounts).where(eq(creditAccounts.id, id)).for('update');
  return a;
}

export async function updateAccount(tx: Executor, id: string, set: Partial<typeof creditAccounts.$inferInsert>) {
  await tx.update(creditAccounts).set(set).where(eq(creditAccounts.id, id));
}
