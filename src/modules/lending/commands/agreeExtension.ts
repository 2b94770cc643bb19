import { Decimal } from 'decimal.js';
import { defineCommand } from '../../../command.js';
import { conflict, notFound } from '../../../errors.js';
import { businessDate } from '../../../time.js';
import { parse, uuid } from '../../../validation.js';
import { addSpecialTransaction } from '../../credit/api.js';
import { addDeltas, disbursementWeights, type Deltas } from '../../metrics/api.js';
import { requireVersion } from '../../parameters/api.js';
import type { EndorsementView } from '../extensionStore.js';
import * as extStore from '../extensionStore.js';
import { extensionPolicy } from '../policy.js';
import { chargeYear } from '../premiums.js';
import * as premiumStore from '../premiumStore.js';
import * as store from '../store.js';
import { assertExtendable, assertReplaceable, extensionPlanFor, limitsMessage, mapExtensionError } from './proposeExtension.js';

/**
 * The loan's insurer agrees to a proposed extension. The rules are checked again as of today
 * (the loan may have fallen behind, the benchmark may have moved), then, in one transaction:
 *  - the instalments not yet due (all untouched) are replaced by the new schedule, numbered on;
 *  - the loan matures later (original_maturity_on keeps the old date) and bears the extension's
 *    rate. Its term_years stays the term originally contracted: the extension is a change to that
 *    contract (展期), not a new loan, and the extended total is original term + extra months;
 *  - the policy is endorsed: its premium years over the whole new schedule, the charged years as
 *    they were, the others replaced (a last year may be shorter than 12 months); under SINGLE
 *    premium payment the years the extension adds are charged at once. It ends on the new
 *    maturity and shows the new annualised cost;
 *  - both shared records (the bank's loan, the insurer's policy) carry an EXTENSION special
 *    transaction, so no reader mistakes the loan for a clean on-time one.
 */
