import { z } from 'zod';
import { defineCommand } from '../../../command.js';
import { conflict } from '../../../errors.js';
import { businessDate } from '../../../time.js';
import { parse, uuid } from '../../../validation.js';
import { FUND, lockFund } from '../../ledger/api.js';
import { loanById, lockPolicy } from '../../lending/api.js';
import { requireVersion } from '../../parameters/api.js';
import { payCompensation } from '../compensation.js';
import { claimPolicy } from '../policy.js';
import { isRecordOpen, reportOwed } from '../record.js';
import { compensationOwed, payFromFund } from '../rules.js';
import * as store from '../store.js';

const args = z.object({ claimId: uuid });

/**
 * The government approves risk compensation on a paid claim once a court has confirmed the
 * loan non-performing: ratio × the insurer's net loss, at most the quota, at most what the
 * fund holds (the fund row is locked, so concurrent approvals cannot overdraw it).
 * Compensation moves money from the fund to the insurer, not the borrower's debt: the policy's
 * record is reported again for this month with the same balance (the insurer and the fund are
 * owed together what the insurer paid, less recoveries), unless it is already closed.
 */
export const approveRiskCompensation = defineCommand({
  name: 'approveRiskCompensation',
  gate: (ctx) => claimPolicy.gate(ctx, 'approveRiskCompensation'),
  parse: (a: z.input<typeof args>) => parse(args, a),
  idempotent: true,
  async run({ ctx, tx, actor, now, record }, a) {
    const claim = claimPolicy.authorize(actor, 'approveRiskCompensation', await store.lockClaim(tx, a.claimId));
    if (claim.status !== 'PAID')
      throw conflict(`Cannot approve compensation: the claim is ${claim.status}`, { currentState: claim.status });
    const [court] = await store.courtConfirmationsOf(tx, [claim.loanId]);
    if (!court)
      throw conflict('Cannot approve compensation: no court has confirmed the loan non-performing', { currentState: claim.status });
    const params = await requireVersion(ctx, claim.parameterVersion, tx);
    const { netLoss, owed } = compensationOwed({
      insurerPaid: claim.insurerAmount,
      insurerRecovered: claim.recoveredInsurer,
      ratio: params.document.riskCompensation.ratio,
      quota: params.document.riskCompensation.perLoanQuota,
    });
    const available = await lockFund(tx, FUND.RISK_COMPENSATION);
    const { paid, shortfall } = payFromFund(owed, available.toFixed(2));
    const loan = (await loanById(tx, claim.loanId))!;
    const approved = await store.updateClaim(tx, claim.id, {
      status: 'COMPENSATED',
      compensationOwed: owed,
      compensationPaid: '0.00',
      compensationShortfall: owed,
      compensationApprovedAt: now,
      compensationApprovedBy: actor.userId,
      updatedAt: now,
    });
    const { claim: updated, metrics } = await payCompensation(tx, ctx, approved, loan.loanNumber);
    if (isRecordOpen(updated, 'insurer')) {
      const policy = (await lockPolicy(tx, claim.policyId))!;
      await reportOwed(tx, ctx, updated, { loan, policy }, ['insurer'], businessDate(now));
    }
    record({
      action: 'claim.compensation_approved',
      targetType: 'claim',
      targetId: claim.id,
      // the government's own act: recorded without the borrower's identity
      detail: { netLoss, owed, paid, shortfall, courtCaseRef: court.courtCaseRef, parameterVersion: claim.parameterVersion },
      metrics: metrics ?? undefined,
    });
    return updated;
  },
});
