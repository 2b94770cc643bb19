import { Decimal } from 'decimal.js';
import type { Context } from '../../context.js';
import type { Executor } from '../../db/client.js';
import { postPremiumCharge } from '../ledger/api.js';
import type { Deltas } from '../metrics/api.js';
import { requireVersion } from '../parameters/api.js';
import type { PremiumPayment, ProgrammeParameters } from '../parameters/rules.js';
import { financingCost, premiumSchedule, yearPremium, type PremiumYear } from '../underwriting/pricing.js';
import { defineCommand } from '../../command.js';
import { loanPolicy } from './policy.js';
import * as premiumStore from './premiumStore.js';
import type { PremiumYearRow } from './premiumStore.js';
import type { Instalment } from './schedule.js';
import * as store from './store.js';
import type { PolicyRow } from './store.js';

/**
 * A policy's premium by policy year (建议一, underwriting/pricing.ts premiumSchedule): every
 * year is written at issue as SCHEDULED; a year is CHARGED at issue (year 1, or every year when
 * the parameter version says SINGLE) or when ageing reaches its start while the loan is ACTIVE,
 * and CANCELLED when the loan ends before it starts. policies.premium_amount / borrower_premium /
 * subsidy_amount are the sums of the years charged, so the fund's subsidy machinery and the
 * metrics' premiums and subsidy follow what was charged.
 */

type Figures = Pick<PremiumYear, 'insuredBalance' | 'premium' | 'subsidy' | 'borrowerPremium'>;

/**
 * What charging a scheduled year costs: its figures, or, when the loan's principal outstanding
 * is below the year's scheduled insured balance (the borrower repaid ahead), the same rule on
 * that lower balance. Never more than scheduled.
 */
export function chargeOf(
  p: ProgrammeParameters,
  rate: Decimal.Value,
  year: Figures & { months: number },
  outstanding: string | null,
): Figures {
  const scheduled = {
    insuredBalance: year.insuredBalance,
    premium: year.premium,
    subsidy: year.subsidy,
    borrowerPremium: year.borrowerPremium,
  };
  if (outstanding === null || new Decimal(outstanding).gte(year.insuredBalance)) return scheduled;
  return yearPremium(p, rate, outstanding, year.months);
}

const plus = (a: string, b: string) => new Decimal(a).plus(b).toFixed(2);

/**
 * Charge one scheduled year of a locked policy (at issue, or later by ageing): the year's row,
 * the policy's totals, the money (ledger funds.ts postPremiumCharge: the borrower's part, the
 * subsidy as far as the fund holds, the risk reserve), in the caller's transaction. Returns the
 * policy as it now stands (subsidyPaid included) and what the year adds to the kept metrics, for
 * the caller's event to carry (`metrics`).
 */
export async function chargeYear(
  tx: Executor,
  ctx: Context,
  policy: PolicyRow,
  row: PremiumYearRow,
  p: ProgrammeParameters,
  outstanding: string | null,
  now: Date,
) {
  const c = chargeOf(p, policy.premiumRate, row, outstanding);
  const year = await premiumStore.updatePremiumYear(tx, policy.id, row.year, { ...c, status: 'CHARGED', chargedAt: now });
  const updated = await store.updatePolicy(tx, policy.id, {
    premiumAmount: plus(policy.premiumAmount, c.premium),
    borrowerPremium: plus(policy.borrowerPremium, c.borrowerPremium),
    subsidyAmount: plus(policy.subsidyAmount, c.subsidy),
    updatedAt: now,
  });
  const money = await postPremiumCharge(tx, ctx, updated, { year: row.year, ...c }, p);
  const metrics: Deltas = { premiums: c.premium, subsidy: c.subsidy };
  return { policy: { ...updated, subsidyPaid: plus(updated.subsidyPaid, money.subsidyPaid) }, year, metrics, ...money };
}

/** A charged or scheduled year as the pricing's cash flows see it. */
const asPremiumYear = (r: PremiumYearRow): PremiumYear => ({
  year: r.year,
  startsOn: r.startsOn,
  months: r.months,
  insuredBalance: r.insuredBalance,
  premium: r.premium,
  subsidy: r.subsidy,
  borrowerPremium: r.borrowerPremium,
});

/**
 * At disbursement: the years not yet charged are re-based on the loan's actual schedule (the
 * amount and rate may be below what was reviewed; the years start on the disbursement date), the
 * charged ones keep their money and take the actual start. Returns the annualised all-in cost on
 * the actual schedule and premium years (6 places, what the policy stores).
 */
