import { z } from 'zod';
import { requireBorrower, requireInstitution } from '../../auth/policy.js';
import { CONSENT_PURPOSES, BORROWER_CATEGORIES, type AccountStatus, type ConsentPurpose } from '../../domain.js';
import type { Executor } from '../../db/client.js';
import { badInput, conflict, forbidden, notFound } from '../../errors.js';
import type { Context } from '../../context.js';
import { hashNationalId, isValidNationalId, maskNationalId, normalizeNationalId } from '../../identity.js';
import { businessDate, monthOf } from '../../time.js';
import { decodeCursor, encodeCursor, isoDate, pageSize, parse, text, uuid } from '../../validation.js';
import { appendAudit } from '../audit/store.js';
import { checkRecord, type FurnishedRecord, type RecordProblem } from './furnishing.js';
import {
  inquiryWindowStart,
  NEGATIVE_STATUSES,
  recordMonthlyStatus,
  retentionCutoff,
  summarize,
} from './rules.js';
import * as store from './store.js';

/** Same words whether the borrower is unknown or simply has not consented: no existence oracle. */
export const NO_CONSENT = 'No active consent from this borrower for this institution and purpose';

function profileFromRow(row: store.ProfileRow, now: Date) {
  const accounts = row.accounts ?? [];
  return {
    borrower: row.borrower!,
    accounts,
    inquiries: row.inquiries ?? [],
    summary: summarize(
      accounts.map((a) => ({ ...a, disputed: a.dispute !== null })),
      row.inquiries_6m,
      now,
    ),
    generatedAt: now,
  };
}

function profileRead(ctx: Context, borrowerId: string) {
  const historyStart = new Date(ctx.now);
  historyStart.setUTCMonth(historyStart.getUTCMonth() - 24);
  return {
    borrowerId,
    now: ctx.now,
    retentionCutoff: retentionCutoff(ctx.now),
    inquiryWindowStart: inquiryWindowStart(ctx.now),
    inquiryHistoryStart: historyStart,
    negativeStatuses: NEGATIVE_STATUSES,
    audit: {
      requestId: ctx.requestId,
      userId: ctx.actor!.userId,
      role: ctx.actor!.role,
      institutionId: ctx.actor!.institutionId ?? null,
      borrowerActorId: ctx.actor!.borrowerId ?? null,
    },
  };
}

export type ProfileData = ReturnType<typeof profileFromRow>;

/**
 * The profile as `reader` may see it, or null when the reader holds no active consent (or,
 * for the borrower themself, the borrower does not exist). An institution's read records
 * its inquiry and audit entry in the same statement.
 */
export async function readProfileFor(ctx: Context, borrowerId: string, reader: { institutionId: string; purpose: ConsentPurpose } | null, tx?: Executor) {
  const row = await store.readProfile(ctx.db, { ...profileRead(ctx, borrowerId), institutionRead: reader ?? undefined }, tx);
  return row?.allowed ? profileFromRow(row, ctx.now) : null;
}

const profileArgs = z.object({ borrowerId: uuid, purpose: z.enum(CONSENT_PURPOSES) });

export async function creditProfile(ctx: Context, args: { borrowerId: string; purpose: ConsentPurpose }) {
  const actor = requireInstitution(ctx);
  const { borrowerId, purpose } = parse(profileArgs, args);
  const profile = await readProfileFor(ctx, borrowerId, { institutionId: actor.institutionId, purpose });
  if (!profile) throw forbidden(NO_CONSENT);
  return profile;
}

export async function myCreditProfile(ctx: Context) {
  const actor = requireBorrower(ctx);
  const profile = await readProfileFor(ctx, actor.borrowerId, null);
  if (!profile) throw notFound('Borrower');
  return profile;
}

const pageArgs = z.object({ first: pageSize(100), after: z.string().nullish() });

export async function customers(ctx: Context, args: { first: number; after?: string | null }) {
  const actor = requireInstitution(ctx);
  const { first, after } = parse(pageArgs, args);
  const afterId = decodeCursor(after, (s) => uuid.safeParse(s).success);
  const page = await store.customerPage(ctx.db.orm, actor.institutionId, afterId, first + 1);
  const nodes = page.slice(0, first);
  if (nodes.length) {
    await appendAudit(ctx.db.orm, ctx, {
      action: 'credit.customers.read',
      targetType: 'institution',
      targetId: actor.institutionId,
      detail: { borrowerIds: nodes.map((n) => n.borrower.id) },
    });
  }
  return {
    nodes: nodes.map((n) => ({ ...n, institutionId: actor.institutionId })),
    pageInfo: { hasNextPage: page.length > first, endCursor: nodes.length ? encodeCursor(nodes[nodes.length - 1].borrower.id) : null },
  };
}

const registerInput = z.object({
  name: text(200),
  nationalId: z
    .string()
    .transform(normalizeNationalId)
    .refine(isValidNationalId, 'is not a valid resident identity number or unified social credit code'),
  category: z.enum(BORROWER_CATEGORIES),
  // '|' and '=' separate the keys of the metrics' groups
  county: text(100).refine((v) => !/[|=]/.test(v), 'must not contain | or ='),
  sector: text(100).refine((v) => !/[|=]/.test(v), 'must not contain | or ='),
  registeredOn: isoDate,
});

