import { Decimal } from 'decimal.js';
import type { BorrowerCategory } from '../../domain.js';
import { rateCeiling, type DayCount, type PremiumPayment, type ProgrammeParameters, type RepaymentMethod } from '../parameters/rules.js';
import { annualisedIrr, premiumSchedule, type PremiumYear } from '../underwriting/pricing.js';
import { addMonths } from '../../time.js';
import { generateSchedule, type Instalment, type InstalmentState } from './schedule.js';

/**
 * An extension (展期), as a pure function of the loan, its policy and the request.
 *
 * Limits (every failing one is reported, like eligibility):
 *  - 贷款通则 (1996) Art 12: a short-term loan (≤ 1 year) is extended by at most its original
 *    term; a medium-term loan (1–5 years) by at most half of it; a long-term loan (over 5 years)
 *    by at most 3 years.
 *  - The programme's own cap: the new total term is at most the longest term the loan's parameter
 *    version offers.
 *  - The rate (default: the loan's) is at most the ceiling on the extension date for the band of
 *    the new total term, in whole years rounded up (展期后的贷款期限达到新的利率档次时，按新的期限档次利率计息).
 *  - The borrower's annualised all-in cost of what remains (the not-yet-due principal borrowed on
 *    the extension's start, the new instalments, the premium years not yet charged) stays below
 *    the financing-cost ceiling.
 *  - The programme exposure (this loan's balance included) stays within the category cap.
 *
 * The new schedule replaces the instalments not yet due (the first due after the extension date
 * onward): it starts on the last due date on or before that date (or the disbursement), lends
 * what they still owed in principal, and runs their months plus the extra months, numbered on.
 * The policy is endorsed: its premium years are recomputed over the whole new schedule (the
 * instalments kept plus the new ones), at the policy's rate; a year already charged stays as it
 * was, the rest are replaced, and a last year may be shorter than 12 months.
 */
export const EXTENSION_REASON_CODES = [
  'EXTENSION_OVER_STATUTORY_LIMIT',
  'EXTENSION_OVER_PROGRAMME_TERM',
  'RATE_ABOVE_CEILING',
  'NO_BENCHMARK_RATE',
  'FINANCING_COST_AT_OR_ABOVE_CEILING',
  'OVER_CATEGORY_CAP',
] as const;
export type ExtensionReasonCode = (typeof EXTENSION_REASON_CODES)[number];

export interface ExtensionReason {
  code: ExtensionReasonCode;
  message: string;
  limit?: string;
  actual?: string;
}

/** 贷款通则 Art 12: the most months a loan of `termMonths` may be extended by, in all. */
export function statutoryExtensionLimit(termMonths: number): number {
  if (termMonths <= 12) return termMonths;
  if (termMonths <= 60) return Math.floor(termMonths / 2);
  return 36;
}

/** A policy year as stored: its premium and whether it was charged (or cancelled) already. */
export interface StoredPremiumYear extends PremiumYear {
  status: string;
}

export interface ExtensionInput {
  params: ProgrammeParameters;
  loan: {
    principal: string;
    termYears: number;
    interestRate: string;
    repaymentMethod: RepaymentMethod;
    disbursedOn: string;
    maturityOn: string;
    dayCount: DayCount;
  };
  /** The loan's instalments as they stand. */
  schedule: InstalmentState[];
  policy: { premiumRate: string; premiumPayment: PremiumPayment; years: StoredPremiumYear[] };
  extraMonths: number;
  /** The rate of the extended schedule; default the loan's. */
  interestRate?: string | null;
  /** The extension date (business date). */
  today: string;
  category: BorrowerCategory;
  /** The borrower's programme exposure, this loan's balance included. */
  exposure: string;
}

export interface ExtensionPlan {
  /** The first instalment replaced, and the day the new schedule starts. */
  fromSeq: number;
  startsOn: string;
  /** The principal extended: what the replaced instalments still owed. */
  balance: string;
  /** The new schedule's months: the replaced instalments' plus the extra months. */
  months: number;
  interestRate: string;
  oldMaturityOn: string;
  newMaturityOn: string;
  /** The new total term in months, and the rate band (years, rounded up) it falls in. */
  totalMonths: number;
  bandYears: number;
  rateCeiling: string | null;
  schedule: Instalment[];
  /** Whether a replaced instalment was already (part) paid: then nothing can be replaced. */
  touched: boolean;
  premiumsBefore: PremiumYear[];
  /** The endorsed premium years; `charged` marks the years kept as they were. */
  premiumsAfter: (PremiumYear & { charged: boolean })[];
  additionalPremium: string;
  /** The exact annualised all-in cost of what remains, and rounded to 6 places. */
  exactCost: Decimal | null;
  annualisedCost: string | null;
  reasons: ExtensionReason[];
}

const sumOf = (xs: PremiumYear[]) => xs.reduce((t, y) => t.plus(y.premium), new Decimal(0));
const yearOf = ({ year, startsOn, months, insuredBalance, premium, subsidy, borrowerPremium }: PremiumYear): PremiumYear => ({
  year,
  startsOn,
  months,
  insuredBalance,
  premium,
  subsidy,
  borrowerPremium,
});

