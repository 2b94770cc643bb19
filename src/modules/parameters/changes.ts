import { z } from 'zod';
import { BORROWER_CATEGORIES } from '../../domain.js';
import { GRADES, type ProgrammeParameters } from './rules.js';

const fraction = z.string();

/** The changes a new version makes on top of the latest one (shape only; the result is checked by parametersSchema). */
export const changesSchema = z
  .object({
    categoryCaps: z.array(z.object({ category: z.enum(BORROWER_CATEGORIES), cap: z.string() })).nullish(),
    benchmarkRates: z
      .array(z.object({ effectiveOn: z.string(), bands: z.array(z.object({ maxTermYears: z.number(), rate: fraction })) }))
      .nullish(),
    rateCeilingMultiplier: fraction.nullish(),
    financingCostCeiling: fraction.nullish(),
    basePremiumRate: fraction.nullish(),
    borrowerBasePremiumRate: fraction.nullish(),
    premiumRateFloor: fraction.nullish(),
    premiumRateCeiling: fraction.nullish(),
    terms: z.array(z.object({ years: z.number(), premiumFactor: fraction })).nullish(),
    gradeMultipliers: z.array(z.object({ grade: z.enum(GRADES), multiplier: fraction })).nullish(),
    startupPhase: z.object({ years: z.number(), appliesTo: z.array(z.enum(BORROWER_CATEGORIES)) }).nullish(),
    defaultThresholdDays: z.number().nullish(),
    lossShares: z.object({ insurer: fraction, bank: fraction }).nullish(),
    riskCompensation: z.object({ ratio: fraction, perLoanQuota: z.string() }).nullish(),
    riskReserveShare: fraction.nullish(),
    referenceGuaranteeCost: fraction.nullish(),
    referenceGuaranteeCostSource: z.string().nullish(),
    dayCount: z.string().nullish(),
    premiumPayment: z.string().nullish(),
    monitoring: z
      .object({
        inquiryBurstCount: z.number(),
        inquiryBurstDays: z.number(),
        newBorrowingThreshold: z.string(),
        consentExpiryNoticeDays: z.number(),
      })
      .nullish(),
    minimumCellSize: z.number().nullish(),
  })
  .strict();

export type ParameterChanges = z.infer<typeof changesSchema>;

/** Apply changes to a document: lists of keyed entries update by key, other lists replace. */
export function applyChanges(base: ProgrammeParameters, c: ParameterChanges): unknown {
  const next: Record<string, unknown> & Pick<ProgrammeParameters, 'categoryCaps' | 'gradeMultipliers' | 'benchmarkRates'> =
    structuredClone(base);
  for (const [k, v] of Object.entries(c)) {
    if (v === null || v === undefined) continue;
    if (k === 'categoryCaps') for (const e of c.categoryCaps!) next.categoryCaps[e.category] = e.cap;
    else if (k === 'gradeMultipliers') for (const e of c.gradeMultipliers!) next.gradeMultipliers[e.grade] = e.multiplier;
    else if (k === 'benchmarkRates') {
      // entries are added (or replaced by date): the history keeps growing
      type Entry = ProgrammeParameters['benchmarkRates'][number];
      const byDate = new Map<string, Entry>(next.benchmarkRates.map((b) => [b.effectiveOn, b]));
      for (const e of c.benchmarkRates!) byDate.set(e.effectiveOn, e);
      next.benchmarkRates = [...byDate.values()].sort((a, b) => a.effectiveOn.localeCompare(b.effectiveOn));
    } else next[k] = v;
  }
  return next;
}
