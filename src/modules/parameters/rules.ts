import { Decimal } from 'decimal.js';
import { z } from 'zod';
import { BORROWER_CATEGORIES, type BorrowerCategory } from '../../domain.js';

/**
 * The programme's parameters, one versioned document. A version takes effect at
 * `effectiveFrom`; every decision stores the version number it used, so a later version
 * changes new quotes and never stored decisions.
 */
const decimal = (max = 6) =>
  z.string().regex(new RegExp(`^\\d{1,12}(\\.\\d{1,${max}})?$`), `must be a non-negative decimal with at most ${max} places`);
const money = z.string().regex(/^\d{1,16}(\.\d{1,2})?$/, 'must be an amount with at most 2 decimals');
const fraction = decimal(6).refine((s) => new Decimal(s).lte(1), 'must be at most 1');

export const GRADES = ['A', 'B', 'C', 'D', 'E'] as const;
export type Grade = (typeof GRADES)[number];
export const REPAYMENT_METHODS = ['INTEREST_ONLY_BULLET', 'EQUAL_INSTALMENTS'] as const;
export type RepaymentMethod = (typeof REPAYMENT_METHODS)[number];
/** Interest day-count conventions (see lending/schedule.ts); PBOC_30_360 is how Chinese banks count. */
export const DAY_COUNTS = ['PBOC_30_360', 'ACT_360', 'ACT_365'] as const;
export type DayCount = (typeof DAY_COUNTS)[number];
/** ANNUAL: each policy year's premium is charged at the start of that year; SINGLE: every year's up front. */
export const PREMIUM_PAYMENTS = ['ANNUAL', 'SINGLE'] as const;
export type PremiumPayment = (typeof PREMIUM_PAYMENTS)[number];

/** Where the reference cost of a guarantee-company loan comes from (see docs/money.md). */
export const REFERENCE_COST_SOURCE =
  'A guarantee-company loan to a start-up without collateral, at the benchmark in force since 2015-10-24 (1 year ' +
  "4.35%, the latest in this version's history): the bank rate at the benchmark raised 30% (the ceiling this " +
  "programme also allows) = 5.655%; the guarantee fee at the top of the 1999 guideline's range " +
  '(国家经贸委《关于建立中小企业信用担保体系试点的指导意见》: 基准担保费率可按银行同期贷款利率的50%执行, floating up to 50% above it for risk) = 75% of the ' +
  'benchmark = 3.2625%; and a 保证金 deposit of 20% of the loan held without interest (guarantee companies commonly ' +
  'required 10-20%), so the borrower pays on the whole loan and uses 80% of it: (5.655% + 3.2625%) / 0.8 = ' +
  '11.146875% a year, 11.1469% rounded. The same build on the 2012-07-06 benchmark (6.00%) gives 15.375%. Each ' +
  'component is at the upper end of its range; with the base fee and a 10% deposit it would be 8.70%. Update it ' +
  'with a new version when the benchmark changes.';

/** The monitoring thresholds of the seed version, and of any version written before they existed. */
export const MONITORING_DEFAULTS = {
  inquiryBurstCount: 3,
  inquiryBurstDays: 30,
  newBorrowingThreshold: '100000.00',
  consentExpiryNoticeDays: 30,
};

const benchmarkBand = z.object({
  /** Applies to loans with a term up to and including this many years. */
  maxTermYears: z.number().int().min(1).max(30),
  rate: fraction,
});