export async function rebasePremiums(
  tx: Executor,
  policy: PolicyRow,
  p: ProgrammeParameters,
  loan: { principal: string; interestRate: string; schedule: Instalment[]; disbursedOn: string },
) {
  const fresh = premiumSchedule(p, {
    rate: policy.premiumRate,
    principal: loan.principal,
    schedule: loan.schedule,
    startsOn: loan.disbursedOn,
  });
  const years: PremiumYearRow[] = [];
  for (const row of await premiumStore.lockPremiumYears(tx, policy.id)) {
    const f = fresh.find((y) => y.year === row.year);
    if (!f) {
      years.push(row);
      continue;
    }
    const set =
      row.status === 'SCHEDULED'
        ? {
            startsOn: f.startsOn,
            months: f.months,
            insuredBalance: f.insuredBalance,
            premium: f.premium,
            subsidy: f.subsidy,
            borrowerPremium: f.borrowerPremium,
          }
        : { startsOn: f.startsOn };
    years.push(await premiumStore.updatePremiumYear(tx, policy.id, row.year, set));
  }
  const cost = financingCost({
    principal: loan.principal,
    schedule: loan.schedule,
    premiums: years.filter((y) => y.status !== 'CANCELLED').map(asPremiumYear),
    payment: policy.premiumPayment as PremiumPayment,
  });
  // a loan always has a sign change (money received, then repaid); the nominal rate is the cost of none
  return { years, annualisedCost: (cost ?? new Decimal(loan.interestRate)).toDecimalPlaces(6, Decimal.ROUND_HALF_UP).toFixed(6) };
}

/** Ageing's step for one policy year that has started: charged on the lower of its balance and the loan's. */
const chargePremiumYear = defineCommand({
  name: 'chargePremiumYear',
  gate: (ctx) => loanPolicy.gate(ctx, 'age'),
  parse: (a: { loanId: string; policyId: string; year: number; asOf: string }) => a,
  idempotent: false,
  async run({ ctx, tx, now, record }, a): Promise<boolean> {
    const loan = (await store.lockLoan(tx, a.loanId))!;
    const policy = (await store.lockPolicy(tx, a.policyId))!;
    const row = (await premiumStore.lockPremiumYears(tx, policy.id)).find((y) => y.year === a.year);
    // charged by someone else meanwhile, or the loan ended: nothing to charge (cancelled instead)
    if (!row || row.status !== 'SCHEDULED' || row.startsOn > a.asOf || loan.status !== 'ACTIVE') return false;
    const p = (await requireVersion(ctx, policy.parameterVersion, tx)).document;
    const r = await chargeYear(tx, ctx, policy, row, p, loan.outstandingPrincipal, now);
    record({
      action: 'policy.premium_charged',
      targetType: 'policy',
      targetId: policy.id,
      borrowerId: policy.borrowerId,
      detail: {
        policyNumber: policy.policyNumber,
        year: row.year,
        startsOn: row.startsOn,
        scheduledBalance: row.insuredBalance,
        insuredBalance: r.year.insuredBalance,
        premium: r.year.premium,
        borrowerPremium: r.year.borrowerPremium,
        subsidy: r.year.subsidy,
        subsidyPaidNow: r.subsidyPaid,
        riskReserve: r.reserve,
        asOf: a.asOf,
      },
      metrics: { applicationId: policy.applicationId, deltas: r.metrics },
    });
    return true;
  },
});

/** The years of a loan that ended (repaid, settled, defaulted, claimed) before they started: never charged. */
const cancelPremiumYears = defineCommand({
  name: 'cancelPremiumYears',
  gate: (ctx) => loanPolicy.gate(ctx, 'age'),
  parse: (a: { loanId: string; policyId: string }) => a,
  idempotent: false,
  async run({ tx, record }, a): Promise<number> {
    const loan = (await store.lockLoan(tx, a.loanId))!;
    const policy = (await store.lockPolicy(tx, a.policyId))!;
    if (loan.status === 'ACTIVE') return 0;
    const years = await premiumStore.cancelScheduledYears(tx, policy.id);
    if (years.length) {
      record({
        action: 'policy.premium_cancelled',
        targetType: 'policy',
        targetId: policy.id,
        borrowerId: policy.borrowerId,
        detail: { policyNumber: policy.policyNumber, years: years.map((y) => y.year), loanStatus: loan.status },
      });
    }
    return years.length;
  },
});

/**
 * Ageing's premium pass as of `asOf`: every scheduled year that has started, of a loan still
 * ACTIVE, is charged (each in its own transaction, in year order); the scheduled years of loans
 * no longer ACTIVE are cancelled. Running it again charges nothing twice (each step re-reads the
 * locked year).
 */
export async function chargeDuePremiums(ctx: Context, asOf: string) {
  let charged = 0;
  let cancelled = 0;
  const due = await premiumStore.premiumsDue(ctx.db.orm, asOf);
  const ended = new Set<string>();
  for (const d of due) {
    if (d.loan_status === 'ACTIVE') {
      if (await chargePremiumYear(ctx, { loanId: d.loan_id, policyId: d.policy_id, year: d.year, asOf })) charged++;
    } else if (!ended.has(d.policy_id)) {
      ended.add(d.policy_id);
      cancelled += await cancelPremiumYears(ctx, { loanId: d.loan_id, policyId: d.policy_id });
    }
  }
  return { charged, cancelled };
}
