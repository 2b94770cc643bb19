import type { Resolvers } from '../../graphql/generated/resolvers.js';
import { institutionOf } from '../institutions/api.js';
import { depositToFund } from './commands/depositToFund.js';
import * as service from './service.js';

export const resolvers: Resolvers = {
  Query: {
    fundBalances: (_, __, ctx) => service.fundBalances(ctx),
    ledgerEntries: (_, args, ctx) => service.ledgerEntries(ctx, args),
    trialBalance: (_, __, ctx) => service.trialBalance(ctx),
  },
  Mutation: {
    depositToFund: (_, args, ctx) => depositToFund(ctx, args),
  },
  RiskReserve: {
    insurer: (r, _, ctx) => institutionOf(ctx, r.institutionId),
  },
};
