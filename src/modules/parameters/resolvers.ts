import type { Context } from '../../context.js';
import { GRADES } from './rules.js';
import * as service from './service.js';
import type { ParameterVersion } from './service.js';

type Args = Record<string, any>;
const doc = (v: ParameterVersion) => v.document;

export const resolvers = {
  Query: {
    programmeParameters: (_: unknown, args: Args, ctx: Context) => service.programmeParameters(ctx, args),
    parameterVersions: (_: unknown, __: Args, ctx: Context) => service.parameterVersions(ctx),
  },
  Mutation: {
    createParameterVersion: (_: unknown, args: Args, ctx: Context) => service.createParameterVersion(ctx, args as any),
  },
  ProgrammeParameters: {
    categoryCaps: (v: ParameterVersion) => Object.entries(doc(v).categoryCaps).map(([category, cap]) => ({ category, cap })),
    benchmarkRates: (v: ParameterVersion) => doc(v).benchmarkRates,
    rateCeilingMultiplier: (v: ParameterVersion) => doc(v).rateCeilingMultiplier,
    financingCostCeiling: (v: ParameterVersion) => doc(v).financingCostCeiling,
    basePremiumRate: (v: ParameterVersion) => doc(v).basePremiumRate,
    borrowerBasePremiumRate: (v: ParameterVersion) => doc(v).borrowerBasePremiumRate,
    premiumRateFloor: (v: ParameterVersion) => doc(v).premiumRateFloor,
    premiumRateCeiling: (v: ParameterVersion) => doc(v).premiumRateCeiling,
    terms: (v: ParameterVersion) => doc(v).terms,
    gradeMultipliers: (v: ParameterVersion) => GRADES.map((grade) => ({ grade, multiplier: doc(v).gradeMultipliers[grade] })),
    startupPhase: (v: ParameterVersion) => doc(v).startupPhase,
    defaultThresholdDays: (v: ParameterVersion) => doc(v).defaultThresholdDays,
    lossShares: (v: ParameterVersion) => doc(v).lossShares,
    riskCompensation: (v: ParameterVersion) => doc(v).riskCompensation,
    riskReserveShare: (v: ParameterVersion) => doc(v).riskReserveShare,
    referenceGuaranteeCost: (v: ParameterVersion) => doc(v).referenceGuaranteeCost,
    minimumCellSize: (v: ParameterVersion) => doc(v).minimumCellSize,
  },
};
