import { defineCommand } from '../../../command.js';
import { PUBLIC_RECORD_KINDS } from '../../../domain.js';
import { badInput, forbidden } from '../../../errors.js';
import { businessDate, monthOf } from '../../../time.js';
import { uuid } from '../../../validation.js';
import { activeFurnishingConsents } from '../../consent/api.js';
import { accountView, saveAccounts } from '../accounts.js';
import { checkRecord, type FurnishedRecord, type RecordProblem } from '../furnishing.js';
import { creditPolicy } from '../policy.js';
import { recordMonthlyStatus } from '../rules.js';
import * as store from '../store.js';

const MAX_BATCH = 1000;

/** Court listings and every other public record come from their authority only (records module). */
const PUBLIC_KINDS = new Set<string>(['COURT_LISTING', ...PUBLIC_RECORD_KINDS]);
export const PUBLIC_RECORD_REFUSED =
  'Court listings, judgments, tax and market-regulator records are public records: only their authority furnishes them';

/** The programme's own numbering (loans LN-…, policies PL-…): a hand furnishing may not take a number before the lifecycle does. */
const PROGRAMME_REF_RE = /^(LN|PL)-\d{8}$/;

/** The same words whether the borrower is unknown or has not authorised you: no existence oracle. */
export const NO_FURNISHING_CONSENT = 'has given your institution no active FURNISHING consent covering this account kind';

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
 * An institution reports accounts. A new account needs the borrower's active FURNISHING consent
 * to this institution whose scope names the account's kind; an account the institution already
 * furnished stays its to update after that consent lapses or is revoked (a borrower cannot
 * silence adverse reporting by revoking). Accounts the programme's lifecycle keeps (PROGRAMME)
 * are never furnished by hand. All or nothing: one bad record rejects the batch, naming the first
 * bad record (`recordIndex`) and listing every problem.
 */
export const furnishCreditRecords = defineCommand({
  name: 'furnishCreditRecords',
  gate: (ctx) => creditPolicy.gate(ctx, 'furnish'),
  parse({ records }: { records: FurnishedRecord[] }, { actor, now }) {
    // a public-record kind refuses the whole call, before anything else is read
    if (Array.isArray(records) && records.some((r) => PUBLIC_KINDS.has(r?.kind))) throw forbidden(PUBLIC_RECORD_REFUSED);
    if (!Array.isArray(records) || records.length === 0) throw badInput('records must not be empty', { field: 'records' });
    if (records.length > MAX_BATCH) throw badInput(`at most ${MAX_BATCH} records per batch`, { field: 'records' });
    const today = businessDate(now);
    const problems: RecordProblem[] = [];
    const seen = new Map<string, number>();
    records.forEach((r, i) => {
      if (!uuid.safeParse(r.borrowerId).success) problems.push({ index: i, field: 'borrowerId', reason: 'must be a valid id' });
      problems.push(...checkRecord(r, i, actor.role, today));
      if (PROGRAMME_REF_RE.test(r.accountRef)) {
        problems.push({
          index: i,
          field: 'accountRef',
          reason: "is in the programme's numbering: its loans and policies are reported by the lifecycle",
        });
      }
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
    const existing = new Map(
      (
        await store.lockOwnAccounts(
          tx,
          actor.institutionId,
          records.map((r) => r.accountRef),
        )
      ).map((a) => [a.accountRef, a]),
    );
    const newFor = [...new Set(records.filter((r) => !existing.has(r.accountRef)).map((r) => r.borrowerId))];
    const consents = await activeFurnishingConsents(tx, actor.institutionId, newFor, now);
    const rows: store.NewAccountRow[] = [];
    records.forEach((r, i) => {
      const bad = (field: string, reason: string) => problems.push({ index: i, field, reason });
      const prev = existing.get(r.accountRef);
      let consentId = prev?.furnishingConsentId ?? null;
      if (!prev) {
        const consent = consents.get(r.borrowerId)?.find((c) => c.scope.includes(r.kind));
        if (!consent) return bad('borrowerId', NO_FURNISHING_CONSENT);
        consentId = consent.id;
      } else if (prev.source === 'PROGRAMME') {
        return bad('accountRef', "is a programme loan or policy: the programme's lifecycle reports it, never a hand furnishing");
      } else if (prev.borrowerId !== r.borrowerId || prev.kind !== r.kind) {
        return bad('accountRef', 'already furnished for a different borrower or account kind');
      }
      const month = monthOf(r.statusMonth ?? today);
      const next = recordMonthlyStatus(prev?.paymentHistory ?? null, prev?.statusMonth ?? null, month, r.status);
      if (!next) {
        return bad('statusMonth', `is before the last reported month ${prev!.statusMonth.slice(0, 7)}; dispute past months instead`);
      }
      if (prev?.deletedAt) return bad('accountRef', 'was deleted after a dispute and cannot be re-furnished');
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
        source: 'FURNISHED',
        furnishingConsentId: consentId,
        createdAt: now,
        updatedAt: now,
      });
    });
    if (problems.length) throw rejectBatch(problems);
    const { saved, changes } = await saveAccounts(tx, now, rows, existing, 'FURNISHED');
    record(changes);
    const created = saved.filter((a) => !existing.has(a.accountRef)).length;
    // the furnisher's own view: the truth, even while readers still see the held record
    return { created, updated: saved.length - created, accounts: saved.map(accountView) };
  },
});
