import { z } from 'zod';
import type { Context } from '../../context.js';
import type { Executor } from '../../db/client.js';
import { badInput, conflict } from '../../errors.js';
import { businessDate } from '../../time.js';
import { isoDate, parse, uuid } from '../../validation.js';
import { appendAudit } from '../audit/api.js';
import type { DayCount } from '../parameters/rules.js';
import { loanPolicy, readIsAudited } from './policy.js';
import { premiumYearsOf, type PremiumYearRow } from './premiumStore.js';
import { premiumRefund, refundTotals, settlementQuote, type SettlementFigures, type YearRefund } from './settlement.js';
import { extensionAgreedOn } from './extensionStore.js';
import { lastPaidOn } from './settlementStore.js';
import type { InstalmentState } from './schedule.js';
import type { LoanRow } from './store.js';
import * as store from './store.js';

/** The SettlementQuote type: what settling costs on a day, and the premium the insurer then returns. */
export interface SettlementQuoteView {
  loanId: string;
  on: string;
  dayCount: DayCount;
  principalOutstanding: string;
  overduePrincipal: string;
  overdueInterest: string;
  accruedInterest: string;
  interestCredit: string;
  total: string;
  interestForgone: string;
  premiumRefund: string;
  borrowerRefund: string;
  subsidyRefund: string;
}

export interface Quoted {
  view: SettlementQuoteView;
  figures: SettlementFigures;
  refunds: YearRefund[];
}

/**
 * The checks a settlement date passes, for the quote and the settlement alike: the loan still
 * ACTIVE (CONFLICT otherwise), the day not before the disbursement, nor before a payment already
 * recorded (the schedule's paid amounts would not be those of that day).
 */
export async function checkSettlementDay(db: Executor, loan: LoanRow, on: string, field: string) {
  if (loan.status !== 'ACTIVE') throw conflict(`Cannot settle the loan: it is ${loan.status}`, { currentState: loan.status });
  if (on < loan.disbursedOn) throw badInput(`${field} is before the loan was disbursed (${loan.disbursedOn})`, { field });
  // at maturity everything is due: paying it is an ordinary repayment, not an early settlement (提前结清)
  if (on >= loan.maturityOn) {
    throw badInput(`${field} is not before the loan's maturity (${loan.maturityOn}): record the repayment instead`, { field });
  }
  const extendedOn = await extensionAgreedOn(db, loan.id);
  if (extendedOn && on < extendedOn) {
    throw badInput(`${field} is before the loan's extension was agreed (${extendedOn}): its schedule then was another`, { field });
  }
  const last = await lastPaidOn(db, loan.id);
  if (last && on < last) throw badInput(`${field} is before the last payment recorded on the loan (${last})`, { field });
}

/** The quote from the loan, its schedule as it stands and its policy years. */
export function quoteOf(loan: LoanRow, schedule: InstalmentState[], years: PremiumYearRow[], on: string): Quoted {
  const dayCount = loan.dayCount as DayCount;
  const figures = settlementQuote(schedule, { disbursedOn: loan.disbursedOn, annualRate: loan.interestRate, dayCount }, on);
  const refunds = premiumRefund(years, on);
  const r = refundTotals(refunds);
  return {
    figures,
    refunds,
    view: {
      loanId: loan.id,
      on,
      dayCount,
      principalOutstanding: figures.principalOutstanding,
      overduePrincipal: figures.overduePrincipal,
      overdueInterest: figures.overdueInterest,
      accruedInterest: figures.accruedInterest,
      interestCredit: figures.interestCredit,
      total: figures.total,
      interestForgone: figures.interestForgone,
      premiumRefund: r.refund,
      borrowerRefund: r.borrowerRefund,
      subsidyRefund: r.subsidyRefund,
    },
  };
}

const quoteArgs = z.object({ loanId: uuid, on: isoDate.nullish() });

/** settlementQuote(loanId, on): the loan's bank, its insurer or the borrower; anyone else NOT_FOUND. */
export async function settlementQuoteFor(ctx: Context, args: { loanId: string; on?: string | null }): Promise<SettlementQuoteView> {
  const actor = loanPolicy.gate(ctx, 'quoteSettlement');
  const a = parse(quoteArgs, args);
  const loan = loanPolicy.authorize(actor, 'quoteSettlement', await store.loanById(ctx.db.orm, a.loanId));
  const on = a.on ?? businessDate(ctx.now);
  await checkSettlementDay(ctx.db.orm, loan, on, 'on');
  const schedule = await store.instalmentsOf(ctx.db.orm, [loan.id]);
  const years = await premiumYearsOf(ctx.db.orm, [loan.policyId]);
  const { view } = quoteOf(loan, schedule, years, on);
  if (readIsAudited(ctx.actor)) {
    await appendAudit(ctx.db.orm, ctx, {
      action: 'loan.settlement.quoted',
      targetType: 'loan',
      targetId: loan.id,
      borrowerId: loan.borrowerId,
      detail: { on, total: view.total },
    });
  }
  return view;
}
