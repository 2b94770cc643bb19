import type { Ctx } from '../../graphql/context.js';
import { depositToFund } from './funds.js';
import * as service from './service.js';

type Args = Record<string, any>;

export const resolvers = {
  Query: {
    fundBalances: (_: unknown, __: Args, ctx: Ctx) => service.fundBalances(ctx),
    ledgerEntries: (_: unknown, args: Args, ctx: Ctx) => service.ledgerEntries(ctx, args),
    trialBalance: (_: unknown, __: Args, ctx: Ctx) => service.trialBalance(ctx),
  },
  Mutation: {
    depositToFund: (_: unknown, args: Args, ctx: Ctx) => depositToFund(ctx, args as any),
  },
  RiskReserve: {
    insurer: (r: { institutionId: string }, _: Args, ctx: Ctx) => ctx.loaders.institution.load(r.institutionId),
  },
};
