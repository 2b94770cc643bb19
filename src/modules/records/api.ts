/**
 * What other modules may use of public records (公共信息): the records a profile shows, and the
 * changes a dispute of a public record may make (H5's resolveDispute calls these inside its
 * transaction and records the change itself).
 */
import type { Context } from '../../context.js';
import type { Executor } from '../../db/client.js';
import { PUBLIC_RECORD_STATUSES, type PublicRecordStatus } from '../../domain.js';
import { badInput } from '../../errors.js';
import { businessDate, isValidDate } from '../../time.js';
import { visibleRecords } from './rules.js';
import * as store from './store.js';

export type { PublicRecordView, StatementView as PublicRecordStatementView } from './store.js';
export type { ObjectionView } from '../credit/api.js';
export { isDishonestDebtorListing, shownUntil, visibleRecords } from './rules.js';

/**
 * The public records a profile of this borrower shows on `now`: matched by the national id's
 * keyed hash (so records furnished before the borrower registered attach), not deleted, visible
 * under their kind's retention rule, each with its authority, open dispute, objection and
 * statements; in force first, then newest.
 */
export async function publicRecordsForProfile(db: Executor, borrowerId: string, now: Date): Promise<store.PublicRecordView[]> {
  return visibleRecords(await store.recordsOfBorrower(db, borrowerId), businessDate(now));
}

/** A public record locked for a change in the caller's transaction, with the borrower on file it concerns (or null). */
export type LockedPublicRecord = NonNullable<Awaited<ReturnType<typeof store.lockRecord>>>;
export const lockPublicRecord = (tx: Executor, id: string): Promise<LockedPublicRecord | undefined> => store.lockRecord(tx, id);

/**
 * Correct a public record's status and end date (a dispute's CORRECTED outcome), by the same
 * rules as furnishing: endedOn is empty exactly while ACTIVE, and not before decidedOn nor in
 * the future. Returns the before and after for the audit trail.
 */
export async function correctPublicRecord(
  tx: Executor,
  ctx: Pick<Context, 'now'>,
  record: LockedPublicRecord,
  fix: { status?: PublicRecordStatus | null; endedOn?: string | null },
) {
  const today = businessDate(ctx.now);
  const status = fix.status ?? (record.status as PublicRecordStatus);
  const endedOn = status === 'ACTIVE' ? null : (fix.endedOn ?? record.endedOn ?? today);
  const bad = (reason: string) => badInput(`correction: ${reason}`, { field: 'correction' });
  if (!PUBLIC_RECORD_STATUSES.includes(status)) throw bad(`status must be one of ${PUBLIC_RECORD_STATUSES.join(', ')}`);
  if (status === 'ACTIVE' && fix.endedOn) throw bad('endedOn must be empty while the record is ACTIVE');
  if (endedOn !== null) {
    if (!isValidDate(endedOn)) throw bad('endedOn must be YYYY-MM-DD');
    if (endedOn > today) throw bad('endedOn is in the future');
    if (endedOn < record.decidedOn) throw bad('endedOn is before decidedOn');
  }
  await store.updateRecord(tx, record.id, { status, endedOn, updatedAt: ctx.now });
  return { from: { status: record.status, endedOn: record.endedOn }, to: { status, endedOn } };
}

/** Take a public record out of every profile (a dispute's DELETED outcome); the row stays for the audit trail. */
export const deletePublicRecord = (tx: Executor, ctx: Pick<Context, 'now'>, record: LockedPublicRecord) =>
  store.updateRecord(tx, record.id, { deletedAt: ctx.now, updatedAt: ctx.now });
