import { and, asc, desc, eq, gte, inArray, lte, sql, type SQL } from 'drizzle-orm';
import { one, rows, type Executor } from '../../db/client.js';
import { ledgerAccounts, ledgerEntries, ledgerTransactions } from '../../db/schema/index.js';

export type LedgerAccountRow = typeof ledgerAccounts.$inferSelect;
export type LedgerTransactionRow = typeof ledgerTransactions.$inferSelect;

/** A transaction as a reader gets it: its legs attached, the borrower masked where the reader may not see it. */
export type LedgerTransactionView = LedgerTransactionRow & { entries: { accountId: string; amount: string }[] };

/** An insurer's risk reserve (风险准备金). */
export interface RiskReserveView {
  institutionId: string;
  balance: string;
}

export async function ensureAccounts(tx: Executor, accounts: (typeof ledgerAccounts.$inferInsert)[]) {
  if (accounts.length) await tx.insert(ledgerAccounts).values(accounts).onConflictDoNothing();
}

/** Lock accounts in id order (every poster does the same, so two postings cannot deadlock). */
export async function lockAccounts(tx: Executor, ids: string[]) {
  const sorted = [...new Set(ids)].sort();
  if (sorted.length === 0) return [];
  return rows<{ id: string; balance: string; kind: string }>(
    tx,
    sql`select id, balance::text as balance, kind from ledger_accounts where id in (${sql.join(
      sorted.map((i) => sql`${i}`),
      sql`, `,
    )}) order by id for update`,
  );
}

export async function insertTransaction(tx: Executor, v: typeof ledgerTransactions.$inferInsert) {
  const [t] = await tx.insert(ledgerTransactions).values(v).returning();
  return t;
}

export async function insertEntries(tx: Executor, v: (typeof ledgerEntries.$inferInsert)[]) {
  await tx.insert(ledgerEntries).values(v);
}

export async function addToBalances(tx: Executor, deltas: Map<string, string>) {
  if (deltas.size === 0) return;
  const values = sql.join(
    [...deltas].map(([id, amount]) => sql`(${id}::text, ${amount}::numeric)`),
    sql`, `,
  );
  await tx.execute(
    sql`update ledger_accounts a set balance = a.balance + v.amount from (values ${values}) as v(id, amount) where a.id = v.id`,
  );
}

export async function accountsByKind(db: Executor, kinds: string[]) {
  return db.select().from(ledgerAccounts).where(inArray(ledgerAccounts.kind, kinds)).orderBy(asc(ledgerAccounts.id));
}

/**
 * What the funds owe, summed from the rows that owe it: subsidies not yet paid to insurers,
 * compensation cut short on claims. A scan of every policy and claim: readers use the kept
 * `owed` of the fund accounts instead (migration 0012's triggers keep it); this is what tests
 * and the benchmark check the kept figures against.
 */
export async function scanArrears(db: Executor) {
  const r = await one<{ subsidy: string; shortfall: string }>(
    db,
    sql`select (select coalesce(sum(subsidy_amount - subsidy_paid), 0)::numeric(18, 2)::text from policies) as subsidy,
               (select coalesce(sum(compensation_shortfall), 0)::numeric(18, 2)::text from claims) as shortfall`,
  );
  return r!;
}

/** What the funds owe as kept on their accounts: two rows by primary key. */
export async function keptArrears(db: Executor) {
  const r = await one<{ subsidy: string; shortfall: string }>(
    db,
    sql`select coalesce(max(owed) filter (where id = 'FUND:PREMIUM_SUBSIDY'), 0)::text as subsidy,
               coalesce(max(owed) filter (where id = 'FUND:RISK_COMPENSATION'), 0)::text as shortfall
        from ledger_accounts where id in ('FUND:PREMIUM_SUBSIDY', 'FUND:RISK_COMPENSATION')`,
  );
  return r!;
}

export interface TransactionFilter {
  accountIds?: string[];
  kind?: string;
  from?: string;
  to?: string;
  loanId?: string;
  claimId?: string;
  limit: number;
}

/** Transactions touching any of `accountIds` (or all, when absent), newest first. */
export async function transactions(db: Executor, f: TransactionFilter) {
  const where: SQL[] = [];
  if (f.accountIds) {
    where.push(
      sql`exists (select 1 from ledger_entries e where e.transaction_id = ${ledgerTransactions.id} and e.account_id in (${sql.join(
        f.accountIds.map((a) => sql`${a}`),
        sql`, `,
      )}))`,
    );
  }
  if (f.kind) where.push(eq(ledgerTransactions.kind, f.kind));
  if (f.from) where.push(gte(ledgerTransactions.businessDate, f.from));
  if (f.to) where.push(lte(ledgerTransactions.businessDate, f.to));
  if (f.loanId) where.push(eq(ledgerTransactions.loanId, f.loanId));
  if (f.claimId) where.push(eq(ledgerTransactions.claimId, f.claimId));
  return db
    .select()
    .from(ledgerTransactions)
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(ledgerTransactions.at), desc(ledgerTransactions.id))
    .limit(f.limit);
}

export async function entriesOf(db: Executor, transactionIds: readonly string[]) {
  if (!transactionIds.length) return [];
  return db
    .select({
      id: ledgerEntries.id,
      transactionId: ledgerEntries.transactionId,
      accountId: ledgerEntries.accountId,
      amount: ledgerEntries.amount,
    })
    .from(ledgerEntries)
    .where(inArray(ledgerEntries.transactionId, [...transactionIds]))
    .orderBy(asc(ledgerEntries.id));
}

/** The trial balance: every account's balance against the sum of its entries, and the grand total. */
export async function trialBalance(db: Executor) {
  const [r] = await rows<{ total: string; mismatched: number; unbalanced: number }>(
    db,
    sql`select
      (select coalesce(sum(amount), 0)::text from ledger_entries) as total,
      (select count(*)::int from ledger_accounts a
         where a.kind not in ('BUDGET', 'EXTERNAL')
           and a.balance <> coalesce((select sum(amount) from ledger_entries e where e.account_id = a.id), 0)) as mismatched,
      (select count(*)::int from (select transaction_id from ledger_entries group by transaction_id having sum(amount) <> 0) x) as unbalanced`,
  );
  return r;
}
