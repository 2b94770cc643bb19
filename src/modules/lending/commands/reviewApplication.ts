import { z } from 'zod';
import type { ActorOf } from '../../../auth/actor.js';
import type { Context } from '../../../context.js';
import type { Tx } from '../../../db/client.js';
import { defineCommand } from '../../../command.js';
import { badInput, conflict } from '../../../errors.js';
import { parse, text, uuid } from '../../../validation.js';
import { assess, type Assessment, type LoanRequest } from '../../underwriting/api.js';
import { applicationPolicy, otherReview, ownReview, reviewPurpose } from '../policy.js';
import { assertTransition } from '../rules.js';
import * as store from '../store.js';
import type { ApplicationRow } from '../store.js';

const reviewArgs = z.object({
  id: uuid,
  decision: z.enum(['APPROVE', 'DECLINE']),
  reasons: z.array(text(500)).max(20).nullish(),
});

/** The application's bank or insurer reviews it: approval needs eligibility, a decline of an eligible applicant reasons. */
export const reviewApplication = defineCommand({
  name: 'reviewApplication',
  gate: (ctx) => applicationPolicy.gate(ctx, 'review'),
  parse: (args: z.input<typeof reviewArgs>) => parse(reviewArgs, args),
  idempotent: true,
  async run({ ctx, tx, actor, now, record }, a) {
    const app = applicationPolicy.authorize(actor, 'review', await store.lockApplication(tx, a.id));
    // a declined application moves on only through a human review (resolveHumanReview), never a second review
    if (app.status !== 'SUBMITTED')
      throw conflict(`Cannot review the application: the application is ${app.status}`, { currentState: app.status });
    assertTransition('Application', app.status, a.decision === 'APPROVE' ? 'APPROVED' : 'DECLINED', 'review the application');
    const reviews = await store.reviewsOf(tx, [app.id]);
    const mine = ownReview(actor, reviews);
    if (mine) throw conflict(`Your institution already reviewed this application (${mine.decision})`, { currentState: app.status });
    const decision = await assessForReview(ctx, tx, app, actor);
    if (a.decision === 'APPROVE' && !decision.eligible) {
      throw conflict(`Cannot approve: not eligible under parameter version ${decision.parameterVersion}`, {
        reasons: decision.reasons.map((r) => r.code),
        currentState: app.status,
      });
    }
    const reasons = a.reasons ?? [];
    if (a.decision === 'DECLINE' && decision.eligible && reasons.length === 0) {
      throw badInput('reasons: a decline of an eligible applicant must give reasons', { field: 'reasons' });
    }
    const review = await store.insertReview(tx, reviewRow(app.id, actor, a.decision, reasons, decision, now));
    const other = otherReview(actor, reviews);
    const status = a.decision === 'DECLINE' ? 'DECLINED' : other?.decision === 'APPROVE' ? 'APPROVED' : 'SUBMITTED';
    const updated = status === app.status ? app : await store.updateApplication(tx, app.id, { status, decidedAt: now, updatedAt: now });
    record({
      action: 'application.reviewed',
      targetType: 'application',
      targetId: app.id,
      borrowerId: app.borrowerId,
      detail: {
        reviewId: review.id,
        decision: a.decision,
        eligible: decision.eligible,
        grade: decision.score.grade,
        parameterVersion: decision.parameterVersion,
        status,
      },
      metrics: { applicationId: app.id, deltas: { approvals: status === 'APPROVED' ? 1 : 0, declines: status === 'DECLINED' ? 1 : 0 } },
    });
    return updated;
  },
});

/** An institution's review as stored: its decision and the assessment it saw (decision, price, score, parameter version). */
export function reviewRow(
  applicationId: string,
  actor: { institutionId: string; role: string; userId: string },
  decision: 'APPROVE' | 'DECLINE',
  reasons: string[],
  assessment: Assessment,
  now: Date,
) {
  return {
    applicationId,
    institutionId: actor.institutionId,
    reviewerRole: actor.role,
    decision,
    reasons,
    eligible: assessment.eligible,
    eligibilityReasons: assessment.reasons,
    price: assessment.price,
    score: assessment.score.score,
    grade: assessment.score.grade,
    factors: assessment.score.factors,
    scorecardVersion: assessment.score.version,
    parameterVersion: assessment.parameterVersion,
    reviewedBy: actor.userId,
    reviewedAt: now,
  };
}

/** The reviewing institution's assessment of an application: its terms, read under the institution's review consent (an inquiry). */
export function assessForReview(ctx: Context, tx: Tx, app: ApplicationRow, actor: ActorOf<'BANK' | 'INSURER'>) {
  const request: LoanRequest = {
    amount: app.amount,
    termYears: app.termYears,
    interestRate: app.interestRate,
    repaymentMethod: app.repaymentMethod as LoanRequest['repaymentMethod'],
  };
  const reader = { institutionId: actor.institutionId, purpose: reviewPurpose(actor) };
  return assess(ctx, app.borrowerId, request, reader, { excludeApplicationId: app.id, tx });
}
