import type { Resolvers } from '../../graphql/generated/resolvers.js';
import { institutionOf } from '../institutions/api.js';
import { ownAccountsByBorrower } from './loaders.js';
import { statusHistory } from './rules.js';
import * as service from './service.js';

export const resolvers: Resolvers = {
  Query: {
    creditProfile: (_, args, ctx) => service.creditProfile(ctx, args),
    myCreditProfile: (_, __, ctx) => service.myCreditProfile(ctx),
    customers: (_, args, ctx) => service.customers(ctx, args),
  },
  Mutation: {
    registerBorrower: (_, args, ctx) => service.registerBorrower(ctx, args),
    furnishCreditRecords: (_, args, ctx) => service.furnishCreditRecords(ctx, args),
  },
  CreditAccount: {
    // the profile statement already carries the furnisher; other reads batch through the loader
    furnisher: (a, _, ctx) => a.furnisher ?? institutionOf(ctx, a.institutionId),
    statusHistory: (a, _, ctx) => statusHistory(a.paymentHistory, a.statusMonth, ctx.now),
    paymentPattern: (a) => a.paymentHistory,
    disputed: (a) => a.dispute?.status === 'OPEN',
  },
  Customer: {
    accounts: (c, _, ctx) => ownAccountsByBorrower(ctx).load(c.borrower.id),
  },
};
