import { z } from 'zod';
import type { ActorOf } from '../../../auth/actor.js';
import type { Context } from '../../../context.js';
import { defineCommand } from '../../../command.js';
import type { Tx } from '../../../db/client.js';
import { badInput, conflict } from '../../../errors.js';
import { parse, text, uuid } from '../../../validation.js';
import { insertNotices } from '../../credit/api.js';
import { findInstitution } from '../../institutions/api.js';
import { applyOverrides, REASON_CODES, type Override } from '../../underwriting/api.js';
import * as decisions from '../decisionStore.js';
import { assessForReview, reviewRow } from './reviewApplication.js';
import { humanReviewPolicy, otherReview } from '../policy.js';
import { assertTransition } from '../rules.js';
import * as store from '../store.js';

const resolveArgs = z.object({
  id: uuid,
  outcome: z.enum(['UPHOLD', 'OVERTURN']),
  justification: text(1000),
  overrides: z
    .array(z.object({ code: z.enum(REASON_CODES), justification: text(500) }))
    .max(REASON_CODES.length)
    .nullish(),
});
type Args = z.output<typeof resolveArgs>;

/**
 * The declining institution answers a borrower's request for human review. UPHOLD keeps the
 * decline. OVERTURN assesses again now (reading the profile under the review's purpose: an
 * inquiry), sets aside the failing reasons the reviewer overrides (only reasons resting on
 * disputed or unverifiable records; a hard limit never), and replaces the decline with an
 * approval: the old review is kept, superseded; the application goes back to SUBMITTED, or to
 * APPROVED when the other institution already approved. Either way the borrower gets a notice.
 */
export const resolveHumanReview = defineCommand({
  name: 'resolveHumanReview',
  gate: (ctx) => humanReviewPolicy.gate(ctx, 'resolve'),
  parse: (args: z.input<typeof resolveArgs>) => parse(resolveArgs, args),
  idempotent: true,
  async run({ ctx, tx, actor, now, record }, a) {
    const hr = humanReviewPolicy.authorize(actor, 'resolve', await decisions.lockHumanReview(tx, a.id));
    if (hr.status !== 'OPEN') throw conflict(`The human review is already ${hr.status}`, { currentState: hr.status });
    const app = (await store.lockApplication(tx, hr.applicationId))!;
    let outcome: { status: string; reviewId?: string; overrides: Override[]; approved: boolean } = {
      status: app.status,
      overrides: [],
      approved: false,
    };
    if (a.outcome === 'UPHOLD') {
      if (a.overrides?.length) throw badInput('overrides: only an OVERTURN sets reasons aside', { field: 'overrides' });
    } else {
      outcome = await overturn(ctx, tx, actor, hr, app, a, now);
    }
    const resolved = await decisions.updateHumanReview(tx, hr.id, {
      status: a.outcome === 'UPHOLD' ? 'UPHELD' : 'OVERTURNED',
      justification: a.justification,
      overrides: outcome.overrides,
      resolvedBy: actor.userId,
      resolvedAt: now,
    });
    const institution = await findInstitution(tx, actor.institutionId);
    await insertNotices(tx, [
      {
        borrowerId: app.borrowerId,
        kind: 'HUMAN_REVIEW_RESOLVED',
        institutionId: actor.institutionId,
        message: noticeMessage(institution?.name ?? actor.institutionId, app, a, outcome),
        notifiedAt: now,
        effectiveAt: now,
      },
    ]);
    record({
      action: 'human_review.resolved',
      targetType: 'human_review',
      targetId: hr.id,
      borrowerId: app.borrowerId,
      detail: {
        applicationId: app.id,
        outcome: a.outcome,
        reviewId: hr.reviewId,
        newReviewId: outcome.reviewId ?? null,
        overrides: outcome.overrides.map((o) => o.code),
        status: outcome.status,
      },
      // an overturn that completes both approvals counts as the application's approval
      metrics: { applicationId: app.id, deltas: { approvals: outcome.approved ? 1 : 0 } },
    });
    return resolved;
  },
});

async function overturn(
  ctx: Context,
  tx: Tx,
  actor: ActorOf<'BANK' | 'INSURER'>,
  hr: decisions.HumanReviewRow,
  app: store.ApplicationRow,
  a: Args,
  now: Date,
) {
  const old = await decisions.lockReview(tx, hr.reviewId);
  if (!old || old.supersededAt) throw conflict('The decline was already replaced', { currentState: app.status });
  const other = otherReview(actor, await store.reviewsOf(tx, [app.id]));
  const status = other?.decision === 'APPROVE' ? 'APPROVED' : 'SUBMITTED';
  assertTransition('Application', app.status, status, 'overturn the decline');
  const decision = await assessForReview(ctx, tx, app, actor);
  const overrides = applyOverrides(decision.reasons, a.overrides ?? []);
  // the old decline first: one review in force per role
  await decisions.supersedeReview(tx, old.id, now);
  const review = await store.insertReview(tx, {
    ...reviewRow(app.id, actor, 'APPROVE', [], decision, now),
    overrides,
    humanReviewId: hr.id,
  });
  await store.updateApplication(tx, app.id, { status, decidedAt: now, updatedAt: now });
  return { status, reviewId: review.id, overrides, approved: status === 'APPROVED' };
}

function noticeMessage(
  institution: string,
  app: { amount: string; termYears: number },
  a: Args,
  outcome: { status: string; overrides: Override[] },
): string {
  const head = `${institution}已完成对您 ${app.amount} 元、${app.termYears} 年期贷款申请的人工复核：`;
  if (a.outcome === 'UPHOLD') return `${head}维持拒绝决定。复核意见：${a.justification}`;
  const set = outcome.overrides.length ? `，并放宽了 ${outcome.overrides.length} 项依据有异议或无法核实记录的规则` : '';
  const next = outcome.status === 'APPROVED' ? '您的申请已获批准。' : '您的申请已回到审查中，等待另一家机构审查。';
  return `${head}撤销拒绝决定，改为批准${set}。${next}复核意见：${a.justification}`;
}
