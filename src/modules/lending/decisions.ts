import { z } from 'zod';
import type { Context } from '../../context.js';
import { parse } from '../../validation.js';
import { appendAudit } from '../audit/api.js';
import { parameterVersion, type ProgrammeParameters } from '../parameters/api.js';
import {
  completeFactor,
  completeReason,
  decisionSummary,
  explainPrice,
  keyFactors,
  type Factor,
  type Override,
  type Price,
  type Reason,
} from '../underwriting/api.js';
import * as decisions from './decisionStore.js';
import { decisionPolicy, humanReviewPolicy } from './policy.js';
import type { ReviewRow } from './store.js';

/** One decision about the borrower, explained (PIPL Art 24): a review row, in force or superseded. */
export interface DecisionView {
  id: string;
  applicationId: string;
  institutionId: string;
  reviewerRole: string;
  decision: string;
  eligible: boolean;
  grade: string;
  score: number;
  summary: string;
  reasons: Reason[];
  institutionReasons: string[];
  keyFactors: Factor[];
  priceExplanation: string;
  price: Price;
  parameterVersion: number;
  decidedAt: Date;
  overrides: Override[];
  humanReview: decisions.HumanReviewRow | null;
  current: boolean;
}

/** A stored review's rule reasons, with the explanation fields a review stored before them lacks. */
export const reviewReasons = (r: Pick<ReviewRow, 'eligibilityReasons'>): Reason[] =>
  ((r.eligibilityReasons ?? []) as Reason[]).map((x) => completeReason(x));
export const reviewFactors = (r: Pick<ReviewRow, 'factors'>): Factor[] => ((r.factors ?? []) as Factor[]).map((f) => completeFactor(f));
export const storedOverrides = (r: { overrides: unknown }): Override[] => (r.overrides ?? []) as Override[];

/** One answer is bounded like every list: a borrower's newest decisions. */
export const DECISIONS_LIMIT = 200;

/** Every review of the borrower's applications, newest first, superseded ones too (current: false). */
export async function myDecisions(ctx: Context): Promise<DecisionView[]> {
  const actor = decisionPolicy.gate(ctx, 'readOwn');
  const found = await decisions.decisionsOf(ctx.db.orm, actor.borrowerId, DECISIONS_LIMIT);
  const asked = await decisions.humanReviewsOfReviews(
    ctx.db.orm,
    found.map((f) => f.review.id),
  );
  const params = new Map<number, ProgrammeParameters | undefined>();
  for (const v of new Set(found.map((f) => f.review.parameterVersion))) params.set(v, (await parameterVersion(ctx.db, v))?.document);
  return found.map(({ review: r, amount, termYears, institutionName }) => {
    const reasons = reviewReasons(r);
    const overrides = storedOverrides(r);
    const price = r.price as Price;
    const current = r.supersededAt === null;
    return {
      id: r.id,
      applicationId: r.applicationId,
      institutionId: r.institutionId,
      reviewerRole: r.reviewerRole,
      decision: r.decision,
      eligible: r.eligible,
      grade: r.grade,
      score: r.score,
      summary: decisionSummary({ ...r, institutionName, amount, termYears, reasons, overrides, current }),
      reasons,
      institutionReasons: (r.reasons ?? []) as string[],
      keyFactors: keyFactors((r.factors ?? []) as Factor[]),
      priceExplanation: explainPrice(price, r.grade, termYears, params.get(r.parameterVersion)),
      price,
      parameterVersion: r.parameterVersion,
      decidedAt: r.reviewedAt,
      overrides,
      humanReview: asked.find((h) => h.reviewId === r.id) ?? null,
      current,
    };
  });
}

const HUMAN_REVIEW_STATUSES = ['OPEN', 'UPHELD', 'OVERTURNED'] as const;
const listArgs = z.object({ status: z.enum(HUMAN_REVIEW_STATUSES).nullish() });
/** One answer is bounded like every list. */
export const HUMAN_REVIEWS_LIMIT = 200;

/** The human reviews of the institution's declines, oldest first: each carries the borrower's statement, so the read is audited. */
export async function humanReviewsToAnswer(ctx: Context, args: { status?: string | null }) {
  const actor = humanReviewPolicy.gate(ctx, 'list');
  const a = parse(listArgs, args);
  const list = await decisions.humanReviewsFor(ctx.db.orm, actor.institutionId, a.status ?? undefined, HUMAN_REVIEWS_LIMIT);
  if (list.length) {
    await appendAudit(ctx.db.orm, ctx, {
      action: 'human_review.read',
      targetType: 'human_review',
      targetId: list.length === 1 ? list[0].id : undefined,
      borrowerId: list.length === 1 ? list[0].borrowerId : null,
      detail: { ids: list.map((h) => h.id) },
    });
  }
  return list;
}
