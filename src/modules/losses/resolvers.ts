import type { Resolvers } from '../../graphql/generated/resolvers.js';
import { institutionOf } from '../institutions/api.js';
import { ageLoans } from '../lending/api.js';
import { claimedLoanById, courtConfirmationByLoan, recoveriesByClaim } from './loaders.js';
import { claimPolicy } from './policy.js';
import * as service from './service.js';

export const resolvers: Resolvers = {
  Query: {
    claim: (_, args, ctx) => service.claim(ctx, args),
    claims: (_, args, ctx) => service.claims(ctx, args),
  },
  Mutation: {
    ageLoans: (_, args, ctx) => ageLoans(ctx, args),
    fileClaim: (_, args, ctx) => service.fileClaim(ctx, args),
    payClaim: (_, args, ctx) => service.payClaim(ctx, args),
    confirmNonPerforming: (_, args, ctx) => service.confirmNonPerforming(ctx, args),
    approveRiskCompensation: (_, args, ctx) => service.approveRiskCompensation(ctx, args),
    recordRecovery: (_, args, ctx) => service.recordRecovery(ctx, args),
    writeOffLoss: (_, args, ctx) => service.writeOffLoss(ctx, args),
  },
  Claim: {
    bank: (c, _, ctx) => institutionOf(ctx, c.bankId),
    insurer: (c, _, ctx) => institutionOf(ctx, c.insurerId),
    loanNumber: async (c, _, ctx) => (await claimedLoanById(ctx).load(c.loanId))?.loanNumber ?? null,
    borrowerId: (c, _, ctx) => (claimPolicy.can(ctx.actor, 'seeBorrower', c) ? c.borrowerId : null),
    courtConfirmation: (c, _, ctx) => courtConfirmationByLoan(ctx).load(c.loanId),
    recoveries: (c, _, ctx) => recoveriesByClaim(ctx).load(c.id),
    // null until that side writes off (a result replayed from before these columns existed lacks them)
    bankWrittenOffAt: (c) => c.bankWrittenOffAt ?? null,
    insurerWrittenOffAt: (c) => c.insurerWrittenOffAt ?? null,
    recovered: (c) => ({ bank: c.recoveredBank, insurer: c.recoveredInsurer, fund: c.recoveredFund }),
  },
};
