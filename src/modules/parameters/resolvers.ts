import { BORROWER_CATEGORIES } from '../../domain.js';
import type { Resolvers } from '../../graphql/generated/resolvers.js';
import { GRADES } from './rules.js';
import * as service from './service.js';
import type { ParameterVersion } from './versions.js';

const doc = (v: ParameterVersion) => v.document;

export const resolvers: Resolvers = {
  Query: {
    programmeParameters: (_, args, ctx) => service.programmeParameters(ctx, args),
    parameterVersions: (_, __, ctx) => service.parameterVersions(ctx),
  },
  Mutation: {
    createParameterVersion: (_, args, ctx) => service.createParameterVersion(ctx, args),
  },
  ProgrammeParameters: {
    // the document's caps are keyed in BORROWER_CATEGORIES order (parametersSchema's shape)
    categoryCaps: (v) => BORROWER_CATEGORIES.map((category) => ({ category, cap: doc(v).categoryCaps[category] })),
    benchmarkRates: (v) => doc(v).benchmarkRates,
    rateCeilingMultiplier: (v) => doc(v).rateCeilingMultiplier,
    financingCostCeiling: (v) => doc(v).financingCostCeiling,
    basePremiumRate: (v) => doc(v).basePremiumRate,
    borrowerBasePremiumRate: (v) => doc(v).borrowerBasePremiumRate,
    premiumRateFloor: (v) => doc(v).premiumRateFloor,
    premiumRateCeiling: (v) => doc(v).premiumRateCeiling,
    terms: (v) => doc(v).terms,
    gradeMultipliers: (v) => GRADES.map((grade) => ({ grade, multiplier: doc(v).gradeMultipliers[grade] })),
    startupPhase: (v) => doc(v).startupPhase,
    defaultThresholdDays: (v) => doc(v).defaultThresholdDays,
    lossShares: (v) => doc(v).lossShares,
    riskCompensation: (v) => doc(v).riskCompensation,
    riskReserveShare: (v) => doc(v).riskReserveShare,
    referenceGuaranteeCost: (v) => doc(v).referenceGuaranteeCost,
    referenceGuaranteeCostSource: (v) => doc(v).referenceGuaranteeCostSource,
    dayCount: (v) => doc(v).dayCount,
    premiumPayment: (v) => doc(v).premiumPayment,
    monitoring: (v) => doc(v).monitoring,
    minimumCellSize: (v) => doc(v).minimumCellSize,
  },
};