export async function registerBorrower(ctx: Context, input: unknown) {
  const actor = requireInstitution(ctx);
  const b = parse(registerInput, input, 'input');
  if (b.registeredOn > businessDate(ctx.now)) throw badInput('input.registeredOn is in the future', { field: 'input.registeredOn' });
  const hash = hashNationalId(b.nationalId, ctx.config.nationalIdPepper);
  return ctx.db.orm.transaction(async (tx) => {
    let borrower = await store.insertBorrower(tx, {
      name: b.name,
      category: b.category,
      nationalIdHash: hash,
      nationalIdMasked: maskNationalId(b.nationalId),
      county: b.county,
      sector: b.sector,
      registeredOn: b.registeredOn,
      createdAt: ctx.now,
    });
    const created = !!borrower;
    if (!borrower) {
      borrower = (await store.findBorrowerByIdHash(tx, hash))!;
      if (borrower.name !== b.name) throw conflict('The identity number is registered under a different name');
    }
    await store.linkCustomer(tx, actor.institutionId, borrower.id, ctx.now);
    await appendAudit(tx, ctx, {
      action: created ? 'borrower.registered' : 'borrower.linked',
      targetType: 'borrower',
      targetId: borrower.id,
      borrowerId: borrower.id,
    });
    return borrower;
  });
}

const MAX_BATCH = 1000;

export async function furnishCreditRecords(ctx: Context, records: FurnishedRecord[]) {
  const actor = requireInstitution(ctx);
  if (!Array.isArray(records) || records.length === 0) throw badInput('records must not be empty', { field: 'records' });
  if (records.length > MAX_BATCH) throw badInput(`at most ${MAX_BATCH} records per batch`, { field: 'records' });
  const today = businessDate(ctx.now);
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

  return ctx.db.orm.transaction(async (tx) => {
    const borrowerIds = [...new Set(records.map((r) => r.borrowerId))];
    const customers = await store.customerIds(tx, actor.institutionId, borrowerIds);
    const existing = new Map((await store.lockOwnAccounts(tx, actor.institutionId, records.map((r) => r.accountRef))).map((a) => [a.accountRef, a]));
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
        problems.push({ index: i, field: 'statusMonth', reason: `is before the last reported month ${prev!.statusMonth.slice(0, 7)}; dispute past months instead` });
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
        createdAt: ctx.now,
        updatedAt: ctx.now,
      });
    });
    if (problems.length) throw rejectBatch(problems);
    const saved = await saveAccounts(tx, ctx, rows, new Set(existing.keys()), 'furnished');
    const created = saved.filter((a) => !existing.has(a.accountRef)).length;
    return { created, updated: saved.length - created, accounts: saved.map((a) => ({ ...a, dispute: null })) };
  });
}

function rejectBatch(problems: RecordProblem[]) {
  problems.sort((a, b) => a.index - b.index);
  const first = problems[0];
  const more = problems.length > 1 ? ` (${problems.length - 1} more problem${problems.length > 2 ? 's' : ''})` : '';
  return badInput(`Batch rejected, nothing was written: record ${first.index}: ${first.field} ${first.reason}${more}`, {
    recordIndex: first.index,
    problems,
  });
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
 * profile read shows them.
 */
export async function furnishProgrammeAccount(tx: Executor, ctx: Context, rec: ProgrammeAccount) {
  const [prev] = await store.lockOwnAccounts(tx, rec.institutionId, [rec.accountRef]);
  const month = monthOf(rec.asOf);
  // a back-dated event never rewinds the history: it lands in the latest reported month
  const at = prev && month < prev.statusMonth ? prev.statusMonth : month;
  const next = recordMonthlyStatus(prev?.paymentHistory ?? null, prev?.statusMonth ?? null, at, rec.status)!;
  const [saved] = await saveAccounts(tx, ctx, [
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
      createdAt: ctx.now,
      updatedAt: ctx.now,
    },
  ], new Set(prev ? [prev.accountRef] : []), 'programme');
  return saved;
}

/** Upsert furnished accounts and audit each: created or updated, by an institution or by the programme's lifecycle. */
async function saveAccounts(tx: Executor, ctx: Context, rows: store.NewAccountRow[], existingRefs: Set<string>, source: 'furnished' | 'programme') {
  const saved = await store.upsertAccounts(tx, rows);
  await appendAudit(
    tx,
    ctx,
    saved.map((a) => ({
      action: existingRefs.has(a.accountRef) ? 'credit.account.updated' : 'credit.account.created',
      targetType: 'credit_account',
      targetId: a.id,
      borrowerId: a.borrowerId,
      detail: { accountRef: a.accountRef, furnisher: a.institutionId, status: a.status, statusMonth: a.statusMonth, balance: a.balance, source },
    })),
  );
  return saved;
}
