import type { ProgrammeParameters } from '../modules/parameters/rules.js';
import { BUDGET, FUND } from '../modules/ledger/posting.js';
import { addDays, businessDate } from '../time.js';
import type { BorrowerBundle } from './generate.js';
import { applyFor, budgetTerms, recordApplications, scaleToPlan } from './programme-applications.js';
import { bookLoan } from './programme-loans.js';
import { D, startRun, type ProgrammeRows } from './programme-run.js';
import { Rng } from './random.js';

export type { ProgrammeRows } from './programme-run.js';

/**
 * The programme's own history for the demo: every borrower applies once over the last two
 * years, the shared rules decide (the ineligible are declined with their reasons), the
 * eligible get a policy and a loan, most repay on schedule, a few fall behind or default, and
 * defaults run through claim, court confirmation, compensation and recovery. Amounts are
 * scaled so the credit disbursed is exactly the seed plan's 300,000,000.00, against
 * 5,000,000.00 premium subsidy and 5,000,000.00 risk compensation (30× leverage); the subsidy
 * budget decides how many loans get the longer terms (each policy year's subsidy is paid from
 * the fund when the year is charged, so the fund is never overdrawn and never owes). Everything
 * is computed with the platform's own pure rules; money goes through the same ledger rules.
 */
export interface ProgrammePlan {
  targetDisbursed: string;
  premiumSubsidyDeposit: string;
  riskCompensationDeposit: string;
}

export const SEED_PLAN: ProgrammePlan = {
  targetDisbursed: '300000000.00',
  premiumSubsidyDeposit: '5000000.00',
  riskCompensationDeposit: '5000000.00',
};

export function generateProgramme(
  bundles: BorrowerBundle[],
  opts: { seed: number; asOf: Date; params: ProgrammeParameters; parameterVersion: number; plan: ProgrammePlan; uuid: () => string },
): ProgrammeRows {
  const today = businessDate(opts.asOf);
  const start = addDays(today, -730);
  const run = startRun({
    rng: new Rng(opts.seed ^ 0x5eed),
    p: opts.params,
    parameterVersion: opts.parameterVersion,
    uuid: opts.uuid,
    today,
    start,
  });

  // 1. who applies, for what, and what the shared rules say
  const deals = applyFor(run, bundles);
  const eligible = deals.filter((d) => d.eligible);
  // 2. scale the amounts so the programme disbursed exactly the plan's total, within the caps
  scaleToPlan(eligible, opts.plan.targetDisbursed);
  // 3. the subsidy budget: longer terms only while it can pay every policy year they commit
  budgetTerms(run, eligible, opts.plan.premiumSubsidyDeposit);
  // 4. the applications as finally made, with their consents, inquiries and reviews
  recordApplications(run, deals);

  // 5. money: a chronological ledger, the funds paid out in order until they run dry
  run.at(start, 0, () => {
    run.post('FUND_DEPOSIT', start, '2014 plan: premium subsidy (保险保费补贴资金)', [
      [FUND.PREMIUM_SUBSIDY, D(opts.plan.premiumSubsidyDeposit)],
      [BUDGET, D(opts.plan.premiumSubsidyDeposit).neg()],
    ]);
    run.post('FUND_DEPOSIT', start, '2014 plan: risk compensation (风险补偿资金)', [
      [FUND.RISK_COMPENSATION, D(opts.plan.riskCompensationDeposit)],
      [BUDGET, D(opts.plan.riskCompensationDeposit).neg()],
    ]);
  });
  let seq = 0;
  // each loan with its premium years, and a default's claim, court, compensation and recoveries
  for (const d of eligible) bookLoan(run, d, ++seq);
  run.settle();
  return run.out;
}
