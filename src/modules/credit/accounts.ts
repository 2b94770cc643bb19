import type { Context } from '../../context.js';
import type { Executor } from '../../db/client.js';
import type { AccountKind, AccountStatus, RecordSource } from '../../domain.js';
import { conflict } from '../../errors.js';
import { monthOf } from '../../time.js';
import { appendAudit, type AuditEvent } from '../audit/api.js';
import { appendEvents } from '../events/api.js';
import { findInstitution } from '../institutions/api.js';
import { adverseMessage, adverseNoticesFor, insertNotices, missedPaymentMessage, type NewNotice, type NoticeRow } from './notices.js';
import { adverseNoticeEffectiveAt, isNegativeStatus, recordMonthlyStatus } from './rules.js';
import * as store from './store.js';

export type AccountRow = Awaited<ReturnType<typeof store.upsertAccounts>>[number];

/** A saved row as the CreditAccount type shows it (the table's checks hold kind and status to their lists). */
export const accountView = (a: AccountRow): store.AccountView => ({
  ...a,
  kind: a.kind as AccountKind,
  status: a.status as AccountStatus,
  dispute: null,
});

/**
 * What readers other than the furnisher see while an account's first adverse status waits out
 * its prior notice (条例 Art 15): the record as they saw it before, or nothing for an account
 * that did not exist before. The true columns always hold the truth.
 */
export type HeldView =
  { status: string; balance: string; closedOn: string | null; statusMonth: string; paymentHistory: string } | { hidden: true };

const heldViewOf = (prev: AccountRow | undefined): HeldView =>
  prev
    ? {
        status: prev.status,
        balance: prev.balance,
        closedOn: prev.closedOn,
        statusMonth: prev.statusMonth,
        paymentHistory: prev.paymentHistory,
      }
    : { hidden: true };

const noticeChange = (n: NoticeRow): AuditEvent => ({
  action: 'credit.notice.given',
  targetType: 'notice',
  targetId: n.id,
  borrowerId: n.borrowerId,
  detail: { kind: n.kind, accountId: n.accountId, status: n.status, effectiveAt: n.effectiveAt.toISOString() },
});

/**
 * Prior notice: sets each row's `held`/`heldUntil` and returns the references that need a new
 * notice. An account's first adverse status is held until its notice takes effect: a notice
 * given now (effective in ADVERSE_NOTICE_DAYS), or one given earlier (the programme's notice at
 * the first missed instalment) that is not yet in effect. Once the notice is in effect, adverse
 * statuses are reported at once. A row still held keeps the same view until the same time.
 */
async function applyPriorNotice(tx: Executor, now: Date, rows: store.NewAccountRow[], prevByRef: Map<string, AccountRow>) {
  const given = await adverseNoticesFor(
    tx,
    [...prevByRef.values()].map((p) => p.id),
  );
  const needNotice = new Set<string>();
  for (const row of rows) {
    const prev = prevByRef.get(row.accountRef);
    if (prev?.heldUntil && prev.heldUntil > now) {
      row.held = prev.held;
      row.heldUntil = prev.heldUntil;
      continue;
    }
    row.held = null;
    row.heldUntil = null;
    // not adverse, or not the first adverse status (it is already reported)
    if (!isNegativeStatus(row.status as AccountStatus) || (prev && isNegativeStatus(prev.status as AccountStatus))) continue;
    const notice = prev ? given.get(prev.id) : undefined;
    if (notice && notice.effectiveAt <= now) continue;
    row.held = heldViewOf(prev);
    row.heldUntil = notice ? notice.effectiveAt : adverseNoticeEffectiveAt(now);
    if (!notice) needNotice.add(row.accountRef);
  }
  return needNotice;
}

/**
 * Upsert accounts (with the prior-notice hold), returning them and one audit change each
 * (created or updated, by an institution or by the programme's lifecycle) plus one per notice
 * given. `prevByRef` holds the institution's existing rows for these references, locked.
 */
