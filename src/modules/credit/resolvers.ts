import { ownAccountsByBorrower } from './loaders.js';
import { institutionById } from '../institutions/loaders.js';
import type { Context } from '../../context.js';
import * as consent from '../consent/service.js';
import { isConsentActive, statusHistory } from './rules.js';
import * as service from './service.js';
import type { AccountView } from './store.js';

type Args = Record<string, any>;

export const resolvers = {
  Query: {
    creditProfile: (_: unknown, args: Args, ctx: Context) => service.creditProfile(ctx, args as any),
    myCreditProfile: (_: unknown, __: Args, ctx: Context) => service.myCreditProfile(ctx),
    myConsents: (_: unknown, __: Args, ctx: Context) => consent.myConsents(ctx),
    customers: (_: unknown, args: Args, ctx: Context) => service.customers(ctx, args as any),
  },
  Mutation: {
    registerBorrower: (_: unknown, args: Args, ctx: Context) => service.registerBorrower(ctx, args.input),
    furnishCreditRecords: (_: unknown, args: Args, ctx: Context) => service.furnishCreditRecords(ctx, args.records),
    grantConsent: (_: unknown, args: Args, ctx: Context) => consent.grantConsent(ctx, args as any),
    revokeConsent: (_: unknown, args: Args, ctx: Context) => consent.revokeConsent(ctx, args as any),
  },
  CreditAccount: {
    furnisher: (a: AccountView, _: Args, ctx: Context) => a.furnisher ?? institutionById(ctx).load(a.institutionId),
    statusHistory: (a: AccountView, _: Args, ctx: Context) => statusHistory(a.paymentHistory, a.statusMonth, ctx.now),
    paymentPattern: (a: AccountView) => a.paymentHistory,
    disputed: (a: AccountView) => a.dispute?.status === 'OPEN',
  },
  Customer: {
    accounts: (c: { borrower: { id: string } }, _: Args, ctx: Context) => ownAccountsByBorrower(ctx).load(c.borrower.id),
  },
  Consent: {
    institution: (c: { institutionId: string }, _: Args, ctx: Context) => institutionById(ctx).load(c.institutionId),
    active: (c: Parameters<typeof isConsentActive>[0], _: Args, ctx: Context) => isConsentActive(c, ctx.now),
  },
};