export function planExtension(i: ExtensionInput): ExtensionPlan {
  const p = i.params;
  const sorted = [...i.schedule].sort((a, b) => a.seq - b.seq);
  const replaced = sorted.filter((s) => s.dueOn > i.today);
  const kept = sorted.filter((s) => s.dueOn <= i.today);
  const fromSeq = replaced.length ? replaced[0].seq : (sorted.at(-1)?.seq ?? 0) + 1;
  const startsOn = kept.length ? kept[kept.length - 1].dueOn : i.loan.disbursedOn;
  const balance = replaced.reduce((t, s) => t.plus(s.principalDue).minus(s.principalPaid), new Decimal(0));
  const touched = replaced.some((s) => new Decimal(s.principalPaid).gt(0) || new Decimal(s.interestPaid).gt(0));
  const months = replaced.length + i.extraMonths;
  const rate = i.interestRate ?? i.loan.interestRate;
  const schedule =
    replaced.length && balance.gt(0)
      ? generateSchedule({
          principal: balance.toFixed(2),
          annualRate: rate,
          months,
          method: i.loan.repaymentMethod,
          disbursedOn: startsOn,
          dayCount: i.loan.dayCount,
          firstSeq: fromSeq,
          // due dates stay on the contract's day, counted from the disbursement
          anchorOn: i.loan.disbursedOn,
          monthOffset: fromSeq - 1,
        })
      : [];
  const newMaturityOn = schedule.at(-1)?.dueOn ?? addMonths(i.loan.maturityOn, i.extraMonths);

  const termMonths = i.loan.termYears * 12;
  const totalMonths = termMonths + i.extraMonths;
  const bandYears = Math.ceil(totalMonths / 12);
  const reasons: ExtensionReason[] = [];

  const statutory = statutoryExtensionLimit(termMonths);
  if (i.extraMonths > statutory) {
    reasons.push({
      code: 'EXTENSION_OVER_STATUTORY_LIMIT',
      message: `a ${i.loan.termYears}-year loan may be extended by at most ${statutory} months (贷款通则 Art 12); asked ${i.extraMonths}`,
      limit: String(statutory),
      actual: String(i.extraMonths),
    });
  }
  const longest = Math.max(...p.terms.map((t) => t.years)) * 12;
  if (totalMonths > longest) {
    reasons.push({
      code: 'EXTENSION_OVER_PROGRAMME_TERM',
      message: `the new term of ${totalMonths} months would exceed the programme's longest term of ${longest} months`,
      limit: String(longest),
      actual: String(totalMonths),
    });
  }

  const ceiling = rateCeiling(p, i.today, bandYears);
  if (ceiling === null) {
    reasons.push({ code: 'NO_BENCHMARK_RATE', message: `no benchmark lending rate is in force on ${i.today}` });
  } else if (new Decimal(rate).gt(ceiling)) {
    reasons.push({
      code: 'RATE_ABOVE_CEILING',
      message: `interest rate ${rate} is above the ceiling ${ceiling} for a ${bandYears}-year term on ${i.today}`,
      limit: ceiling,
      actual: rate,
    });
  }

  // the endorsement: premium years over the whole new schedule, charged years kept as they were
  const full: Instalment[] = [...kept, ...schedule];
  const recomputed = premiumSchedule(p, {
    rate: i.policy.premiumRate,
    principal: i.loan.principal,
    schedule: full,
    startsOn: i.loan.disbursedOn,
  });
  const stored = new Map(i.policy.years.map((y) => [y.year, y]));
  const premiumsAfter = recomputed.map((y) => {
    const s = stored.get(y.year);
    return s && s.status !== 'SCHEDULED' ? { ...yearOf(s), charged: true } : { ...y, charged: false };
  });
  const premiumsBefore = [...i.policy.years].sort((a, b) => a.year - b.year).map(yearOf);
  const additionalPremium = sumOf(premiumsAfter).minus(sumOf(premiumsBefore));

  // the borrower's cash flows from the start, month by month: the balance borrowed again, each new
  // instalment, each year not yet charged when it falls due (SINGLE: at once)
  const flows = Array.from({ length: schedule.length + 1 }, () => new Decimal(0));
  flows[0] = balance;
  schedule.forEach((s, k) => (flows[k + 1] = flows[k + 1].minus(s.principalDue).minus(s.interestDue)));
  const startMonth = fromSeq - 1;
  for (const y of premiumsAfter.filter((x) => !x.charged)) {
    const at = i.policy.premiumPayment === 'SINGLE' ? 0 : Math.min(flows.length - 1, Math.max(0, 12 * (y.year - 1) - startMonth));
    flows[at] = flows[at].minus(y.borrowerPremium);
  }
  const exactCost = schedule.length ? annualisedIrr(flows) : null;
  // a cost that cannot be computed (no schedule left, no rate of return in range) never passes
  if (exactCost === null || exactCost.gte(p.financingCostCeiling)) {
    const actual = exactCost === null ? 'not computable' : exactCost.toDecimalPlaces(6).toString();
    reasons.push({
      code: 'FINANCING_COST_AT_OR_ABOVE_CEILING',
      message: `the annualised cost of the extended loan, ${actual}, is not below ${p.financingCostCeiling}`,
      limit: p.financingCostCeiling,
      actual,
    });
  }

  const cap = new Decimal(p.categoryCaps[i.category]);
  if (new Decimal(i.exposure).gt(cap)) {
    reasons.push({
      code: 'OVER_CATEGORY_CAP',
      message: `programme exposure ${new Decimal(i.exposure).toFixed(2)} exceeds the ${i.category} cap ${cap.toFixed(2)}`,
      limit: cap.toFixed(2),
      actual: new Decimal(i.exposure).toFixed(2),
    });
  }

  return {
    fromSeq,
    startsOn,
    balance: balance.toFixed(2),
    months,
    interestRate: rate,
    oldMaturityOn: i.loan.maturityOn,
    newMaturityOn,
    totalMonths,
    bandYears,
    rateCeiling: ceiling,
    schedule,
    touched,
    premiumsBefore,
    premiumsAfter,
    additionalPremium: additionalPremium.toFixed(2),
    exactCost,
    annualisedCost: exactCost === null ? null : exactCost.toDecimalPlaces(6, Decimal.ROUND_HALF_UP).toFixed(6),
    reasons,
  };
}
