import { z } from 'zod';
import { requireActor } from '../../auth/policy.js';
import type { Context } from '../../context.js';
import type { Executor } from '../../db/client.js';
import { CONSENT_PURPOSES, type AccountStatus, type ConsentPurpose } from '../../domain.js';
import { badInput, forbidden, notFound } from '../../errors.js';
import { businessDate } from '../../time.js';
import { decodeCursor, encodeCursor, pageSize, parse, uuid } from '../../validation.js';
import { appendAudit } from '../audit/api.js';
import { publicRecordsForProfile, type PublicRecordView } from '../records/api.js';
import type { StatementView } from './annotations.js';
import { creditPolicy } from './policy.js';
import {
  readProfile,
  WORST_ORDER,
  type AccountFact,
  type InquiryFact,
  type InquiryView,
  type PageKey,
  type ProfileRead,
  type ProfileRow,
} from './profile.js';
import { inquiryWindowStart, needsOpenRelationship, retentionCutoff } from './rules.js';
import * as store from './store.js';

export { registerBorrower } from './commands/registerBorrower.js';
export { furnishCreditRecords } from './commands/furnishCreditRecords.js';
export { furnishProgrammeAccount, type ProgrammeAccount } from './accounts.js';

/** Same words whether the borrower is unknown or simply has not consented: no existence oracle. */
export const NO_CONSENT = 'No active consent from this borrower for this institution and purpose';

/** The default and the largest page of a profile's accounts. */
export const DEFAULT_ACCOUNT_LIMIT = 100;
export const MAX_ACCOUNT_LIMIT = 200;

/** Computed over every visible account of the file, however many, whatever the page. */
export interface ProfileSummary {
  accounts: number;
  openAccounts: number;
  totalBalance: string;
  worstStatus24Months: AccountStatus | null;
  /** Hard inquiries (the same number as hardInquiriesLast6Months; kept for old clients). */
  inquiriesLast6Months: number;
  hardInquiriesLast6Months: number;
  softInquiriesLast6Months: number;
  disputedAccounts: number;
  publicRecords: number;
  activePublicRecords: number;
}

/** A credit profile as the reader may see it (the CreditProfile type's parent). */
export interface ProfileView {
  borrower: store.BorrowerView;
  /** One page of accounts: open adverse first, then open, then closed; newest opened first. */
  accounts: store.AccountView[];
  /** The next page's accountsAfter; null on the last page. */
  accountsCursor: string | null;
  publicRecords: PublicRecordView[];
  /** Inquiries in the last 24 months, newest first (at most 100). */
  inquiries: InquiryView[];
  summary: ProfileSummary;
  /** The borrower's statements on the whole file. */
  statements: StatementView[];
  generatedAt: Date;
}

/** The profile a decision reads (eligibility, scoring): the view, and the facts of the whole file. */
export interface ProfileData extends ProfileView {
  /**
   * Every visible account (held view and retention applied), slim, in no particular order: what
   * eligibility and scoring rest on. A decision must see the whole file, not a page.
   */
  facts: AccountFact[];
  /** Every hard inquiry in the inquiry window (the displayed list is capped at 100, soft ones included). */
  hardInquiries: InquiryFact[];
}

const KEY = /^([0-2])\|(\d{4}-\d{2}-\d{2})\|([0-9a-f-]{36})$/;

function parseKey(s: string): PageKey | undefined {
  const m = KEY.exec(s);
  return m && uuid.safeParse(m[3]).success ? { rank: Number(m[1]), openedOn: m[2], id: m[3] } : undefined;
}

function decodeAfter(after: string | null | undefined): PageKey | undefined {
  try {
    const key = decodeCursor(after, (s) => parseKey(s) !== undefined);
    return key === undefined ? undefined : parseKey(key);
  } catch {
    throw badInput('accountsAfter is not a valid cursor', { field: 'accountsAfter' });
  }
}

function profileFromRow(row: ProfileRow, publicRecords: PublicRecordView[], now: Date): ProfileView {
  const s = row.summary!;
  const counts = row.inquiry_counts;
  return {
    borrower: row.borrower!,
    accounts: row.accounts ?? [],
    accountsCursor: row.next_key ? encodeCursor(row.next_key) : null,
    publicRecords,
    inquiries: row.inquiries ?? [],
    summary: {
      accounts: s.accounts,
      openAccounts: s.openAccounts,
      totalBalance: s.totalBalance,
      worstStatus24Months: s.worstRank === null ? null : WORST_ORDER[s.worstRank - 1],
      inquiriesLast6Months: counts.hard,
      hardInquiriesLast6Months: counts.hard,
      softInquiriesLast6Months: counts.soft,
      disputedAccounts: s.disputedAccounts,
      publicRecords: publicRecords.length,
      activePublicRecords: publicRecords.filter((r) => r.status === 'ACTIVE').length,
    },
    statements: row.statements ?? [],
    generatedAt: now,
  };
}

const monthIndex = (date: string) => Number(date.slice(0, 4)) * 12 + Number(date.slice(5, 7)) - 1;

function profileRead(ctx: Context, borrowerId: string, page: ProfileRead['page'], withFacts: boolean): ProfileRead {
  const actor = requireActor(ctx);
  const historyStart = new Date(ctx.now);
  historyStart.setUTCMonth(historyStart.getUTCMonth() - 24);
  return {
    borrowerId,
    now: ctx.now,
    currentMonth: monthIndex(businessDate(ctx.now)),
    retentionCutoff: retentionCutoff(ctx.now),
    inquiryWindowStart: inquiryWindowStart(ctx.now),
    inquiryHistoryStart: historyStart,
    audit: {
      requestId: ctx.requestId,
      userId: actor.userId,
      role: actor.role,
      institutionId: actor.institutionId ?? null,
      borrowerActorId: actor.borrowerId ?? null,
    },
    page,
    withFacts,
  };
}

