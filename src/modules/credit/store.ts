import { and, asc, eq, gt, inArray, sql } from 'drizzle-orm';
import { rows, type Executor } from '../../db/client.js';
import { borrowers, creditAccounts, institutionCustomers } from '../../db/schema/index.js';
import type { CorrectionView, ObjectionView, SpecialTransactionView, StatementView } from './annotations.js';
import type { AccountKind, AccountStatus, RecordSource } from '../../domain.js';

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
  /** PROGRAMME or FURNISHED. */
  source: string;
  /** Carried by the profile statement for its page; other views load them (credit/loaders.ts). */
  corrections?: CorrectionView[];
  objection?: ObjectionView | null;
  statements?: StatementView[];
  specialTransactions?: SpecialTransactionView[];
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

/** JSON instants carry their offset (ISO 8601); the DateTime scalar normalises them to UTC. */
const iso = (col: ReturnType<typeof sql>) => sql`to_json(${col})`;

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
          a.closed_on::text as "closedOn", a.status, a.status_month::text as "statusMonth", a.payment_history as "paymentHistory", a.source,
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

/**
 * Insert or update accounts by (institution, reference). The lifecycle's write makes the
 * account PROGRAMME whatever it was; a hand-furnished write never touches a PROGRAMME account
 * (such a row is left out of the result: the caller refuses the batch).
 */
export async function upsertAccounts(tx: Executor, values: NewAccountRow[], source: RecordSource) {
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
        held: sql`excluded.held`,
        heldUntil: sql`excluded.held_until`,
        updatedAt: sql`excluded.updated_at`,
        ...(source === 'PROGRAMME' ? { source: sql`excluded.source` } : {}),
      },
      setWhere: source === 'PROGRAMME' ? undefined : sql`${creditAccounts.source} = 'FURNISHED'`,
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
