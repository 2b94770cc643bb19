import { z } from 'zod';
import { requireActor } from '../../auth/policy.js';
import type { Context } from '../../context.js';
import type { Executor } from '../../db/client.js';
import { CONSENT_PURPOSES, type ConsentPurpose } from '../../domain.js';
import { forbidden, notFound } from '../../errors.js';
import { decodeCursor, encodeCursor, pageSize, parse, uuid } from '../../validation.js';
import { appendAudit } from '../audit/api.js';
import { creditPolicy } from './policy.js';
import { inquiryWindowStart, NEGATIVE_STATUSES, retentionCutoff, summarize, type CreditSummary } from './rules.js';
import * as store from './store.js';

export { registerBorrower } from './commands/registerBorrower.js';
export { furnishCreditRecords } from './commands/furnishCreditRecords.js';
export { furnishProgrammeAccount, type ProgrammeAccount } from './accounts.js';

/** Same words whether the borrower is unknown or simply has not consented: no existence oracle. */
export const NO_CONSENT = 'No active consent from this borrower for this institution and purpose';

/** A credit profile as the reader may see it. */
export interface ProfileData {
  borrower: store.BorrowerView;
  accounts: store.AccountView[];
  inquiries: store.InquiryView[];
  summary: CreditSummary;
  generatedAt: Date;
}

function profileFromRow(row: store.ProfileRow, now: Date): ProfileData {
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

function profileRead(ctx: Context, borrowerId: string): store.ProfileRead {
  const actor = requireActor(ctx);
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
      userId: actor.userId,
      role: actor.role,
      institutionId: actor.institutionId ?? null,
      borrowerActorId: actor.borrowerId ?? null,
    },
  };
}

/**
 * The profile as `reader` may see it, or null when the reader holds no active consent (or,
 * for the borrower themself, the borrower does not exist). An institution's read records
 * its inquiry and audit entry in the same statement.
 */
export async function readProfileFor(
  ctx: Context,
  borrowerId: string,
  reader: { institutionId: string; purpose: ConsentPurpose } | null,
  tx?: Executor,
): Promise<ProfileData | null> {
  const row = await store.readProfile(ctx.db, { ...profileRead(ctx, borrowerId), institutionRead: reader ?? undefined }, tx);
  return row?.allowed ? profileFromRow(row, ctx.now) : null;
}

const profileArgs = z.object({ borrowerId: uuid, purpose: z.enum(CONSENT_PURPOSES) });

/** A bank or insurer reads a borrower's profile: the consent check, inquiry and audit are the same statement. */
export async function creditProfile(ctx: Context, args: { borrowerId: string; purpose: ConsentPurpose }) {
  const actor = creditPolicy.gate(ctx, 'readProfile');
  const { borrowerId, purpose } = parse(profileArgs, args);
  const profile = await readProfileFor(ctx, borrowerId, { institutionId: actor.institutionId, purpose });
  if (!profile) throw forbidden(NO_CONSENT);
  return profile;
}

export async function myCreditProfile(ctx: Context) {
  const actor = creditPolicy.gate(ctx, 'readOwnProfile');
  const profile = await readProfileFor(ctx, actor.borrowerId, null);
  if (!profile) throw notFound('Borrower');
  return profile;
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
