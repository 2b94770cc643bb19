import { Decimal } from 'decimal.js';
import { z } from 'zod';
import { defineCommand } from '../../../command.js';
import { badInput } from '../../../errors.js';
import { addYears, businessDate } from '../../../time.js';
import { isoDate, parse, uuid } from '../../../validation.js';
import { disbursementWeights } from '../../metrics/api.js';
import { requireVersion } from '../../parameters/api.js';
import { rateCeiling } from '../../parameters/rules.js';
import type { LoanRequest } from '../../underwriting/api.js';
import { furnishLoan } from '../furnish.js';
import { rebasePremiums } from '../premiums.js';
import { bankReview, policyPolicy } from '../policy.js';
import { assertTransition } from '../rules.js';
import { generateSchedule } from '../schedule.js';
import * as store from '../store.js';

const disburseInput = z.object({
  policyId: uuid,
  amount: z.string().nullish(),
  interestRate: z.string().nullish(),
  disbursedOn: isoDate.nullish(),
});

/**
 * The bank lends against the pledged policy: at most the insured amount, at most the reviewed
 * rate and the ceiling on the day; the schedule is built on the parameter version's day count,
 * the policy years not yet charged are re-based on it (lending/premiums.ts) with the annualised
 * cost, and the loan furnished.
 */
export const disburseLoan = defineCommand({
  name: 'disburseLoan',
  gate: (ctx) => policyPolicy.gate(ctx, 'disburse'),
  parse: (args: { input: unknown }) => parse(disburseInput, args.input, 'input'),
  idempotent: true,
  async run({ ctx, tx, actor, now, record }, i) {
    const today = businessDate(now);
    const policy = policyPolicy.authorize(actor, 'disburse', await store.lockPolicy(tx, i.policyId));
    assertTransition('Policy', policy.status, 'ACTIVE', 'disburse a loan');
    const app = (await store.lockApplication(tx, policy.applicationId))!;
    assertTransition('Application', app.status, 'DISBURSED', 'disburse a loan');
    const review = bankReview(await store.reviewsOf(tx, [app.id]))!;
    const amount = i.amount ?? policy.insuredAmount;
    const rate = i.interestRate ?? app.interestRate;
    const disbursedOn = i.disbursedOn ?? today;
    if (new Decimal(amount).lte(0)) throw badInput('input.amount must be more than 0', { field: 'input.amount' });
    if (new Decimal(amount).gt(policy.insuredAmount)) {
      throw badInput(`input.amount ${amount} exceeds the insured amount ${policy.insuredAmount}`, { field: 'input.amount' });
    }
    if (new Decimal(rate).gt(app.interestRate)) {
      throw badInput(`input.interestRate ${rate} is above the rate both institutions reviewed (${app.interestRate})`, {
        field: 'input.interestRate',
      });
    }
    const params = await requireVersion(ctx, review.parameterVersion, tx);
    const ceiling = rateCeiling(params.document, disbursedOn, app.termYears);
    if (ceiling === null || new Decimal(rate).gt(ceiling)) {
      throw badInput(`input.interestRate ${rate} is above the ceiling ${ceiling} on ${disbursedOn}`, { field: 'input.interestRate' });
    }
    if (disbursedOn > today) throw badInput('input.disbursedOn is in the future', { field: 'input.disbursedOn' });
    if (disbursedOn < businessDate(new Date(policy.issuedAt))) {
      throw badInput('input.disbursedOn is before the policy was issued', { field: 'input.disbursedOn' });
    }
    const method = app.repaymentMethod as LoanRequest['repaymentMethod'];
    const dayCount = params.document.dayCount;
    const schedule = generateSchedule({ principal: amount, annualRate: rate, termYears: app.termYears, method, disbursedOn, dayCount });
    const maturityOn = addYears(disbursedOn, app.termYears);
    const loan = await store.insertLoan(tx, {
      applicationId: app.id,
      policyId: policy.id,
      bankId: app.bankId,
      insurerId: app.insurerId,
      borrowerId: app.borrowerId,
      principal: amount,
      interestRate: rate,
      termYears: app.termYears,
      repaymentMethod: app.repaymentMethod,
      disbursedOn,
      maturityOn,
      outstandingPrincipal: amount,
      dayCount,
      status: 'ACTIVE',
      parameterVersion: review.parameterVersion,
      updatedAt: now,
    });
    await store.insertInstalments(
      tx,
      schedule.map((s) => ({ loanId: loan.id, ...s })),
    );
    const premiumParams = await requireVersion(ctx, policy.parameterVersion, tx);
    const { annualisedCost } = await rebasePremiums(tx, policy, premiumParams.document, {
      principal: amount,
      interestRate: rate,
      schedule,
      disbursedOn,
    });
    const deltas = {
      loans: 1,
      borrowers_reached: (await store.isFirstLoan(tx, app.borrowerId, loan.id)) ? 1 : 0,
      disbursed: amount,
      outstanding: amount,
      ...disbursementWeights({
        principal: amount,
        interestRate: rate,
        premiumRate: policy.premiumRate,
        annualisedCost,
      }),
    };
    await store.updatePolicy(tx, policy.id, {
      status: 'ACTIVE',
      startsOn: disbursedOn,
      endsOn: maturityOn,
      annualisedCost,
      updatedAt: now,
    });
    await store.updateApplication(tx, app.id, { status: 'DISBURSED', updatedAt: now });
    await furnishLoan(tx, ctx, loan, { status: 'CURRENT', balance: amount, asOf: disbursedOn });
    record({
      action: 'loan.disbursed',
      targetType: 'loan',
      targetId: loan.id,
      borrowerId: app.borrowerId,
      detail: {
        loanNumber: loan.loanNumber,
        principal: amount,
        interestRate: rate,
        disbursedOn,
        maturityOn,
        dayCount,
        annualisedCost,
        policyNumber: policy.policyNumber,
      },
      metrics: { applicationId: app.id, deltas },
    });
    return loan;
  },
});
