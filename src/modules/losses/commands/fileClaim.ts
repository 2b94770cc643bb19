import { z } from 'zod';
import { defineCommand } from '../../../command.js';
import { conflict } from '../../../errors.js';
import { parse, uuid } from '../../../validation.js';
import { lockLoan, lockPolicy } from '../../lending/api.js';
import { requireVersion } from '../../parameters/api.js';
import { lossLoanPolicy } from '../policy.js';
import { splitLoss } from '../rules.js';
import * as store from '../store.js';

const args = z.object({ loanId: uuid });

/** The bank files the one claim a defaulted loan may have. */
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
