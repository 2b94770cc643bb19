import { Decimal } from 'decimal.js';
import { defineCommand } from '../../../command.js';
import { businessDate } from '../../../time.js';
import { parse, uuid } from '../../../validation.js';
import { addDeltas, type Deltas } from '../../metrics/api.js';
import { requireVersion } from '../../parameters/api.js';
import type { LoanRequest, Price } from '../../underwriting/api.js';
import { financingCost, quoteSchedule } from '../../underwriting/pricing.js';
import { furnishPolicy } from '../furnish.js';
import { applicationPolicy, insurerReview } from '../policy.js';
import { chargeYear } from '../premiums.js';
import * as premiumStore from '../premiumStore.js';
import { assertTransition } from '../rules.js';
import * as store from '../store.js';

/**
 * The insurer issues the policy once both approved, at the price its review saw: every policy
 * year is written (lending/premiums.ts), and year 1 is charged now (every year when the parameter
 * version says SINGLE), its money posted. The policy's premium totals are what has been charged.
 */
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
    const p = (await requireVersion(ctx, review.parameterVersion, tx)).document;
    let years = price.premiumSchedule;
    let cost = price.financingCostRate;
    if (!years) {
      // a price stored before premium by policy year: the same years on the reviewed terms, from the review's day
      const request = {
        amount: app.amount,
        termYears: app.termYears,
        interestRate: app.interestRate,
        repaymentMethod: app.repaymentMethod as LoanRequest['repaymentMethod'],
        date: businessDate(review.reviewedAt),
      };
      const q = quoteSchedule(p, request, price.premiumRate!);
      years = q.premiums!;
      const c = financingCost({ principal: app.amount, schedule: q.schedule, premiums: years, payment: p.premiumPayment });
      cost = c === null ? null : c.toDecimalPlaces(6, Decimal.ROUND_HALF_UP).toString();
    }
    const issued = await store.insertPolicy(tx, {
      applicationId: app.id,
      insurerId: app.insurerId,
      bankId: app.bankId,
      borrowerId: app.borrowerId,
      insuredAmount: app.amount,
      termYears: app.termYears,
      premiumRate: price.premiumRate!,
      premiumAmount: '0.00',
      borrowerPremium: '0.00',
      subsidyAmount: '0.00',
      premiumPayment: p.premiumPayment,
      annualisedCost: cost,
      grade: review.grade,
      parameterVersion: review.parameterVersion,
      status: 'ISSUED',
      issuedAt: now,
      updatedAt: now,
    });
    const rows = await premiumStore.insertScheduledYears(tx, issued.id, years);
    let policy = issued;
    let subsidyPaid = new Decimal(0);
    let reserve = new Decimal(0);
    let metrics: Deltas = {};
    for (const row of rows.filter((y) => p.premiumPayment === 'SINGLE' || y.year === 1)) {
      const r = await chargeYear(tx, ctx, policy, row, p, null, now);
      policy = r.policy;
      subsidyPaid = subsidyPaid.plus(r.subsidyPaid);
      reserve = reserve.plus(r.reserve);
      metrics = addDeltas(metrics, r.metrics);
    }
    await store.updateApplication(tx, app.id, { status: 'POLICY_ISSUED', updatedAt: now });
    await furnishPolicy(tx, ctx, policy, { status: 'CURRENT', balance: app.amount, asOf: businessDate(now) });
    record({
      action: 'policy.issued',
      targetType: 'policy',
      targetId: policy.id,
      borrowerId: app.borrowerId,
      detail: {
        policyNumber: policy.policyNumber,
        premiumPayment: policy.premiumPayment,
        yearsCharged: p.premiumPayment === 'SINGLE' ? rows.length : Math.min(1, rows.length),
        years: rows.length,
        premium: policy.premiumAmount,
        borrowerPremium: policy.borrowerPremium,
        subsidy: policy.subsidyAmount,
        subsidyPaidNow: subsidyPaid.toFixed(2),
        riskReserve: reserve.toFixed(2),
        annualisedCost: policy.annualisedCost,
        parameterVersion: policy.parameterVersion,
      },
      metrics: { applicationId: app.id, deltas: metrics },
    });
    return policy;
  },
});
