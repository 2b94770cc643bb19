import type { Ctx } from '../../graphql/context.js';
import { defineLoader, firstBy, groupBy } from '../../graphql/loaders.js';
import { ageLoans } from '../lending/ageing.js';
import * as lending from '../lending/store.js';
import * as service from './service.js';
import * as store from './store.js';
import type { ClaimRow } from './store.js';

type Args = Record<string, any>;

const courtByLoan = defineLoader(async (ctx, ids: readonly string[]) => firstBy(await store.courtConfirmationsOf(ctx.db.orm, ids), (c) => c.loanId, ids));
const recoveriesByClaim = defineLoader(async (ctx, ids: readonly string[]) => groupBy(await store.recoveriesOf(ctx.db.orm, ids), (r) => r.claimId, ids));
const loanById = defineLoader(async (ctx, ids: readonly string[]) => firstBy(await lending.loansByIds(ctx.db.orm, ids), (l) => l.id, ids));

export const resolvers = {
  Query: {
    claim: (_: unknown, args: Args, ctx: Ctx) => service.claim(ctx, args as any),
    claims: (_: unknown, args: Args, ctx: Ctx) => service.claims(ctx, args as any),
  },
  Mutation: {
    ageLoans: (_: unknown, args: Args, ctx: Ctx) => ageLoans(ctx, args),
    fileClaim: (_: unknown, args: Args, ctx: Ctx) => service.fileClaim(ctx, args as any),
    payClaim: (_: unknown, args: Args, ctx: Ctx) => service.payClaim(ctx, args as any),
    confirmNonPerforming: (_: unknown, args: Args, ctx: Ctx) => service.confirmNonPerforming(ctx, args as any),
    approveRiskCompensation: (_: unknown, args: Args, ctx: Ctx) => service.approveRiskCompensation(ctx, args as any),
    recordRecovery: (_: unknown, args: Args, ctx: Ctx) => service.recordRecovery(ctx, args as any),
  },
  Claim: {
    bank: (c: ClaimRow, _: Args, ctx: Ctx) => ctx.loaders.institution.load(c.bankId),
    insurer: (c: ClaimRow, _: Args, ctx: Ctx) => ctx.loaders.institution.load(c.insurerId),
    loanNumber: async (c: ClaimRow, _: Args, ctx: Ctx) => (await loanById(ctx).load(c.loanId))?.loanNumber ?? null,
    // a government or admin reader never gets the borrower's identity
    borrowerId: (c: ClaimRow, _: Args, ctx: Ctx) => (ctx.actor?.role === 'BANK' || ctx.actor?.role === 'INSURER' ? c.borrowerId : null),
    courtConfirmation: (c: ClaimRow, _: Args, ctx: Ctx) => courtByLoan(ctx).load(c.loanId),
    recoveries: (c: ClaimRow, _: Args, ctx: Ctx) => recoveriesByClaim(ctx).load(c.id),
    recovered: (c: ClaimRow) => ({ bank: c.recoveredBank, insurer: c.recoveredInsurer, fund: c.recoveredFund }),
  },
};