export const agreeExtension = defineCommand({
  name: 'agreeExtension',
  gate: (ctx) => extensionPolicy.gate(ctx, 'decide'),
  parse: (args: { id: string }) => ({ id: parse(uuid, args.id, 'id') }),
  idempotent: true,
  mapError: mapExtensionError,
  async run({ ctx, tx, actor, now, record }, { id }) {
    const today = businessDate(now);
    // the loan first, then the extension: the order every loan change takes
    const found = await extStore.extensionById(tx, id);
    if (!found) throw notFound('Extension');
    const loan = (await store.lockLoan(tx, found.loanId))!;
    const ext = extensionPolicy.authorize(actor, 'decide', { ...(await extStore.lockExtension(tx, id))!, ...deal(loan) });
    if (ext.status !== 'PROPOSED') throw conflict(`Cannot agree: the extension is ${ext.status}`, { currentState: ext.status });
    let policy = (await store.lockPolicy(tx, loan.policyId))!;
    await premiumStore.lockPremiumYears(tx, policy.id);
    const { plan, schedule } = await extensionPlanFor(ctx, tx, loan, {
      extraMonths: ext.extraMonths,
      interestRate: ext.interestRate,
      today,
    });
    assertExtendable(loan, schedule, today);
    assertReplaceable(plan, ext.status);
    if (plan.reasons.length) throw conflict(limitsMessage(plan.reasons), { currentState: ext.status, reasons: plan.reasons });

    // the schedule
    await extStore.deleteInstalmentsFrom(tx, loan.id, plan.fromSeq);
    await store.insertInstalments(
      tx,
      plan.schedule.map((s) => ({ loanId: loan.id, ...s })),
    );
    await store.updateLoan(tx, loan.id, {
      maturityOn: plan.newMaturityOn,
      originalMaturityOn: loan.maturityOn,
      interestRate: plan.interestRate,
      updatedAt: now,
    });

    // the endorsement
    await extStore.deleteScheduledPremiumYears(tx, policy.id);
    const added = await premiumStore.insertScheduledYears(
      tx,
      policy.id,
      plan.premiumsAfter.filter((y) => !y.charged),
    );
    let charged: Deltas = {};
    if (policy.premiumPayment === 'SINGLE') {
      const p = (await requireVersion(ctx, policy.parameterVersion, tx)).document;
      for (const row of added) {
        const r = await chargeYear(tx, ctx, policy, row, p, loan.outstandingPrincipal, now);
        policy = r.policy;
        charged = addDeltas(charged, r.metrics);
      }
    }
    // the kept metrics weigh the loan at its rate and annualised cost: move them by the change, as a rebuild would
    const weights = (interestRate: string, annualisedCost: string) =>
      disbursementWeights({ principal: loan.principal, interestRate, premiumRate: policy.premiumRate, annualisedCost });
    const before = weights(loan.interestRate, policy.annualisedCost ?? loan.interestRate);
    const after = weights(plan.interestRate, plan.annualisedCost ?? policy.annualisedCost ?? loan.interestRate);
    const reweighted: Deltas = {
      interest_weighted: new Decimal(after.interest_weighted).minus(before.interest_weighted).toFixed(2),
      cost_weighted: new Decimal(after.cost_weighted).minus(before.cost_weighted).toFixed(2),
    };
    policy = await store.updatePolicy(tx, policy.id, { endsOn: plan.newMaturityOn, annualisedCost: plan.annualisedCost, updatedAt: now });
    const endorsement: EndorsementView = {
      before: plan.premiumsBefore,
      after: plan.premiumsAfter.map(({ charged: _charged, ...y }) => y),
      additionalPremium: plan.additionalPremium,
      annualisedCost: plan.annualisedCost,
    };

    // the shared records
    const mark = {
      kind: 'EXTENSION' as const,
      occurredOn: today,
      amount: plan.balance,
      months: ext.extraMonths,
      newMaturityOn: plan.newMaturityOn,
      detail: '展期 extended',
    };
    await addSpecialTransaction(tx, ctx, { institutionId: loan.bankId, accountRef: loan.loanNumber, ...mark });
    await addSpecialTransaction(tx, ctx, { institutionId: policy.insurerId, accountRef: policy.policyNumber, ...mark });

    const agreed = await extStore.updateExtension(tx, ext.id, {
      status: 'AGREED',
      interestRate: plan.interestRate,
      fromSeq: plan.fromSeq,
      oldMaturityOn: loan.maturityOn,
      newMaturityOn: plan.newMaturityOn,
      decidedBy: actor.userId,
      decidedAt: now,
      endorsement,
    });
    record([
      {
        action: 'loan.extension.agreed',
        targetType: 'loan',
        targetId: loan.id,
        borrowerId: loan.borrowerId,
        detail: {
          extensionId: ext.id,
          loanNumber: loan.loanNumber,
          extraMonths: ext.extraMonths,
          balance: plan.balance,
          fromSeq: plan.fromSeq,
          instalments: plan.schedule.length,
          oldInterestRate: loan.interestRate,
          interestRate: plan.interestRate,
          oldMaturityOn: loan.maturityOn,
          newMaturityOn: plan.newMaturityOn,
        },
        metrics: { applicationId: loan.applicationId, deltas: reweighted },
      },
      {
        action: 'policy.endorsed',
        targetType: 'policy',
        targetId: policy.id,
        borrowerId: loan.borrowerId,
        detail: { extensionId: ext.id, policyNumber: policy.policyNumber, endsOn: plan.newMaturityOn, ...endorsement },
        // the years a SINGLE-payment policy charges at once
        metrics: { applicationId: loan.applicationId, deltas: charged },
      },
    ]);
    return extStore.extensionView(agreed);
  },
});

const deal = (l: { bankId: string; insurerId: string; borrowerId: string }) => ({
  bankId: l.bankId,
  insurerId: l.insurerId,
  borrowerId: l.borrowerId,
});
