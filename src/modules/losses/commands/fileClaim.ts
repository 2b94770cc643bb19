import { z } from 'zod';
import { defineCommand } from '../../../command.js';
import type { AccountStatus } from '../../../domain.js';
import { conflict } from '../../../errors.js';
import { businessDate } from '../../../time.js';
import { parse, uuid } from '../../../validation.js';
import { furnishLoan, lockLoan, lockPolicy } from '../../lending/api.js';
import { requireVersion } from '../../parameters/api.js';
import { lossLoanPolicy } from '../policy.js';
import { splitLoss } from '../rules.js';
import * as store from '../store.js';

const args = z.object({ loanId: uuid });

/**
 * The bank files the one claim a defaulted loan may have. Filing moves no money: the loan's
 * record is reported again for this month as it stands (its last days-past-due bucket, the
 * outstanding principal), so the month of the claim is never a gap in its history.
 */
export const fileClaim = defineCommand({
  name: 'fileClaim',
  gate: (ctx) => lossLoanPolicy.gate(ctx, 'fileClaim'),
  parse: (a: z.input<typeof args>) => parse(args, a),
  idempotent: true,
  async run({ ctx, tx, actor, now, record }, a) {
    const loan = lossLoanPolicy.authorize(actor, 'fileClaim', await lockLoan(tx, a.loanId));
    const existing = await store.claimOfLoan(tx, loan.id);
    if (existing) throw conflict(`This loan already has a claim (${existing.status})`, { currentState: existing.status });
    if (loan.status !== 'DEFAULTED') throw conflict(`Cannot file a claim: the loan is ${loan.status}`, { currentState: loan.status });
    const policy = (await lockPolicy(tx, loan.policyId))!;
    const params = await requireVersion(ctx, policy.parameterVersion, tx);
    const share = params.document.lossShares.insurer;
    const split = splitLoss(loan.outstandingPrincipal, share);
    const claim = await store.insertClaim(tx, {
      loanId: loan.id,
      policyId: policy.id,
      bankId: loan.bankId,
      insurerId: loan.insurerId,
      borrowerId: loan.borrowerId,
      status: 'FILED',
      outstandingPrincipal: loan.outstandingPrincipal,
      insurerShare: share,
      insurerAmount: split.insurer,
      bankAmount: split.bank,
      parameterVersion: policy.parameterVersion,
      filedAt: now,
      filedBy: actor.userId,
      updatedAt: now,
    });
    if (!claim) throw conflict('This loan already has a claim');
    const today = businessDate(now);
    await furnishLoan(tx, ctx, loan, { status: loan.delinquency as AccountStatus, balance: loan.outstandingPrincipal, asOf: today });
    record({
      action: 'claim.filed',
      targetType: 'claim',
      targetId: claim.id,
      borrowerId: loan.borrowerId,
      detail: {
        loanNumber: loan.loanNumber,
        outstanding: loan.outstandingPrincipal,
        insurerAmount: split.insurer,
        bankAmount: split.bank,
        insurerShare: share,
      },
    });
    return claim;
  },
});