export async function saveAccounts(
  tx: Executor,
  now: Date,
  rows: store.NewAccountRow[],
  prevByRef: Map<string, AccountRow>,
  source: RecordSource,
) {
  const needNotice = await applyPriorNotice(tx, now, rows, prevByRef);
  const saved = await store.upsertAccounts(tx, rows, source);
  // a hand-furnished write skips a row the programme took over since it was locked
  if (saved.length !== rows.length) throw conflict('An account changed while it was being furnished; nothing was written. Retry.');
  const changes: AuditEvent[] = saved.map((a) => ({
    action: prevByRef.has(a.accountRef) ? 'credit.account.updated' : 'credit.account.created',
    targetType: 'credit_account',
    targetId: a.id,
    borrowerId: a.borrowerId,
    detail: {
      accountRef: a.accountRef,
      furnisher: a.institutionId,
      kind: a.kind,
      originalAmount: a.originalAmount,
      // what monitoring compares against: a new delinquency, a first 90+ days past due
      previousStatus: prevByRef.get(a.accountRef)?.status ?? null,
      status: a.status,
      statusMonth: a.statusMonth,
      balance: a.balance,
      source: source === 'PROGRAMME' ? 'programme' : 'furnished',
      heldUntil: a.heldUntil?.toISOString() ?? null,
    },
  }));
  const noticed = saved.filter((a) => needNotice.has(a.accountRef));
  if (noticed.length) {
    const inst = await findInstitution(tx, noticed[0].institutionId);
    const values = noticed.map((a): NewNotice => ({
      borrowerId: a.borrowerId,
      kind: 'ADVERSE_INFORMATION',
      accountId: a.id,
      institutionId: a.institutionId,
      status: a.status,
      balance: a.balance,
      message: adverseMessage({
        institution: inst?.name ?? a.institutionId,
        kind: a.kind as AccountKind,
        accountRef: a.accountRef,
        status: a.status as AccountStatus,
        balance: a.balance,
        effectiveAt: a.heldUntil!,
      }),
      notifiedAt: now,
      effectiveAt: a.heldUntil!,
    }));
    changes.push(...(await insertNotices(tx, values)).map(noticeChange));
  }
  return { saved, changes };
}

export interface ProgrammeAccount {
  institutionId: string;
  borrowerId: string;
  accountRef: string;
  kind: 'LOAN' | 'INSURANCE_POLICY';
  originalAmount: string;
  balance: string;
  openedOn: string;
  closedOn: string | null;
  status: AccountStatus;
  /** The business date the status is for. */
  asOf: string;
}

/**
 * Furnishing that follows the lending lifecycle: disbursements, policies, repayments and
 * ageing update the shared records inside the transaction that changed them, so the next
 * profile read shows them (after the prior notice, for a first adverse status). The record's
 * source is PROGRAMME: no one furnishes it by hand. The audit entry is appended in that transaction.
 */
export async function furnishProgrammeAccount(tx: Executor, ctx: Context, rec: ProgrammeAccount) {
  const [prev] = await store.lockOwnAccounts(tx, rec.institutionId, [rec.accountRef]);
  const month = monthOf(rec.asOf);
  // a back-dated event never rewinds the history: it lands in the latest reported month
  const at = prev && month < prev.statusMonth ? prev.statusMonth : month;
  const next = recordMonthlyStatus(prev?.paymentHistory ?? null, prev?.statusMonth ?? null, at, rec.status)!;
  const { saved, changes } = await saveAccounts(
    tx,
    ctx.now,
    [
      {
        institutionId: rec.institutionId,
        borrowerId: rec.borrowerId,
        accountRef: rec.accountRef,
        kind: rec.kind,
        originalAmount: rec.originalAmount,
        balance: rec.balance,
        openedOn: rec.openedOn,
        closedOn: rec.closedOn,
        status: rec.status,
        statusMonth: next.historyMonth,
        paymentHistory: next.history,
        source: 'PROGRAMME',
        createdAt: ctx.now,
        updatedAt: ctx.now,
      },
    ],
    new Map(prev ? [[prev.accountRef, prev]] : []),
    'PROGRAMME',
  );
  // the same pair a command's record() writes: the audit row and the domain event
  await appendAudit(tx, ctx, changes);
  await appendEvents(tx, ctx, changes);
  return saved[0];
}

/**
 * The programme's prior notice at the first missed instalment (days past due ≥ 1 while the
 * account is still CURRENT): the borrower hears of the adverse record ADVERSE_NOTICE_DAYS before
 * it could take effect, so by the time ageing reports DPD_30 the notice is long in effect.
 * Nothing when the account is unknown, already adverse, or already noticed. Returns the change
 * for the caller's record().
 */
export async function noticeMissedPayment(
  tx: Executor,
  ctx: Pick<Context, 'now'>,
  a: { institutionId: string; accountRef: string; daysPastDue: number },
): Promise<AuditEvent | null> {
  const [acc] = await store.lockOwnAccounts(tx, a.institutionId, [a.accountRef]);
  if (!acc || acc.deletedAt || isNegativeStatus(acc.status as AccountStatus)) return null;
  if ((await adverseNoticesFor(tx, [acc.id])).size) return null;
  const inst = await findInstitution(tx, a.institutionId);
  const effectiveAt = adverseNoticeEffectiveAt(ctx.now);
  const kind = acc.kind as AccountKind;
  const [n] = await insertNotices(tx, [
    {
      borrowerId: acc.borrowerId,
      kind: 'ADVERSE_INFORMATION',
      accountId: acc.id,
      institutionId: acc.institutionId,
      // what the loan would report after 30 days; a policy's claim status is not known yet
      status: kind === 'LOAN' ? 'DPD_30' : null,
      balance: acc.balance,
      message: missedPaymentMessage({
        institution: inst?.name ?? a.institutionId,
        kind,
        accountRef: acc.accountRef,
        daysPastDue: a.daysPastDue,
        balance: acc.balance,
        effectiveAt,
      }),
      notifiedAt: ctx.now,
      effectiveAt,
    },
  ]);
  return n ? noticeChange(n) : null;
}
