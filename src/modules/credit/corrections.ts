/**
 * Corrections of a record's past: any month of its 24-month history (and the current one), its
 * balance. Each changed month leaves a correction mark that every reader sees. A dispute's
 * CORRECTED outcome and a furnisher's own correction (correctCreditRecord) both come through here,
 * checked by the same rules as furnishing.
 */
import { Decimal } from 'decimal.js';
import { z } from 'zod';
import type { Executor } from '../../db/client.js';
import { correctionMarks } from '../../db/schema/index.js';
import { ACCOUNT_STATUSES, type AccountKind, type AccountStatus, type CorrectionSource } from '../../domain.js';
import { badInput } from '../../errors.js';
import { businessDate, monthOf, monthsBetween } from '../../time.js';
import { isoDate } from '../../validation.js';
import { findInstitution } from '../institutions/api.js';
import { checkRecord } from './furnishing.js';
import { adverseMessage, adverseNoticesFor, insertNotices } from './notices.js';
import { adverseNoticeEffectiveAt, HISTORY_MONTHS, isNegativeStatus, NOT_REPORTED, STATUS_CODE, worseOf } from './rules.js';
import * as store from './store.js';

type AccountRow = NonNullable<Awaited<ReturnType<typeof store.lockAccount>>>;

/** One month to correct: null removes the month's report. */
/** The input for corrected months (a dispute's outcome or the furnisher's own correction): null status removes a month's report. */
export const monthCorrections = z
  .array(
    z.object({
      month: isoDate,
      status: z
        .enum(ACCOUNT_STATUSES)
        .nullish()
        .transform((v) => v ?? null),
    }),
  )
  .min(1, 'must not be empty')
  .max(24, 'must be at most 24 months');

export interface MonthFix {
  month: string;
  status: AccountStatus | null;
}

/** A month whose report changed. */
export interface MonthChange {
  month: string;
  from: AccountStatus | null;
  to: AccountStatus | null;
}

const CODE_STATUS = Object.fromEntries(Object.entries(STATUS_CODE).map(([s, c]) => [c, s])) as Record<string, AccountStatus>;
const decode = (code: string | undefined): AccountStatus | null => (code === undefined ? null : (CODE_STATUS[code] ?? null));
const ym = (month: string) => month.slice(0, 7);

export type MonthsResult =
  | { ok: true; history: string; status: AccountStatus; changes: MonthChange[] }
  | { ok: false; index: number; field: 'month' | 'status'; reason: string };

/**
 * Pure: the payment history (most recent first from `statusMonth`) with `fixes` applied. A month
 * must lie inside the record's life and its 24-month history: not before the month it was opened,
 * not after the last reported month, not older than 24 months before it. The current month keeps a
 * status (it is the record's status). Months whose report does not change leave no change.
 */
export function correctMonths(
  record: { paymentHistory: string; statusMonth: string; openedOn: string },
  fixes: readonly MonthFix[],
): MonthsResult {
  const chars = [...record.paymentHistory];
  const seen = new Set<string>();
  const changes: MonthChange[] = [];
  for (const [index, fix] of fixes.entries()) {
    const month = monthOf(fix.month);
    const back = monthsBetween(month, record.statusMonth);
    const fail = (field: 'month' | 'status', reason: string): MonthsResult => ({ ok: false, index, field, reason });
    if (seen.has(month)) return fail('month', `repeats ${ym(month)}`);
    seen.add(month);
    if (back < 0) return fail('month', `is after the last reported month ${ym(record.statusMonth)}`);
    if (month < monthOf(record.openedOn)) return fail('month', `is before the account was opened (${ym(record.openedOn)})`);
    if (back >= HISTORY_MONTHS) return fail('month', `is outside the ${HISTORY_MONTHS}-month history`);
    if (back === 0 && fix.status === null) {
      return fail('status', 'the current month cannot be removed: correct its status, or delete the record');
    }
    while (chars.length <= back) chars.push(NOT_REPORTED);
    const from = decode(chars[back]);
    if (from === fix.status) continue;
    chars[back] = fix.status === null ? NOT_REPORTED : STATUS_CODE[fix.status];
    changes.push({ month, from, to: fix.status });
  }
  // months padded only to say "not reported" are not kept
  while (chars.length > record.paymentHistory.length && chars[chars.length - 1] === NOT_REPORTED) chars.pop();
  changes.sort((a, b) => (a.month < b.month ? -1 : 1));
  return { ok: true, history: chars.join(''), status: decode(chars[0])!, changes };
}

/** What a correction asks: the current status or balance, and any months. */
export interface HistoryFix {
  status?: AccountStatus | null;
  balance?: string | null;
  months?: readonly MonthFix[] | null;
}

/** Who corrects, and why: the reason is shown with every mark. */
export interface CorrectionBy {
  source: CorrectionSource;
  disputeId?: string | null;
  institutionId?: string | null;
  reason: string;
  userId: string;
  /** The role the record was furnished under (the kinds it may carry). */
  furnisher: 'BANK' | 'INSURER';
  /** Field names in errors: `correction` for a dispute, `` for correctCreditRecord's arguments. */
  fieldPrefix: string;
}

