import { Decimal } from 'decimal.js';
import { z } from 'zod';
import { defineCommand } from '../../../command.js';
import { badInput } from '../../../errors.js';
import { businessDate } from '../../../time.js';
import { isoDate, parse, positiveAmount, uuid } from '../../../validation.js';
import { addSpecialTransaction } from '../../credit/api.js';
import { postPremiumRefund } from '../../ledger/api.js';
import { requireVersion } from '../../parameters/api.js';
import { furnishLoan, furnishPolicy } from '../furnish.js';
import { loanPolicy } from '../policy.js';
import { cancelScheduledYears, lockPremiumYears, updatePremiumYear } from '../premiumStore.js';
import { assertTransition } from '../rules.js';
import { refundTotals, settleInstalments } from '../settlement.js';
import { checkSettlementDay, quoteOf } from '../settlementQuery.js';
import { declineOpenExtensions } from '../extensionStore.js';
import { insertSettlement, settleInstalment } from '../settlementStore.js';
import * as store from '../store.js';

const settleArgs = z.object({
  loanId: uuid,
  amount: positiveAmount,
  settledOn: isoDate.nullish(),
});

const minus = (a: string, b: string) => new Decimal(a).minus(b).toFixed(2);

/**
 * The bank records an early settlement (提前结清): the borrower paid exactly the quote's total for
 * the day (a stale quote never settles), every instalment is paid off (the current one's interest
 * cut to what it earned, later ones' to nothing), the loan and its policy close, the unearned
 * premium goes back to the borrower and the subsidy fund, and the shared record shows the loan
 * PAID with the early-settlement mark. One transaction.
 */
export const settleLoan = defineCommand({
  name: 'settleLoan',
  gate: (ctx) => loanPolicy.gate(ctx, 'settle'),
  parse: (args: { input: unknown }) => parse(settleArgs, args.input, 'input'),
  idempotent: true,
  async run({ ctx, tx, actor, now, record }, a) {
    const today = businessDate(now);
    const loan = loanPolicy.authorize(actor, 'settle', await store.lockLoan(tx, a.loanId));
    const settledOn = a.settledOn ?? today;
    await checkSettlementDay(tx, loan, settledOn, 'input.settledOn');
    if (settledOn > today) throw badInput('input.settledOn is in the future', { field: 'input.settledOn' });
    const schedule = await store.instalmentsOf(tx, [loan.id]);
    const policy = (await store.lockPolicy(tx, loan.policyId))!;
    const years = await lockPremiumYears(tx, policy.id);
    const { figures: q, refunds, view } = quoteOf(loan, schedule, years, settledOn);
    if (!new Decimal(a.amount).eq(q.total)) {
      throw badInput(`input.amount ${a.amount} is not the settlement total on ${settledOn}: ${q.total}`, { field: 'input.amount' });
    }

    // the loan: every instalment settled, one repayment carrying the allocation, closed
    const settled = settleInstalments(schedule, q);
    for (const s of settled) await settleInstalment(tx, loan.id, s.seq, s);
    const allocation = settled
      .filter((s) => !new Decimal(s.principal).isZero() || !new Decimal(s.interest).isZero())
      .map((s) => ({ seq: s.seq, interest: s.interest, principal: s.principal }));
    const repayment = await store.insertRepayment(tx, {
      loanId: loan.id,
      amount: q.total,
      paidOn: settledOn,
      allocation,
      recordedBy: actor.userId,
      recordedAt: now,
    });
    assertTransition('Loan', loan.status, 'REPAID', 'settle the loan');
    const closed = await store.updateLoan(tx, loan.id, {
      status: 'REPAID',
      outstandingPrincipal: '0.00',
      daysPastDue: 0,
      delinquency: 'CURRENT',
      closedOn: settledOn,
      settledEarlyOn: settledOn,
      updatedAt: now,
    });
    // a proposed extension of a loan now closed can never be agreed
    await declineOpenExtensions(tx, loan.id, now);

    // the policy: its unearned premium refunded, its later years never charged, closed
    const r = refundTotals(refunds);
    const params = (await requireVersion(ctx, policy.parameterVersion, tx)).document;
    const money = await postPremiumRefund(tx, ctx, policy, { ...r, years: refunds.map((y) => y.refund) }, params);
    for (const y of refunds) {
      await updatePremiumYear(tx, policy.id, y.year, {
        refund: y.refund,
        subsidyRefund: y.subsidyRefund,
        borrowerRefund: y.borrowerRefund,
        refundedAt: now,
      });
    }
    const cancelled = await cancelScheduledYears(tx, policy.id);
    assertTransition('Policy', policy.status, 'CLOSED', 'close the policy');
    await store.updatePolicy(tx, policy.id, {
      status: 'CLOSED',
      closedAt: now,
      premiumAmount: minus(policy.premiumAmount, r.refund),
      borrowerPremium: minus(policy.borrowerPremium, r.borrowerRefund),
      subsidyAmount: minus(policy.subsidyAmount, r.subsidyRefund),
      subsidyPaid: minus(policy.subsidyPaid, money.subsidyReturned),
      updatedAt: now,
    });

    const settlement = await insertSettlement(tx, {
      loanId: loan.id,
      settledOn,
      principal: q.principalOutstanding,
      accruedInterest: q.accruedInterest,
      overdueInterest: q.overdueInterest,
      total: q.total,
      interestForgone: q.interestForgone,
      premiumRefund: r.refund,
      borrowerRefund: r.borrowerRefund,
      subsidyRefund: r.subsidyRefund,
      recordedBy: actor.userId,
      recordedAt: now,
    });

    // the shared record: both accounts PAID at 0, closed that day; the loan marked settled early
    await furnishPolicy(tx, ctx, policy, { status: 'PAID', balance: '0.00', closedOn: settledOn, asOf: settledOn });
    await furnishLoan(tx, ctx, loan, { status: 'PAID', balance: '0.00', closedOn: settledOn, asOf: settledOn });
    await addSpecialTransaction(tx, ctx, {
      institutionId: loan.bankId,
      accountRef: loan.loanNumber,
      kind: 'EARLY_SETTLEMENT',
      occurredOn: settledOn,
      amount: q.total,
      detail: `提前结清 settled early: principal ${q.principalOutstanding}, interest ${new Decimal(q.overdueInterest).plus(q.accruedInterest).toFixed(2)}`,
    });

    record([
      {
        action: 'policy.closed',
        targetType: 'policy',
        targetId: policy.id,
        borrowerId: loan.borrowerId,
        detail: {
          reason: 'loan settled early',
          premiumRefund: r.refund,
          borrowerRefund: r.borrowerRefund,
          subsidyRefund: r.subsidyRefund,
          subsidyReturnedToFund: money.subsidyReturned,
          reserveReleased: money.reserveReleased,
          yearsCancelled: cancelled.map((c) => c.year),
        },
        metrics: {
          applicationId: loan.applicationId,
          deltas: { premiums: new Decimal(r.refund).neg().toFixed(2), subsidy: new Decimal(r.subsidyRefund).neg().toFixed(2) },
        },
      },
      {
        action: 'loan.settled',
        targetType: 'loan',
        targetId: loan.id,
        borrowerId: loan.borrowerId,
        detail: { repaymentId: repayment.id, settledOn, ...view },
        metrics: { applicationId: loan.applicationId, deltas: { outstanding: new Decimal(q.principalOutstanding).neg().toFixed(2) } },
      },
    ]);
    return { ...settlement, loan: closed };
  },
});
