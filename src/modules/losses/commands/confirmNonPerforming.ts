import { z } from 'zod';
import { defineCommand } from '../../../command.js';
import { badInput, conflict } from '../../../errors.js';
import { businessDate } from '../../../time.js';
import { isoDate, parse, text, uuid } from '../../../validation.js';
import { lockLoan } from '../../lending/api.js';
import { lossLoanPolicy } from '../policy.js';
import * as store from '../store.js';

const args = z.object({ loanId: uuid, courtCaseRef: text(100), decidedOn: isoDate });

/** The court's confirmation that the loan is non-performing, recorded by the bank or insurer on the loan. */
export const confirmNonPerforming = defineCommand({
  name: 'confirmNonPerforming',
  gate: (ctx) => lossLoanPolicy.gate(ctx, 'confirmNonPerforming'),
  parse: (a: z.input<typeof args>) => parse(args, a),
  idempotent: true,
  async run({ tx, actor, now, record }, a) {
    const loan = lossLoanPolicy.authorize(actor, 'confirmNonPerforming', await lockLoan(tx, a.loanId));
    if (!loan.defaultedOn)
      throw conflict(`Cannot record a non-performing confirmation: the loan is ${loan.status}`, { currentState: loan.status });
    if (a.decidedOn > businessDate(now)) throw badInput('decidedOn is in the future', { field: 'decidedOn' });
    if (a.decidedOn < loan.defaultedOn) throw badInput('decidedOn is before the loan defaulted', { field: 'decidedOn' });
    const c = await store.insertCourtConfirmation(tx, {
      loanId: loan.id,
      courtCaseRef: a.courtCaseRef,
      decidedOn: a.decidedOn,
      recordedBy: `${actor.institutionId}:${actor.userId}`,
      recordedAt: now,
    });
    if (!c) throw conflict('The court confirmation for this loan is already recorded');
    record({
      action: 'loan.court_confirmed',
      targetType: 'loan',
      targetId: loan.id,
      borrowerId: loan.borrowerId,
      detail: { courtCaseRef: a.courtCaseRef, decidedOn: a.decidedOn },
    });
    return { ...c, loanNumber: loan.loanNumber };
  },
});