export interface HistoryCorrection {
  accountId: string;
  from: { status: string; balance: string };
  to: { status: AccountStatus; balance: string };
  months: MonthChange[];
  /** The prior notice this correction gave (its first adverse month), if any. */
  notice: { id: string; effectiveAt: string } | null;
}

const hasAdverse = (history: string) => [...history].some((c) => CODE_STATUS[c] && isNegativeStatus(CODE_STATUS[c]));

/**
 * Correct a record in the caller's transaction: the months and the current status and balance,
 * checked by the furnishing rules, with one correction mark per changed month, and the prior
 * notice when the correction gives the record its first adverse month (see priorNotice).
 */
export async function correctHistory(tx: Executor, now: Date, record: AccountRow, fix: HistoryFix, by: CorrectionBy) {
  const field = (f: string) => (by.fieldPrefix ? `${by.fieldPrefix}.${f}` : f);
  const months = [...(fix.months ?? [])];
  if (fix.status) {
    const current = months.find((m) => monthOf(m.month) === record.statusMonth);
    if (current && current.status !== fix.status) {
      throw badInput(`${field('status')} disagrees with the correction of ${ym(record.statusMonth)} in months`, { field: field('status') });
    }
    if (!current) months.push({ month: record.statusMonth, status: fix.status });
  }
  const r = correctMonths(record, months);
  if (!r.ok) {
    const at = `${field('months')}.${r.index}.${r.field}`;
    throw badInput(`${at} ${r.reason}`, { field: at });
  }
  const balance = fix.balance ?? record.balance;
  if (new Decimal(balance).isNegative()) throw badInput(`${field('balance')} must not be negative`, { field: field('balance') });
  const problems = checkRecord(
    { ...record, kind: record.kind as AccountKind, status: r.status, balance },
    0,
    by.furnisher,
    businessDate(now),
  );
  if (problems.length) {
    const p = problems[0];
    throw badInput(`${by.fieldPrefix || 'correction'}: ${p.field} ${p.reason}`, { field: by.fieldPrefix || p.field });
  }
  if (r.changes.length === 0 && new Decimal(balance).eq(record.balance)) {
    throw badInput(`${by.fieldPrefix || 'months'}: the correction changes nothing`, { field: by.fieldPrefix || 'months' });
  }
  const notice = await priorNotice(tx, now, record, r, balance);
  await store.updateAccount(tx, record.id, { status: r.status, balance, paymentHistory: r.history, updatedAt: now, ...notice.hold });
  if (r.changes.length) {
    await tx.insert(correctionMarks).values(
      r.changes.map((c) => ({
        accountId: record.id,
        month: c.month,
        fromStatus: c.from,
        toStatus: c.to,
        source: by.source,
        disputeId: by.disputeId ?? null,
        institutionId: by.institutionId ?? null,
        reason: by.reason,
        correctedBy: by.userId,
        correctedAt: now,
      })),
    );
  }
  const out: HistoryCorrection = {
    accountId: record.id,
    from: { status: record.status, balance: record.balance },
    to: { status: r.status, balance },
    months: r.changes,
    notice: notice.given,
  };
  return out;
}

/**
 * A correction that gives a record its first adverse month reports adverse information for the
 * first time: as with furnishing, the borrower gets the prior notice (条例 Art 15) and readers
 * other than the furnisher keep seeing the record as it was until the notice takes effect (unless
 * a notice already given is in effect). A held record left with no adverse month is released: its
 * readers see the corrected truth at once.
 */
async function priorNotice(tx: Executor, now: Date, record: AccountRow, r: { history: string; changes: MonthChange[] }, balance: string) {
  const none = { hold: {}, given: null };
  const adverseNow = hasAdverse(r.history);
  if (!adverseNow) return record.held === null ? none : { hold: { held: null, heldUntil: null }, given: null };
  if (hasAdverse(record.paymentHistory)) return none;
  const prior = (await adverseNoticesFor(tx, [record.id])).get(record.id);
  if (prior && prior.effectiveAt <= now) return none;
  const heldUntil = prior?.effectiveAt ?? adverseNoticeEffectiveAt(now);
  const held = record.held ?? {
    status: record.status,
    balance: record.balance,
    closedOn: record.closedOn,
    statusMonth: record.statusMonth,
    paymentHistory: record.paymentHistory,
  };
  if (prior) return { hold: { held, heldUntil }, given: null };
  const worst = r.changes.reduce<AccountStatus | null>((w, c) => (c.to && isNegativeStatus(c.to) ? worseOf(w, c.to) : w), null)!;
  const inst = await findInstitution(tx, record.institutionId);
  const [n] = await insertNotices(tx, [
    {
      borrowerId: record.borrowerId,
      kind: 'ADVERSE_INFORMATION',
      accountId: record.id,
      institutionId: record.institutionId,
      status: worst,
      balance,
      message: adverseMessage({
        institution: inst?.name ?? record.institutionId,
        kind: record.kind as AccountKind,
        accountRef: record.accountRef,
        status: worst,
        balance,
        effectiveAt: heldUntil,
      }),
      notifiedAt: now,
      effectiveAt: heldUntil,
    },
  ]);
  return { hold: { held, heldUntil }, given: n ? { id: n.id, effectiveAt: n.effectiveAt.toISOString() } : null };
}
