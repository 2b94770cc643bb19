import { Decimal } from 'decimal.js';
import { z } from 'zod';
import { defineCommand } from '../../../command.js';
import { conflict } from '../../../errors.js';
import { businessDate } from '../../../time.js';
import { parse, uuid } from '../../../validation.js';
import { institutionAccount, post } from '../../ledger/api.js';
import { assertTransition, lockLoan, lockPolicy, updateLoan, updatePolicy } from '../../lending/api.js';
import { claimPolicy } from '../policy.js';
import { reportOwed, SIDES } from '../record.js';
import * as store from '../store.js';

const args = z.object({ claimId: uuid });

/** The insurer pays its share first (先行拨付). Exactly once: the claim row is locked and its state checked. */
export const payClaim = defineCommand({
  name: 'payClaim',
  gate: (ctx) => claimPolicy.gate(ctx, 'pay'),
  parse: (a: z.input<typeof args>) => parse(args, a),
  idempotent: true,
  async run({ ctx, tx, actor, now, record }, a) {
    const claim = claimPolicy.authorize(actor, 'pay', await store.lockClaim(tx, a.claimId));
    if (claim.status !== 'FILED') throw conflict(`Cannot pay the claim: it is ${claim.status}`, { currentState: claim.status });
    const loan = (await lockLoan(tx, claim.loanId))!;
    const policy = (await lockPolicy(tx, claim.policyId))!;
    assertTransition('Loan', loan.status, 'CLAIMED', 'pay the claim');
    assertTransition('Policy', policy.status, 'CLAIMED', 'pay the claim');
    await post(tx, ctx, {
      kind: 'CLAIM_PAYMENT',
      memo: `claim on loan ${loan.loanNumber}: insurer's ${new Decimal(claim.insurerShare).mul(100).toString()}% of ${claim.outstandingPrincipal}`,
      claimId: claim.id,
      loanId: loan.id,
      borrowerId: loan.borrowerId,
      entries: [
        { account: institutionAccount(claim.bankId), amount: claim.insurerAmount },
        { account: institutionAccount(claim.insurerId), amount: new Decimal(claim.insurerAmount).neg() },
      ],
    });
    const paid = await store.updateClaim(tx, claim.id, { status: 'PAID', paidAt: now, paidBy: actor.userId, updatedAt: now });
    await updateLoan(tx, loan.id, { status: 'CLAIMED', updatedAt: now });
    await updatePolicy(tx, policy.id, { status: 'CLAIMED', updatedAt: now });
    // the borrower now owes the bank its share (the loan's record) and the insurer what it paid (the policy's record)
    await reportOwed(tx, ctx, paid, { loan, policy }, SIDES, businessDate(now));
    record({
      action: 'claim.paid',
      targetType: 'claim',
      targetId: claim.id,
      borrowerId: loan.borrowerId,
      detail: { paidToBank: claim.insurerAmount, bankBears: claim.bankAmount },
      // the claim settles the bank's loan: it leaves the outstanding book
      metrics: {
        applicationId: loan.applicationId,
        deltas: { claims_paid: claim.insurerAmount, outstanding: new Decimal(loan.outstandingPrincipal).neg().toFixed(2) },
      },
    });
    return paid;
  },
});
