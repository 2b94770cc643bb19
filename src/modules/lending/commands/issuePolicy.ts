import { defineCommand } from '../../../command.js';
import { businessDate } from '../../../time.js';
import { parse, uuid } from '../../../validation.js';
import { postPolicyPremium } from '../../ledger/api.js';
import { bump } from '../../metrics/api.js';
import { requireVersion } from '../../parameters/api.js';
import type { Price } from '../../underwriting/api.js';
import { furnishPolicy } from '../furnish.js';
import { applicationPolicy, insurerReview } from '../policy.js';
import { assertTransition } from '../rules.js';
import * as store from '../store.js';

/** The insurer issues the policy once both approved, at the price its review saw; the premium is posted. */
export const issuePolicy = defineCommand({
  name: 'issuePolicy',
  gate: (ctx) => applicationPolicy.gate(ctx, 'issue'),
  parse: (args: { applicationId: string }) => ({ applicationId: parse(uuid, args.applicationId, 'applicationId') }),
  idempotent: true,
  async run({ ctx, tx, actor, now, record }, { applicationId }) {
    const app = applicationPolicy.authorize(actor, 'issue', await store.lockApplication(tx, applicationId));
    assertTransition('Application', app.status, 'POLICY_ISSUED', 'issue a policy');
    const review = insurerReview(await store.reviewsOf(tx, [app.id]))!;
    const price = review.price as Price;
    const policy = await store.insertPolicy(tx, {
      applicationId: app.id,
      insurerId: app.insurerId,
      bankId: app.bankId,
      borrowerId: app.borrowerId,
      insuredAmount: app.amount,
      termYears: app.termYears,
      premiumRate: price.premiumRate!,
      premiumAmount: price.premiumAmount!,
      borrowerPremium: price.borrowerPremium!,
      subsidyAmount: price.subsidyPremium!,
      grade: review.grade,
      parameterVersion: review.parameterVersion,
      status: 'ISSUED',
      issuedAt: now,
      updatedAt: now,
    });
    await store.updateApplication(tx, app.id, { status: 'POLICY_ISSUED', updatedAt: now });
    await furnishPolicy(tx, ctx, policy, { status: 'CURRENT', balance: app.amount, asOf: businessDate(now) });
    const money = await postPolicyPremium(tx, ctx, policy, (await requireVersion(ctx, review.parameterVersion, tx)).document);
    await bump(tx, app.id, { premiums: policy.premiumAmount, subsidy: policy.subsidyAmount });
    record({
      action: 'policy.issued',
      targetType: 'policy',
      targetId: policy.id,
      borrowerId: app.borrowerId,
      detail: {
        policyNumber: policy.policyNumber,
        premium: policy.premiumAmount,
        borrowerPremium: policy.borrowerPremium,
        subsidy: policy.subsidyAmount,
        subsidyPaidNow: money.subsidyPaid,
        riskReserve: money.reserve,
        parameterVersion: policy.parameterVersion,
      },
    });
    return { ...policy, subsidyPaid: money.subsidyPaid };
  },
});