const FURNISHING_READS_NOTHING = 'purpose FURNISHING lets an institution report accounts; it reads nothing (use a reading purpose)';

type Reader = { institutionId: string; purpose: ConsentPurpose } | null;

/**
 * One read: the statement (consent or own access, inquiry, audit, the file), then, only once it
 * allowed the read, the public records.
 */
async function read(
  ctx: Context,
  borrowerId: string,
  reader: Reader,
  page: ProfileRead['page'],
  withFacts: boolean,
  tx?: Executor,
  withRecords = true,
) {
  if (reader?.purpose === 'FURNISHING') throw badInput(FURNISHING_READS_NOTHING, { field: 'purpose' });
  const institutionRead = reader ? { ...reader, needsOpenAccount: needsOpenRelationship(reader.purpose) } : undefined;
  const row = await readProfile(ctx.db, { ...profileRead(ctx, borrowerId, page, withFacts), institutionRead }, tx);
  if (!row?.allowed) return null;
  // a GraphQL read that selects no public record (nor their counts) spares the second statement
  const records = withRecords ? await publicRecordsForProfile(tx ?? ctx.db.orm, borrowerId, ctx.now) : [];
  return { row, view: profileFromRow(row, records, ctx.now) };
}

/**
 * The profile as `reader` may see it, with the facts of every visible account, or null when the
 * reader holds no active consent (for post-loan and post-insurance management, also no open
 * account of the borrower) or, for the borrower themself, the borrower does not exist. The read
 * records its inquiry (the borrower's own: SELF_ACCESS) and audit entry in the same statement.
 */
export async function readProfileFor(ctx: Context, borrowerId: string, reader: Reader, tx?: Executor): Promise<ProfileData | null> {
  const r = await read(ctx, borrowerId, reader, { limit: DEFAULT_ACCOUNT_LIMIT }, true, tx);
  return r && { ...r.view, facts: r.row.facts ?? [], hardInquiries: r.row.inquiry_facts ?? [] };
}

/**
 * The file as every reader sees it now (held views, retention), read by the platform itself to
 * re-quote an open application after a correction: no consent, no inquiry (no institution asked;
 * the borrower's inquiry count must not grow), an audit entry `action`. Null: no such borrower.
 */
export async function readProfileInternal(ctx: Context, borrowerId: string, action: string, tx: Executor): Promise<ProfileData | null> {
  const p = { ...profileRead(ctx, borrowerId, { limit: DEFAULT_ACCOUNT_LIMIT }, true), internalRead: { action } };
  const row = await readProfile(ctx.db, p, tx);
  if (!row?.allowed) return null;
  const view = profileFromRow(row, await publicRecordsForProfile(tx, borrowerId, ctx.now), ctx.now);
  return { ...view, facts: row.facts ?? [], hardInquiries: row.inquiry_facts ?? [] };
}

const accountPageArgs = {
  accountLimit: pageSize(MAX_ACCOUNT_LIMIT)
    .nullish()
    .transform((n) => n ?? DEFAULT_ACCOUNT_LIMIT),
  accountsAfter: z.string().nullish(),
};
const profileArgs = z.object({
  borrowerId: uuid,
  purpose: z.enum(CONSENT_PURPOSES).refine((p) => p !== 'FURNISHING', FURNISHING_READS_NOTHING),
  ...accountPageArgs,
});
const ownProfileArgs = z.object(accountPageArgs);

interface PageArgs {
  accountLimit?: number | null;
  accountsAfter?: string | null;
}

/** A bank or insurer reads a borrower's profile: the consent check, inquiry and audit are the same statement. */
/** `publicRecords: false`: the caller will not show the public records nor their counts (the GraphQL selection). */
interface ReadOptions {
  publicRecords?: boolean;
}

export async function creditProfile(
  ctx: Context,
  args: { borrowerId: string; purpose: ConsentPurpose } & PageArgs,
  opts: ReadOptions = {},
) {
  const actor = creditPolicy.gate(ctx, 'readProfile');
  const { borrowerId, purpose, accountLimit, accountsAfter } = parse(profileArgs, args);
  const page = { limit: accountLimit, after: decodeAfter(accountsAfter) };
  const profile = await read(ctx, borrowerId, { institutionId: actor.institutionId, purpose }, page, false, undefined, opts.publicRecords);
  if (!profile) throw forbidden(NO_CONSENT);
  return profile.view;
}

/** The borrower reads their own file (recorded as a soft SELF_ACCESS inquiry). */
export async function myCreditProfile(ctx: Context, args: PageArgs = {}, opts: ReadOptions = {}) {
  const actor = creditPolicy.gate(ctx, 'readOwnProfile');
  const { accountLimit, accountsAfter } = parse(ownProfileArgs, args);
  const page = { limit: accountLimit, after: decodeAfter(accountsAfter) };
  const profile = await read(ctx, actor.borrowerId, null, page, false, undefined, opts.publicRecords);
  if (!profile) throw notFound('Borrower');
  return profile.view;
}

/** A borrower the institution serves; its accounts are the institution's own (a loader). */
export interface CustomerNode {
  since: Date;
  borrower: store.BorrowerView;
  institutionId: string;
}

const pageArgs = z.object({ first: pageSize(100), after: z.string().nullish() });

export async function customers(ctx: Context, args: { first: number; after?: string | null }) {
  const actor = creditPolicy.gate(ctx, 'listCustomers');
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
    nodes: nodes.map((n): CustomerNode => ({ ...n, institutionId: actor.institutionId })),
    pageInfo: { hasNextPage: page.length > first, endCursor: nodes.length ? encodeCursor(nodes[nodes.length - 1].borrower.id) : null },
  };
}
