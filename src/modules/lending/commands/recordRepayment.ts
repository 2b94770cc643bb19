import { Decimal } from 'decimal.js';
import { z } from 'zod';
import { defineCommand } from '../../../command.js';
import { badInput, conflict } from '../../../errors.js';
import { businessDate } from '../../../time.js';
import { isoDate, parse, positiveAmount, uuid } from '../../../validation.js';
import type { AuditEvent } from '../../audit/api.js';
import { furnishLoan, furnishPolicy } from '../furnish.js';
import { loanPolicy } from '../policy.js';
import { assertTransition, delinquencyStatus } from '../rules.js';
import { allocatePayment, daysPastDue, isSettled, outstandingPrincipal, type InstalmentState } from '../schedule.js';
import * as store from '../store.js';

const repaymentArgs = z.object({
  loanId: uuid,
  amount: positiveAmount,
  paidOn: isoDate.nullish(),
});

/**
 * The bank records what the borrower paid: oldest instalment first, interest before principal.
 * Every payment reports the loan's record in the same transaction: the balance down, the status
 * back to the bucket its days past due now give (CURRENT once caught up). The last payment closes
 * the loan and its policy, both records PAID at 0, closed on the day it was paid.
 */
export const recordRepayment = defineCommand({
  name: 'recordRepayment',
  gate: (ctx) => loanPolicy.gate(ctx, 'recordRepayment'),
  parse: (args: z.input<typeof repaymentArgs>) => parse(repaymentArgs, args),
  idempotent: true,
  async run({ ctx, tx, actor, now, record }, a) {
    const today = businessDate(now);
    const loan = loanPolicy.authorize(actor, 'recordRepayment', await store.lockLoan(tx, a.loanId));
    if (loan.status !== 'ACTIVE') {
      throw conflict(
        `Cannot record a repayment: the loan is ${loan.status}${loan.status === 'DEFAULTED' ? ' (record a recovery instead)' : ''}`,
        {
          currentState: loan.status,
        },
      );
    }
    const paidOn = a.paidOn ?? today;
    if (paidOn > today) throw badInput('paidOn is in the future', { field: 'paidOn' });
    if (paidOn < loan.disbursedOn) throw badInput('paidOn is before the loan was disbursed', { field: 'paidOn' });
    const schedule: InstalmentState[] = await store.instalmentsOf(tx, [loan.id]);
    const allocation = allocatePayment(schedule, a.amount);
    if (!allocation) {
      const owed = schedule.reduce(
        (t, s) => t.plus(s.principalDue).minus(s.principalPaid).plus(s.interestDue).minus(s.interestPaid),
        new Decimal(0),
      );
      throw badInput(`amount exceeds everything still owed on the loan (${owed.toFixed(2)})`, { field: 'amount' });
    }
    for (const x of allocation) {
      await store.addToInstalment(tx, loan.id, x.seq, x.principal, x.interest);
      const s = schedule.find((i) => i.seq === x.seq)!;
      s.principalPaid = new Decimal(s.principalPaid).plus(x.principal).toFixed(2);
      s.interestPaid = new Decimal(s.interestPaid).plus(x.interest).toFixed(2);
    }
    const repayment = await store.insertRepayment(tx, {
      loanId: loan.id,
      amount: a.amount,
      paidOn,
      allocation,
      recordedBy: actor.userId,
      recordedAt: now,
    });
    const principalRepaid = allocation.reduce((s, x) => s.plus(x.principal), new Decimal(0));
    const outstanding = outstandingPrincipal(schedule).toFixed(2);
    const repaid = schedule.every(isSettled);
    const dpd = repaid ? 0 : daysPastDue(schedule, today);
    const changes: AuditEvent[] = [];
    if (repaid) {
      assertTransition('Loan', loan.status, 'REPAID', 'close the loan');
      await store.updateLoan(tx, loan.id, {
        status: 'REPAID',
        outstandingPrincipal: '0.00',
        daysPastDue: 0,
        delinquency: 'CURRENT',
        closedOn: paidOn,
        updatedAt: now,
      });
      const policy = (await store.lockPolicy(tx, loan.policyId))!;
      assertTransition('Policy', policy.status, 'CLOSED', 'close the policy');
      await store.updatePolicy(tx, policy.id, { status: 'CLOSED', closedAt: now, updatedAt: now });
      await furnishPolicy(tx, ctx, policy, { status: 'PAID', balance: '0.00', closedOn: paidOn, asOf: paidOn });
      changes.push({
        action: 'policy.closed',
        targetType: 'policy',
        targetId: policy.id,
        borrowerId: loan.borrowerId,
        detail: { reason: 'loan repaid' },
      });
    } else {
      await store.updateLoan(tx, loan.id, {
        outstandingPrincipal: outstanding,
        daysPastDue: dpd,
        delinquency: delinquencyStatus(dpd),
        updatedAt: now,
      });
    }
    // a settlement is reported for the month it was paid in, like the policy's; a part payment
    // for today, the day its days past due were worked out (never a month the record has passed)
    await furnishLoan(tx, ctx, loan, {
      status: repaid ? 'PAID' : delinquencyStatus(dpd),
      balance: repaid ? '0.00' : outstanding,
      closedOn: repaid ? paidOn : null,
      asOf: repaid ? paidOn : today,
    });
    changes.push({
      action: 'loan.repayment.recorded',
      targetType: 'loan',
      targetId: loan.id,
      borrowerId: loan.borrowerId,
      detail: { repaymentId: repayment.id, amount: a.amount, paidOn, allocation, outstanding: repaid ? '0.00' : outstanding, repaid },
      metrics: { applicationId: loan.applicationId, deltas: { outstanding: principalRepaid.neg().toFixed(2) } },
    });
    record(changes);
    return repayment;
  },
});
