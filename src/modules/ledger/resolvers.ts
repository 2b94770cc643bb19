import { institutionById } from '../institutions/loaders.js';
import type { Context } from '../../context.js';
import { depositToFund } from './funds.js';
import * as service from './service.js';

type Args = Record<string, any>;

export const resolvers = {
  Query: {
    fundBalances: (_: unknown, __: Args, ctx: Context) => service.fundBalances(ctx),
    ledgerEntries: (_: unknown, args: Args, ctx: Context) => service.ledgerEntries(ctx, args),
    trialBalance: (_: unknown, __: Args, ctx: Context) => service.trialBalance(ctx),
  },
  Mutation: {
    depositToFund: (_: unknown, args: Args, ctx: Context) => depositToFund(ctx, args as any),
  },
  RiskReserve: {
    insurer: (r: { institutionId: string }, _: Args, ctx: Context) => institutionById(ctx).load(r.institutionId),
  },
};