export const parametersSchema = z
  .object({
    categoryCaps: z.object(Object.fromEntries(BORROWER_CATEGORIES.map((c) => [c, money])) as Record<BorrowerCategory, typeof money>),
    /** The PBoC benchmark lending rate history: each entry effective from its date, by term band. */
    benchmarkRates: z
      .array(z.object({ effectiveOn: z.string().regex(/^\d{4}-\d{2}-\d{2}$/), bands: z.array(benchmarkBand).min(1) }))
      .min(1),
    /** Interest ceiling = benchmark × this (1.30: "上浮 30%"). */
    rateCeilingMultiplier: decimal(4),
    /** The borrower's annual financing cost must stay strictly below this. */
    financingCostCeiling: fraction,
    /** Annual premium rate before risk pricing (2.3%). */
    basePremiumRate: fraction,
    /** At the base rate the borrower pays this (1%); the premium subsidy pays base − this, a fixed share. */
    borrowerBasePremiumRate: fraction,
    premiumRateFloor: fraction,
    premiumRateCeiling: fraction,
    /** Offered terms and the annual premium factor of each (longer terms carry more risk a year). */
    terms: z.array(z.object({ years: z.number().int().min(1).max(10), premiumFactor: decimal(4) })).min(1),
    gradeMultipliers: z.object(Object.fromEntries(GRADES.map((g) => [g, decimal(4)])) as Record<Grade, ReturnType<typeof decimal>>),
    startupPhase: z.object({ years: z.number().int().min(1).max(20), appliesTo: z.array(z.enum(BORROWER_CATEGORIES)) }),
    defaultThresholdDays: z.number().int().min(30).max(720),
    lossShares: z.object({ insurer: fraction, bank: fraction }),
    riskCompensation: z.object({ ratio: fraction, perLoanQuota: money }),
    riskReserveShare: fraction,
    /** Annual financing cost of a guarantee-company loan, for the savings metric, dated by the version and sourced. */
    referenceGuaranteeCost: fraction,
    referenceGuaranteeCostSource: z.string().min(1).max(1000).default('not stated: the finance bureau sets it'),
    /** How interest accrues (lending/schedule.ts). */
    dayCount: z.enum(DAY_COUNTS).default('PBOC_30_360'),
    /** Post-loan monitoring (保后监控): the thresholds that grade alerts (see monitoring/rules.ts). */
    monitoring: z
      .object({
        /** YELLOW: this many hard inquiries by other institutions within inquiryBurstDays. */
        inquiryBurstCount: z.number().int().min(2).max(100),
        inquiryBurstDays: z.number().int().min(1).max(365),
        /** YELLOW: a new account elsewhere with an original amount at or above this. */
        newBorrowingThreshold: money,
        /** The borrower is told this many days before a consent expires. */
        consentExpiryNoticeDays: z.number().int().min(1).max(90),
      })
      .default(MONITORING_DEFAULTS),
    /** When premium is charged: each policy year at its start (the default), or all years up front. */
    premiumPayment: z.enum(PREMIUM_PAYMENTS).default('ANNUAL'),
    /** Aggregates built from fewer borrowers than this are suppressed. */
    minimumCellSize: z.number().int().min(2).max(100),
  })
  .superRefine((p, ctx) => {
    if (!new Decimal(p.lossShares.insurer).plus(p.lossShares.bank).eq(1)) {
      ctx.addIssue({ code: 'custom', path: ['lossShares'], message: 'insurer and bank shares must sum to 1' });
    }
    if (new Decimal(p.premiumRateFloor).gt(p.premiumRateCeiling)) {
      ctx.addIssue({ code: 'custom', path: ['premiumRateFloor'], message: 'must not exceed premiumRateCeiling' });
    }
    if (new Decimal(p.borrowerBasePremiumRate).gt(p.basePremiumRate)) {
      ctx.addIssue({ code: 'custom', path: ['borrowerBasePremiumRate'], message: 'must not exceed basePremiumRate' });
    }
    const years = p.terms.map((t) => t.years);
    if (new Set(years).size !== years.length) ctx.addIssue({ code: 'custom', path: ['terms'], message: 'terms must be distinct' });
    const dates = p.benchmarkRates.map((b) => b.effectiveOn);
    if (new Set(dates).size !== dates.length) ctx.addIssue({ code: 'custom', path: ['benchmarkRates'], message: 'dates must be distinct' });
  });

export type ProgrammeParameters = z.infer<typeof parametersSchema>;

/**
 * The figures of the seed article (2014), plus the article's proposals (2-, 3- and 5-year
 * terms; premium by credit grade) and the PBoC benchmark history since 2012.
 */
