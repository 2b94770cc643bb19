/**
 * What travels with a record for every reader: the correction marks of its past months, the
 * borrower's unverifiable objection (条例 Art 25), personal statements (本人声明) and special
 * transactions (特殊交易: an early settlement, an extension). The profile
 * statement carries them for its page; these batch reads serve the other views of an account
 * (the furnisher's own, a furnishing result).
 */
import { sql } from 'drizzle-orm';
import { rows, type Executor } from '../../db/client.js';
import type { AccountStatus } from '../../domain.js';

export interface CorrectionView {
  month: string;
  from: AccountStatus | null;
  to: AccountStatus | null;
  source: 'DISPUTE' | 'FURNISHER';
  disputeId: string | null;
  reason: string;
  correctedAt: string;
}

/** Art 25: the latest UNVERIFIABLE dispute of a record. */
export interface ObjectionView {
  disputeId: string;
  statement: string;
  checkNote: string;
  recordedAt: string;
}

/** 本人声明, as the PersonalStatement type shows it. */
export interface StatementView {
  id: string;
  recordId: string | null;
  publicRecordId: string | null;
  text: string;
  createdAt: string;
  withdrawnAt: string | null;
}

/** 特殊交易, as the SpecialTransaction type shows it. */
export interface SpecialTransactionView {
  kind: 'EARLY_SETTLEMENT' | 'EXTENSION';
  occurredOn: string;
  amount: string;
  months: number | null;
  newMaturityOn: string | null;
  detail: string;
}

const ids = (accountIds: readonly string[]) =>
  sql.join(
    accountIds.map((id) => sql`${id}::uuid`),
    sql`, `,
  );

/** Correction marks of these accounts, oldest first. */
export async function correctionsOf(db: Executor, accountIds: readonly string[]) {
  if (accountIds.length === 0) return [];
  return rows<CorrectionView & { accountId: string }>(
    db,
    sql`select account_id as "accountId", month::text as month, from_status as "from", to_status as "to", source,
          dispute_id as "disputeId", reason, to_json(corrected_at) as "correctedAt"
        from correction_marks where account_id in (${ids(accountIds)})
        order by corrected_at, month, id`,
  );
}

/** The latest UNVERIFIABLE dispute of each of these accounts. */
export async function objectionsOf(db: Executor, accountIds: readonly string[]) {
  if (accountIds.length === 0) return [];
  return rows<ObjectionView & { accountId: string }>(
    db,
    sql`select distinct on (account_id) account_id as "accountId", id as "disputeId", reason as statement,
          coalesce(resolution_note, '') as "checkNote", to_json(resolved_at) as "recordedAt"
        from disputes where account_id in (${ids(accountIds)}) and outcome = 'UNVERIFIABLE'
        order by account_id, resolved_at desc, id`,
  );
}

/** The statements (not withdrawn) on these accounts, oldest first. */
export async function statementsOf(db: Executor, accountIds: readonly string[]) {
  if (accountIds.length === 0) return [];
  return rows<StatementView>(
    db,
    sql`select id, account_id as "recordId", public_record_id as "publicRecordId", body as text,
          to_json(created_at) as "createdAt", to_json(withdrawn_at) as "withdrawnAt"
        from personal_statements where account_id in (${ids(accountIds)}) and withdrawn_at is null
        order by created_at, id`,
  );
}

/** The special transactions of these accounts, oldest first. */
export async function specialTransactionsOf(db: Executor, accountIds: readonly string[]) {
  if (accountIds.length === 0) return [];
  return rows<SpecialTransactionView & { accountId: string }>(
    db,
    sql`select account_id as "accountId", kind, occurred_on::text as "occurredOn", amount::text as amount, months,
          new_maturity_on::text as "newMaturityOn", detail
        from credit_special_transactions where account_id in (${ids(accountIds)})
        order by occurred_on, created_at, id`,
  );
}
