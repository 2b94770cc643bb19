import { Decimal } from 'decimal.js';
import { z } from 'zod';
import { defineCommand } from '../../../command.js';
import { conflict } from '../../../errors.js';
import { businessDate } from '../../../time.js';
import { parse, uuid } from '../../../validation.js';
import { loanById, lockLoan, lockPolicy } from '../../lending/api.js';
import { lossLoanPolicy } from '../policy.js';
import { reportWrittenOff, writtenOffAt, type Side } from '../record.js';
import { lossBorne, stillOwed } from '../rules.js';
import * as store from '../store.js';

const args = z.object({ loanId: uuid });

/**
 * A party to a paid claim writes off what is left of its side (核销): the bank its unrecovered
 * share (the loan's record), the insurer what it paid and neither it nor the fund has recovered
 * (the policy's record). That record closes today at 0, CHARGED_OFF, and the 5-year retention
 * clock starts. No money moves, so the ledger is untouched; recoveries may still come and are
 * still shared. Once per side, and only while something is left to write off.
 */
export const writeOffLoss = defineCommand({
  name: 'writeOffLoss',
  gate: (ctx) => lossLoanPolicy.gate(ctx, 'writeOffLoss'),
  parse: (a: z.input<typeof args>) => parse(args, a),
  idempotent: true,
  async run({ ctx, tx, actor, now, record }, a) {
    const loan = lossLoanPolicy.authorize(actor, 'writeOffLoss', await loanById(tx, a.loanId));
    const found = await store.claimOfLoan(tx, loan.id);
    // claim, loan, policy: the order payClaim and recordRecovery lock them in
    const claim = found && (await store.lockClaim(tx, found.id));
    if (!claim || claim.status === 'FILED') {
      throw conflict('Cannot write off before the claim is paid: the loss has not been shared yet', {
        currentState: claim?.status ?? loan.status,
      });
    }
    const side: Side = actor.role === 'BANK' ? 'bank' : 'insurer';
    if (writtenOffAt(claim, side))
      throw conflict(`The ${side}'s side of this loss is already written off`, { currentState: 'WRITTEN_OFF' });
    const left = stillOwed(claim)[side];
    if (new Decimal(left).isZero()) {
      throw conflict(`Nothing to write off: the ${side}'s side of this loss is recovered in full`, { currentState: 'RECOVERED' });
    }
    const locked = (await lockLoan(tx, loan.id))!;
    const policy = (await lockPolicy(tx, claim.policyId))!;
    const today = businessDate(now);
    const updated = await store.updateClaim(
      tx,
      claim.id,
      side === 'bank' ? { bankWrittenOffAt: now, updatedAt: now } : { insurerWrittenOffAt: now, updatedAt: now },
    );
    await reportWrittenOff(tx, ctx, side, { loan: locked, policy }, today);
    const borne = lossBorne(claim);
    record({
      action: 'claim.written_off',
      targetType: 'claim',
      targetId: claim.id,
      borrowerId: claim.borrowerId,
      detail: {
        side,
        institutionId: actor.institutionId,
        writtenOff: left,
        // the insurer's side is its own unrecovered part and the fund's, which it reports together
        ...(side === 'insurer' && {
          insurerPart: Decimal.max(0, new Decimal(borne.insurer).minus(claim.recoveredInsurer)).toFixed(2),
          fundPart: Decimal.max(0, new Decimal(borne.fund).minus(claim.recoveredFund)).toFixed(2),
        }),
        writtenOffOn: today,
      },
    });
    return updated;
  },
});
