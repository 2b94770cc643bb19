import { defineCommand } from '../../../command.js';
import { badInput } from '../../../errors.js';
import { businessDate, monthOf } from '../../../time.js';
import { uuid } from '../../../validation.js';
import { accountView, saveAccounts } from '../accounts.js';
import { checkRecord, type FurnishedRecord, type RecordProblem } from '../furnishing.js';
import { creditPolicy } from '../policy.js';
import { recordMonthlyStatus } from '../rules.js';
import * as store from '../store.js';

const MAX_BATCH = 1000;

function rejectBatch(problems: RecordProblem[]) {
  problems.sort((a, b) => a.index - b.index);
  const first = problems[0];
  const more = problems.length > 1 ? ` (${problems.length - 1} more problem${problems.length > 2 ? 's' : ''})` : '';
  return badInput(`Batch rejected, nothing was written: record ${first.index}: ${first.field} ${first.reason}${more}`, {
    recordIndex: first.index,
    problems,
  });
}

/**
 * An institution reports accounts of its own customers. All or nothing: one bad record rejects
 * the batch, naming the first bad record (`recordIndex`) and listing every problem.
 */
export const furnishCreditRecords = defineCommand({
  name: 'furnishCreditRecords',
  gate: (ctx) => creditPolicy.gate(ctx, 'furnish'),
  parse({ records }: { records: FurnishedRecord[] }, { actor, now }) {
    if (!Array.isArray(records) || records.length === 0) throw badInput('records must not be empty', { field: 'records' });
    if (records.length > MAX_BATCH) throw badInput(`at most ${MAX_BATCH} records per batch`, { field: 'records' });
    const today = businessDate(now);
    const problems: RecordProblem[] = [];
    const seen = new Map<string, number>();
    records.forEach((r, i) => {
      if (!uuid.safeParse(r.borrowerId).success) problems.push({ index: i, field: 'borrowerId', reason: 'must be a valid id' });
      problems.push(...checkRecord(r, i, actor.role, today));
      const prior = seen.get(r.accountRef);
      if (prior !== undefined) problems.push({ index: i, field: 'accountRef', reason: `repeats record ${prior} in this batch` });
      seen.set(r.accountRef, i);
    });
    if (problems.length) throw rejectBatch(problems);
    return { records, today };
  },
  idempotent: false,
  async run({ tx, actor, now, record }, { records, today }) {
    const problems: RecordProblem[] = [];
    const borrowerIds = [...new Set(records.map((r) => r.borrowerId))];
    const customers = await store.customerIds(tx, actor.institutionId, borrowerIds);
    const existing = new Map(
      (
        await store.lockOwnAccounts(
          tx,
          actor.institutionId,
          records.map((r) => r.accountRef),
        )
      ).map((a) => [a.accountRef, a]),
    );
    const rows: store.NewAccountRow[] = [];
    records.forEach((r, i) => {
      if (!customers.has(r.borrowerId)) {
        problems.push({ index: i, field: 'borrowerId', reason: 'not found or not a customer of your institution' });
        return;
      }
      const prev = existing.get(r.accountRef);
      if (prev && (prev.borrowerId !== r.borrowerId || prev.kind !== r.kind)) {
        problems.push({ index: i, field: 'accountRef', reason: 'already furnished for a different borrower or account kind' });
        return;
      }
      const month = monthOf(r.statusMonth ?? today);
      const next = recordMonthlyStatus(prev?.paymentHistory ?? null, prev?.statusMonth ?? null, month, r.status);
      if (!next) {
        problems.push({
          index: i,
          field: 'statusMonth',
          reason: `is before the last reported month ${prev!.statusMonth.slice(0, 7)}; dispute past months instead`,
        });
        return;
      }
      if (prev?.deletedAt) {
        problems.push({ index: i, field: 'accountRef', reason: 'was deleted after a dispute and cannot be re-furnished' });
        return;
      }
      rows.push({
        institutionId: actor.institutionId,
        borrowerId: r.borrowerId,
        accountRef: r.accountRef,
        kind: r.kind,
        originalAmount: r.originalAmount,
        balance: r.balance,
        openedOn: r.openedOn,
        closedOn: r.closedOn ?? null,
        status: r.status,
        statusMonth: next.historyMonth,
        paymentHistory: next.history,
        createdAt: now,
        updatedAt: now,
      });
    });
    if (problems.length) throw rejectBatch(problems);
    const { saved, changes } = await saveAccounts(tx, rows, new Set(existing.keys()), 'furnished');
    record(changes);
    const created = saved.filter((a) => !existing.has(a.accountRef)).length;
    return { created, updated: saved.length - created, accounts: saved.map(accountView) };
  },
});
