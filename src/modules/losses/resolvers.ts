import { institutionById } from '../institutions/loaders.js';
import type { Context } from '../../context.js';
import { defineLoader, firstBy, groupBy } from '../../loaders.js';
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
    claim: (_: unknown, args: Args, ctx: Context) => service.claim(ctx, args as any),
    claims: (_: unknown, args: Args, ctx: Context) => service.claims(ctx, args as any),
  },
  Mutation: {
    ageLoans: (_: unknown, args: Args, ctx: Context) => ageLoans(ctx, args),
    fileClaim: (_: unknown, args: Args, ctx: Context) => service.fileClaim(ctx, args as any),
    payClaim: (_: unknown, args: Args, ctx: Context) => service.payClaim(ctx, args as any),
    confirmNonPerforming: (_: unknown, args: Args, ctx: Context) => service.confirmNonPerforming(ctx, args as any),
    approveRiskCompensation: (_: unknown, args: Args, ctx: Context) => service.approveRiskCompensation(ctx, args as any),
    recordRecovery: (_: unknown, args: Args, ctx: Context) => service.recordRecovery(ctx, args as any),
  },
  Claim: {
    bank: (c: ClaimRow, _: Args, ctx: Context) => institutionById(ctx).load(c.bankId),
    insurer: (c: ClaimRow, _: Args, ctx: Context) => institutionById(ctx).load(c.insurerId),
    loanNumber: async (c: ClaimRow, _: Args, ctx: Context) => (await loanById(ctx).load(c.loanId))?.loanNumber ?? null,
    // a government or admin reader never gets the borrower's identity
    borrowerId: (c: ClaimRow, _: Args, ctx: Context) => (ctx.actor?.role === 'BANK' || ctx.actor?.role === 'INSURER' ? c.borrowerId : null),
    courtConfirmation: (c: ClaimRow, _: Args, ctx: Context) => courtByLoan(ctx).load(c.loanId),
    recoveries: (c: ClaimRow, _: Args, ctx: Context) => recoveriesByClaim(ctx).load(c.id),
    recovered: (c: ClaimRow) => ({ bank: c.recoveredBank, insurer: c.recoveredInsurer, fund: c.recoveredFund }),
  },
};
