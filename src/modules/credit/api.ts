/**
 * What other modules may do to the shared credit file. They call these, never credit/store.ts:
 * the furnishing rules and the record's month history stay in one place.
 */
import type { Context } from '../../context.js';
import type { Executor } from '../../db/client.js';
import * as store from './store.js';

export { NO_CONSENT, readProfileFor, readProfileInternal, type ProfileData } from './service.js';
export { furnishProgrammeAccount, noticeMissedPayment, type ProgrammeAccount } from './accounts.js';
export { holdsOpenAccount, openRelationshipSql } from './relationship.js';
/** Special transactions (提前结清, 展期) on a programme account, written by the lifecycle. */
export { addSpecialTransaction, type SpecialTransaction, type SpecialTransactionKind } from './special.js';
export { linkCustomer } from './store.js';
/** Notices to a borrower (a human review's answer, a dispute's outcome): other modules write them through this. */
export { insertNotices, type NewNotice } from './notices.js';
export {
  correctHistory,
  correctMonths,
  monthCorrections,
  type CorrectionBy,
  type HistoryCorrection,
  type HistoryFix,
  type MonthChange,
  type MonthFix,
} from './corrections.js';
export { correctIdentity, deleteInquiry, lockIdentity, lockInquiry, notifyBorrower, type IdentityFields } from './subjects.js';

export type CreditRecord = NonNullable<Awaited<ReturnType<typeof store.lockAccount>>>;

/** A furnished record, locked for a change in the caller's transaction. */
export const lockRecord = (tx: Executor, id: string): Promise<CreditRecord | undefined> => store.lockAccount(tx, id);

/** Take a record out of every profile (a dispute's DELETED outcome); the row stays for the audit trail. */
export const deleteRecord = (tx: Executor, ctx: Pick<Context, 'now'>, record: CreditRecord) =>
  store.updateAccount(tx, record.id, { deletedAt: ctx.now, updatedAt: ctx.now });
export type { ObjectionView, StatementView } from './annotations.js';
