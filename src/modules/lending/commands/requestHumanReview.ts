import { z } from 'zod';
import { defineCommand } from '../../../command.js';
import { conflict, PgCode, pgErrorCode } from '../../../errors.js';
import { parse, text, uuid } from '../../../validation.js';
import * as decisions from '../decisionStore.js';
import { humanReviewPolicy } from '../policy.js';
import * as store from '../store.js';

const requestArgs = z.object({ applicationId: uuid, statement: text(500) });

const ALREADY = 'A human review of this decline was already requested';

/**
 * The application's borrower asks that a person reconsider an institution's decline (PIPL
 * Art 24), with their statement. It concerns the application's most recent decline still in
 * force; one request per decline.
 */
export const requestHumanReview = defineCommand({
  name: 'requestHumanReview',
  gate: (ctx) => humanReviewPolicy.gate(ctx, 'request'),
  parse: (args: z.input<typeof requestArgs>) => parse(requestArgs, args),
  idempotent: true,
  async run({ tx, actor, now, record }, a) {
    const app = humanReviewPolicy.authorize(actor, 'request', await store.lockApplication(tx, a.applicationId));
    const decline = await decisions.currentDecline(tx, app.id);
    if (!decline)
      throw conflict(`No decline of this application to reconsider: the application is ${app.status}`, { currentState: app.status });
    if (await decisions.humanReviewOfReview(tx, decline.id)) throw conflict(ALREADY, { currentState: app.status });
    const hr = await decisions.insertHumanReview(tx, {
      applicationId: app.id,
      borrowerId: app.borrowerId,
      institutionId: decline.institutionId,
      reviewId: decline.id,
      statement: a.statement,
      status: 'OPEN',
      requestedAt: now,
    });
    record({
      action: 'human_review.requested',
      targetType: 'human_review',
      targetId: hr.id,
      borrowerId: app.borrowerId,
      detail: { applicationId: app.id, reviewId: decline.id, institutionId: decline.institutionId },
    });
    return hr;
  },
  mapError: (err) => (pgErrorCode(err) === PgCode.uniqueViolation ? conflict(ALREADY) : undefined),
});
