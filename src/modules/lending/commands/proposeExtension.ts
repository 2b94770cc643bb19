import { z } from 'zod';
import { defineCommand } from '../../../command.js';
import type { Context } from '../../../context.js';
import type { Tx } from '../../../db/client.js';
import type { BorrowerCategory } from '../../../domain.js';
import { badInput, conflict, PgCode, pgErrorCode } from '../../../errors.js';
import { businessDate } from '../../../time.js';
import { parse, text, uuid } from '../../../validation.js';
import { requireVersion } from '../../parameters/api.js';
import type { DayCount, PremiumPayment, RepaymentMethod } from '../../parameters/rules.js';
import { planExtension, type ExtensionPlan, type ExtensionReason } from '../extension.js';
import * as extStore from '../extensionStore.js';
import { loanPolicy } from '../policy.js';
import { premiumYearsOf } from '../premiumStore.js';
import { daysPastDue, isSettled, type InstalmentState } from '../schedule.js';
import * as store from '../store.js';
import type { LoanRow } from '../store.js';

const proposeInput = z.object({
  loanId: uuid,
  extraMonths: z.number().int().min(1, 'must be at least 1').max(120, 'must be at most 120'),
  interestRate: z.string().nullish(),
  reason: text(500),
});

/**
 * The extension a loan would get on `today`: its plan under the loan's parameter version (the
 * contract's: its terms, rate ceilings and caps), with every limit it fails.
 */
export async function extensionPlanFor(
  ctx: Context,
  tx: Tx,
  loan: LoanRow,
  a: { extraMonths: number; interestRate?: string | null; today: string },
): Promise<{ plan: ExtensionPlan; schedule: InstalmentState[] }> {
  const params = (await requireVersion(ctx, loan.parameterVersion, tx)).document;
  const schedule: InstalmentState[] = await store.instalmentsOf(tx, [loan.id]);
  const policy = (await store.policyById(tx, loan.policyId))!;
  const years = await premiumYearsOf(tx, [policy.id]);
  const category = (await extStore.borrowerCategory(tx, loan.borrowerId)) as BorrowerCategory;
  const { exposure } = await store.programmeFacts(tx, loan.borrowerId);
  const plan = planExtension({
    params,
    loan: {
      principal: loan.principal,
      termYears: loan.termYears,
      interestRate: loan.interestRate,
      repaymentMethod: loan.repaymentMethod as RepaymentMethod,
      disbursedOn: loan.disbursedOn,
      maturityOn: loan.maturityOn,
      dayCount: loan.dayCount as DayCount,
    },
    schedule,
    policy: { premiumRate: policy.premiumRate, premiumPayment: policy.premiumPayment as PremiumPayment, years },
    extraMonths: a.extraMonths,
    interestRate: a.interestRate,
    today: a.today,
    category,
    exposure,
  });
  return { plan, schedule };
}

/**
 * What an extension needs of the loan's state (CONFLICT otherwise): ACTIVE, current (nothing
 * past due, no instalment due before today unpaid), before its maturity, never extended.
 */
export function assertExtendable(loan: LoanRow, schedule: InstalmentState[], today: string) {
  const refuse = (why: string) => conflict(`Cannot extend the loan: ${why}`, { currentState: loan.status });
  if (loan.status !== 'ACTIVE') throw refuse(`the loan is ${loan.status}`);
  if (loan.originalMaturityOn) throw refuse(`it was extended already (from ${loan.originalMaturityOn}); a loan is extended once`);
  if (loan.daysPastDue > 0 || daysPastDue(schedule, today) > 0 || schedule.some((i) => i.dueOn < today && !isSettled(i))) {
    throw refuse('it is not current (an instalment due before today is unpaid)');
  }
  if (today >= loan.maturityOn) throw refuse(`it matures on ${loan.maturityOn}; an extension is agreed before maturity`);
}

/** The instalments an extension replaces must be untouched, and owe principal (CONFLICT otherwise). */
export function assertReplaceable(plan: ExtensionPlan, currentState: string) {
  if (plan.touched) {
    throw conflict('An instalment not yet due was (part) paid already; an extension replaces only untouched ones', { currentState });
  }
  if (!plan.schedule.length) throw conflict('No principal is left to extend', { currentState });
}

/** The limits an extension fails, as BAD_USER_INPUT (proposing) or CONFLICT (agreeing later). */
export const limitsMessage = (reasons: ExtensionReason[]) =>
  `The extension is outside the limits: ${reasons.map((r) => r.message).join('; ')}`;

/** A second open proposal, or a second agreed extension, racing past the checks: the unique indexes refuse it. */
export const mapExtensionError = (err: unknown) =>
  pgErrorCode(err) === PgCode.uniqueViolation ? conflict('The loan already has an open or agreed extension') : undefined;

/**
 * The loan's bank proposes an extension (展期) of a current loan, once: within 贷款通则 Art 12,
 * the programme's longest term, the rate ceiling for the new term, the financing-cost ceiling
 * and the category cap (lending/extension.ts). The insurer then agrees or declines.
 */
export const proposeExtension = defineCommand({
  name: 'proposeExtension',
  gate: (ctx) => loanPolicy.gate(ctx, 'proposeExtension'),
  parse: (args: { input: unknown }) => parse(proposeInput, args.input, 'input'),
  idempotent: true,
  mapError: mapExtensionError,
  async run({ ctx, tx, actor, now, record }, i) {
    const today = businessDate(now);
    const loan = loanPolicy.authorize(actor, 'proposeExtension', await store.lockLoan(tx, i.loanId));
    const { plan, schedule } = await extensionPlanFor(ctx, tx, loan, { ...i, today });
    assertExtendable(loan, schedule, today);
    const prior = await extStore.extensionsOfLoan(tx, loan.id);
    const open = prior.find((e) => e.status === 'PROPOSED');
    if (open) throw conflict(`The loan already has an open extension proposal (${open.id})`, { currentState: 'PROPOSED' });
    assertReplaceable(plan, loan.status);
    if (plan.reasons.length) {
      throw badInput(limitsMessage(plan.reasons), { field: 'input', reasons: plan.reasons });
    }
    const row = await extStore.insertExtension(tx, {
      loanId: loan.id,
      extraMonths: i.extraMonths,
      interestRate: plan.interestRate,
      fromSeq: plan.fromSeq,
      oldMaturityOn: plan.oldMaturityOn,
      newMaturityOn: plan.newMaturityOn,
      status: 'PROPOSED',
      reason: i.reason,
      proposedBy: actor.userId,
      proposedAt: now,
    });
    record({
      action: 'loan.extension.proposed',
      targetType: 'loan',
      targetId: loan.id,
      borrowerId: loan.borrowerId,
      detail: {
        extensionId: row.id,
        loanNumber: loan.loanNumber,
        extraMonths: i.extraMonths,
        interestRate: plan.interestRate,
        balance: plan.balance,
        oldMaturityOn: plan.oldMaturityOn,
        newMaturityOn: plan.newMaturityOn,
        annualisedCost: plan.annualisedCost,
        reason: i.reason,
      },
    });
    return extStore.extensionView(row);
  },
});
