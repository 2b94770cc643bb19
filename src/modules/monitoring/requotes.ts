/**
 * Re-quotes (issue 12 §4): every open application (SUBMITTED or APPROVED, no policy yet) of a
 * borrower whose current review predates a correction of the borrower's file is assessed again
 * with the file as readers see it now, by underwriting's pure `decide()`, and the old and new
 * grade, price and eligibility are kept side by side (application_requotes; Application.requotes).
 * The platform reads the file for this itself: no inquiry is recorded (no institution asked, and
 * the borrower's inquiry count must not grow), the read is audited. The review stands: the
 * requote is a mark for the reviewers, not a new decision.
 */
import { asc, inArray, sql } from 'drizzle-orm';
import type { Context } from '../../context.js';
import { rows, type Executor } from '../../db/client.js';
import { applicationRequotes } from '../../db/schema/index.js';
import { defineLoader, groupBy } from '../../loaders.js';
import { readProfileInternal, type ProfileData } from '../credit/api.js';
import { appendAudit } from '../audit/api.js';
import { appendEvents, type DomainChange } from '../events/api.js';
import { programmeFacts } from '../lending/api.js';
import { parametersInForce } from '../parameters/api.js';
import type { Grade } from '../parameters/rules.js';
import { decide, type Assessment, type LoanRequest, type Price } from '../underwriting/api.js';
import { uuidList } from './store.js';

/** The audit action of the platform's own read of the file for a re-quote. */
export const REQUOTE_READ = 'credit.profile.read_for_requote';

interface OpenReview {
  cause_event_id: string;
  review_id: string;
  application_id: string;
  borrower_id: string;
  grade: string;
  price: Price;
  eligible: boolean;
  amount: string;
  term_years: number;
  interest_rate: string;
  repayment_method: LoanRequest['repaymentMethod'];
}

/** Each current review of an open application, reviewed before the cause, not yet re-quoted for it: one statement for the batch. */
function openReviews(tx: Executor, causeEventIds: readonly string[]) {
  return rows<OpenReview>(
    tx,
    sql`select e.id as cause_event_id, r.id as review_id, a.id as application_id, a.borrower_id, r.grade, r.price, r.eligible,
          a.amount::text as amount, a.term_years, a.interest_rate::text as interest_rate, a.repayment_method
        from domain_events e
        join applications a on a.borrower_id = e.borrower_id and a.status in ('SUBMITTED', 'APPROVED')
        join application_reviews r on r.application_id = a.id and r.superseded_at is null and r.reviewed_at < e.occurred_at
        where e.id in (${uuidList(causeEventIds)})
          and not exists (select 1 from policies p where p.application_id = a.id)
          and not exists (select 1 from application_requotes q where q.review_id = r.id and q.cause_event_id = e.id)
        order by e.seq, a.id, r.id`,
  );
}

/**
 * Re-quote the open applications the causes (correction events of this batch) touch. One
 * assessment per application, one profile read per borrower, whatever the number of causes and
 * reviews; one requote row per (review, cause). Returns the rows written.
 */
export async function requoteOpenApplications(tx: Executor, ctx: Context, causeEventIds: readonly string[]): Promise<number> {
  if (!causeEventIds.length) return 0;
  const open = await openReviews(tx, causeEventIds);
  if (!open.length) return 0;
  const params = await parametersInForce(ctx, ctx.now, tx);
  const profiles = new Map<string, ProfileData | null>();
  const quotes = new Map<string, Omit<Assessment, 'borrowerId'> | null>();
  // sequential: a transaction is one connection
  for (const o of open) {
    if (quotes.has(o.application_id)) continue;
    if (!profiles.has(o.borrower_id)) profiles.set(o.borrower_id, await readProfileInternal(ctx, o.borrower_id, REQUOTE_READ, tx));
    const profile = profiles.get(o.borrower_id)!;
    if (!profile) {
      quotes.set(o.application_id, null);
      continue;
    }
    const facts = await programmeFacts(tx, o.borrower_id, o.application_id);
    const request: LoanRequest = {
      amount: o.amount,
      termYears: o.term_years,
      interestRate: o.interest_rate,
      repaymentMethod: o.repayment_method,
    };
    quotes.set(o.application_id, decide(profile, facts, request, params, ctx.now));
  }
  const values = open.flatMap((o) => {
    const q = quotes.get(o.application_id);
    if (!q) return [];
    return [
      {
        applicationId: o.application_id,
        reviewId: o.review_id,
        causeEventId: o.cause_event_id,
        oldGrade: o.grade,
        newGrade: q.score.grade,
        oldPrice: o.price,
        newPrice: q.price,
        oldEligible: o.eligible,
        newEligible: q.eligible,
        createdAt: ctx.now,
      },
    ];
  });
  if (!values.length) return 0;
  const written = await tx.insert(applicationRequotes).values(values).onConflictDoNothing().returning();
  const borrowerOf = new Map(open.map((o) => [o.application_id, o.borrower_id]));
  const changes: DomainChange[] = written.map((r) => ({
    action: 'application.requoted',
    targetType: 'application',
    targetId: r.applicationId,
    borrowerId: borrowerOf.get(r.applicationId) ?? null,
    detail: {
      requoteId: r.id,
      reviewId: r.reviewId,
      causeEventId: r.causeEventId,
      oldGrade: r.oldGrade,
      newGrade: r.newGrade,
      oldEligible: r.oldEligible,
      newEligible: r.newEligible,
      parameterVersion: params.version,
    },
  }));
  await appendAudit(tx, ctx, changes);
  await appendEvents(tx, ctx, changes);
  return written.length;
}

/** A requote as the Requote type shows it. */
export interface RequoteView {
  applicationId: string;
  reviewId: string;
  causeEventId: string;
  oldGrade: Grade;
  newGrade: Grade;
  oldPrice: Price;
  newPrice: Price;
  oldEligible: boolean;
  newEligible: boolean;
  createdAt: Date;
}

const requoteView = (r: typeof applicationRequotes.$inferSelect): RequoteView => ({
  applicationId: r.applicationId,
  reviewId: r.reviewId,
  causeEventId: r.causeEventId,
  oldGrade: r.oldGrade as Grade,
  newGrade: r.newGrade as Grade,
  oldPrice: r.oldPrice as Price,
  newPrice: r.newPrice as Price,
  oldEligible: r.oldEligible,
  newEligible: r.newEligible,
  createdAt: r.createdAt,
});

/** Each application's requotes, oldest first (Application.requotes): one statement per page of applications. */
export const requotesByApplication = defineLoader(async (ctx, ids: readonly string[]) =>
  groupBy(
    (
      await ctx.db.orm
        .select()
        .from(applicationRequotes)
        .where(inArray(applicationRequotes.applicationId, [...ids]))
        .orderBy(asc(applicationRequotes.createdAt), asc(applicationRequotes.id))
    ).map(requoteView),
    (r) => r.applicationId,
    ids,
  ),
);

/** Application.requotes (merged into the schema's resolvers; the Application's own policy already decided who sees it). */
export const requoteResolvers = {
  Application: {
    requotes: (app: { id: string }, _args: unknown, ctx: Context): Promise<RequoteView[]> => requotesByApplication(ctx).load(app.id),
  },
};