export const SEED_PARAMETERS: ProgrammeParameters = {
  categoryCaps: { STARTUP_MICRO_ENTERPRISE: '300000.00', RURAL_HOUSEHOLD: '200000.00', INDIVIDUAL_ENTREPRENEUR: '100000.00' },
  benchmarkRates: [
    {
      effectiveOn: '2012-07-06',
      bands: [
        { maxTermYears: 1, rate: '0.06' },
        { maxTermYears: 3, rate: '0.0615' },
        { maxTermYears: 5, rate: '0.064' },
      ],
    },
    {
      effectiveOn: '2014-11-22',
      bands: [
        { maxTermYears: 1, rate: '0.056' },
        { maxTermYears: 5, rate: '0.06' },
      ],
    },
    {
      effectiveOn: '2015-03-01',
      bands: [
        { maxTermYears: 1, rate: '0.0535' },
        { maxTermYears: 5, rate: '0.0575' },
      ],
    },
    {
      effectiveOn: '2015-05-11',
      bands: [
        { maxTermYears: 1, rate: '0.051' },
        { maxTermYears: 5, rate: '0.055' },
      ],
    },
    {
      effectiveOn: '2015-06-28',
      bands: [
        { maxTermYears: 1, rate: '0.0485' },
        { maxTermYears: 5, rate: '0.0525' },
      ],
    },
    {
      effectiveOn: '2015-08-26',
      bands: [
        { maxTermYears: 1, rate: '0.046' },
        { maxTermYears: 5, rate: '0.05' },
      ],
    },
    {
      effectiveOn: '2015-10-24',
      bands: [
        { maxTermYears: 1, rate: '0.0435' },
        { maxTermYears: 5, rate: '0.0475' },
      ],
    },
  ],
  rateCeilingMultiplier: '1.30',
  financingCostCeiling: '0.10',
  basePremiumRate: '0.023',
  borrowerBasePremiumRate: '0.01',
  premiumRateFloor: '0.015',
  premiumRateCeiling: '0.04',
  terms: [
    { years: 1, premiumFactor: '1.00' },
    { years: 2, premiumFactor: '1.05' },
    { years: 3, premiumFactor: '1.10' },
    { years: 5, premiumFactor: '1.20' },
  ],
  gradeMultipliers: { A: '0.80', B: '0.90', C: '1.00', D: '1.20', E: '1.50' },
  startupPhase: { years: 3, appliesTo: ['STARTUP_MICRO_ENTERPRISE', 'INDIVIDUAL_ENTREPRENEUR'] },
  defaultThresholdDays: 90,
  lossShares: { insurer: '0.80', bank: '0.20' },
  riskCompensation: { ratio: '0.50', perLoanQuota: '100000.00' },
  riskReserveShare: '0.10',
  referenceGuaranteeCost: '0.111469',
  referenceGuaranteeCostSource: REFERENCE_COST_SOURCE,
  dayCount: 'PBOC_30_360',
  premiumPayment: 'ANNUAL',
  monitoring: MONITORING_DEFAULTS,
  minimumCellSize: 5,
};

/** The benchmark rate in force on `date` for a loan of `termYears`. */
export function benchmarkRate(p: ProgrammeParameters, date: string, termYears: number): { rate: string; effectiveOn: string } | null {
  const entry = [...p.benchmarkRates].filter((b) => b.effectiveOn <= date).sort((a, b) => b.effectiveOn.localeCompare(a.effectiveOn))[0];
  if (!entry) return null;
  const band = [...entry.bands].sort((a, b) => a.maxTermYears - b.maxTermYears).find((b) => termYears <= b.maxTermYears);
  const chosen = band ?? entry.bands.reduce((a, b) => (a.maxTermYears > b.maxTermYears ? a : b));
  return { rate: chosen.rate, effectiveOn: entry.effectiveOn };
}

/** Interest ceiling: benchmark × multiplier, exact (6.00% × 1.30 = 7.80%). */
export function rateCeiling(p: ProgrammeParameters, date: string, termYears: number): string | null {
  const b = benchmarkRate(p, date, termYears);
  return b ? new Decimal(b.rate).mul(p.rateCeilingMultiplier).toDecimalPlaces(6, Decimal.ROUND_HALF_UP).toString() : null;
}

export const termFactor = (p: ProgrammeParameters, years: number) => p.terms.find((t) => t.years === years)?.premiumFactor ?? null;
