import { Decimal } from 'decimal.js';
import { z } from 'zod';
import { defineCommand } from '../../../command.js';
import { badInput, conflict } from '../../../errors.js';
import { businessDate } from '../../../time.js';
import { isoDate, parse, positiveAmount, uuid } from '../../../validation.js';
import { BORROWERS, FUND, institutionAccount, post } from '../../ledger/api.js';
import { loanById, lockLoan, lockPolicy } from '../../lending/api.js';
import { lossLoanPolicy } from '../policy.js';
import { isRecordOpen, reportOwed, SIDES } from '../record.js';
import { lossBorne, recoveryShares } from '../rules.js';
import * as store from '../store.js';

const args = z.object({ loanId: uuid, amount: positiveAmount, recoveredOn: isoDate.nullish() });

/**
 * Money recovered from the debtor (欠款追偿), shared among those who bore the loss. Each record
 * still open moves with it: the loan's by the bank's share, the policy's by the insurer's and the
 * fund's; a record that reaches 0 closes on the day of the recovery. A record already closed
 * (written off) stays closed, though its side still receives its share.
 */
export const recordRecovery = defineCommand({
  name: 'recordRecovery',
  gate: (ctx) => lossLoanPolicy.gate(ctx, 'recordRecovery'),
  parse: (a: z.input<typeof args>) => parse(args, a),
  idempotent: true,
  async run({ ctx, tx, actor, now, record }, a) {
    const loan = lossLoanPolicy.authorize(actor, 'recordRecovery', await loanById(tx, a.loanId));
    const found = await store.claimOfLoan(tx, loan.id);
    // claim before loan, the order payClaim locks them in
    const claim = found && (await store.lockClaim(tx, found.id));
    if (!claim || claim.status === 'FILED') {
      throw conflict('Cannot record a recovery before the claim is paid: the loss has not been shared yet', {
        currentState: claim?.status ?? loan.status,
      });
    }
    const locked = (await lockLoan(tx, loan.id))!;
    const policy = (await lockPolicy(tx, claim.policyId))!;
    const today = businessDate(now);
    const recoveredOn = a.recoveredOn ?? today;
    if (recoveredOn > today) throw badInput('recoveredOn is in the future', { field: 'recoveredOn' });
    const position = {
      bore: lossBorne(claim),
      recovered: { bank: claim.recoveredBank, insurer: claim.recoveredInsurer, fund: claim.recoveredFund },
    };
    const shares = recoveryShares(a.amount, position);
    if (!shares) throw badInput('amount is more than the loss still unrecovered', { field: 'amount' });
    const recorder = institutionAccount(actor.institutionId);
    const legs = [
      { account: recorder, amount: new Decimal(a.amount) },
      { account: BORROWERS, amount: new Decimal(a.amount).neg() },
    ];
    // pass each bearer its share through the recorder's account
    for (const [party, account] of [
      ['bank', institutionAccount(claim.bankId)],
      ['insurer', institutionAccount(claim.insurerId)],
      ['fund', FUND.RISK_COMPENSATION],
    ] as const) {
      if (account === recorder) continue;
      legs.push({ account, amount: new Decimal(shares[party]) }, { account: recorder, amount: new Decimal(shares[party]).neg() });
    }
    await post(tx, ctx, {
      kind: 'RECOVERY',
      memo: `recovery on loan ${loan.loanNumber}`,
      claimId: claim.id,
      loanId: loan.id,
      borrowerId: loan.borrowerId,
      entries: legs,
    });
    const recovery = await store.insertRecovery(tx, {
      claimId: claim.id,
      loanId: loan.id,
      recordedByInstitution: actor.institutionId,
      amount: new Decimal(a.amount).toFixed(2),
      recoveredOn,
      toBank: shares.bank,
      toInsurer: shares.insurer,
      toFund: shares.fund,
      recordedBy: actor.userId,
      recordedAt: now,
    });
    const updated = await store.updateClaim(tx, claim.id, {
      recoveredBank: new Decimal(claim.recoveredBank).plus(shares.bank).toFixed(2),
      recoveredInsurer: new Decimal(claim.recoveredInsurer).plus(shares.insurer).toFixed(2),
      recoveredFund: new Decimal(claim.recoveredFund).plus(shares.fund).toFixed(2),
      updatedAt: now,
    });
    const open = SIDES.filter((side) => isRecordOpen(claim, side));
    await reportOwed(tx, ctx, updated, { loan: locked, policy }, open, recoveredOn);
    record({
      action: 'loan.recovery.recorded',
      targetType: 'loan',
      targetId: loan.id,
      borrowerId: loan.borrowerId,
      detail: { amount: a.amount, ...shares },
      metrics: { applicationId: loan.applicationId, deltas: { recoveries: a.amount, recovered_insurer: shares.insurer } },
    });
    return recovery;
  },
});
