/**
 * What other modules may do to the shared credit file. They call these, never credit/store.ts:
 * the furnishing rules and the record's month history stay in one place.
 */
import type { Context } from '../../context.js';
import type { Executor } from '../../db/client.js';
import type { AccountKind, AccountStatus } from '../../domain.js';
import { badInput } from '../../errors.js';
import { businessDate } from '../../time.js';
import { checkRecord } from './furnishing.js';
import { recordMonthlyStatus } from './rules.js';
import * as store from './store.js';

export { NO_CONSENT, readProfileFor, type ProfileData } from './service.js';
export { furnishProgrammeAccount, type ProgrammeAccount } from './accounts.js';
export { linkCustomer } from './store.js';

export type CreditRecord = NonNullable<Awaited<ReturnType<typeof store.lockAccount>>>;

/** A furnished record, locked for a change in the caller's transaction. */
export const lockRecord = (tx: Executor, id: string): Promise<CreditRecord | undefined> => store.lockAccount(tx, id);

/**
 * Correct a record's current status or balance (a dispute's CORRECTED outcome), checked by the
 * same rules as furnishing. Returns the before and after for the audit trail.
 */
export async function correctRecord(
  tx: Executor,
  ctx: Pick<Context, 'now'>,
  record: CreditRecord,
  furnisher: 'BANK' | 'INSURER',
  fix: { status?: AccountStatus | null; balance?: string | null },
) {
  const status = (fix.status ?? record.status) as AccountStatus;
  const balance = fix.balance ?? record.balance;
  const problems = checkRecord({ ...record, kind: record.kind as AccountKind, status, balance }, 0, furnisher, businessDate(ctx.now));
  if (problems.length) throw badInput(`correction: ${problems[0].field} ${problems[0].reason}`, { field: 'correction' });
  const history = recordMonthlyStatus(record.paymentHistory, record.statusMonth, record.statusMonth, status)!;
  await store.updateAccount(tx, record.id, { status, balance, paymentHistory: history.history, updatedAt: ctx.now });
  return { from: { status: record.status, balance: record.balance }, to: { status, balance } };
}

/** Take a record out of every profile (a dispute's DELETED outcome); the row stays for the audit trail. */
export const deleteRecord = (tx: Executor, ctx: Pick<Context, 'now'>, record: CreditRecord) =>
  store.updateAccount(tx, record.id, { deletedAt: ctx.now, updatedAt: ctx.now });
