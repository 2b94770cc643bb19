import type { Ctx } from '../../graphql/context.js';
import * as consent from '../consent/service.js';
import { isConsentActive, statusHistory } from './rules.js';
import * as service from './service.js';
import type { AccountView } from './store.js';

type Args = Record<string, any>;

export const resolvers = {
  Query: {
    creditProfile: (_: unknown, args: Args, ctx: Ctx) => service.creditProfile(ctx, args as any),
    myCreditProfile: (_: unknown, __: Args, ctx: Ctx) => service.myCreditProfile(ctx),
    myConsents: (_: unknown, __: Args, ctx: Ctx) => consent.myConsents(ctx),
    customers: (_: unknown, args: Args, ctx: Ctx) => service.customers(ctx, args as any),
  },
  Mutation: {
    registerBorrower: (_: unknown, args: Args, ctx: Ctx) => service.registerBorrower(ctx, args.input),
    furnishCreditRecords: (_: unknown, args: Args, ctx: Ctx) => service.furnishCreditRecords(ctx, args.records),
    grantConsent: (_: unknown, args: Args, ctx: Ctx) => consent.grantConsent(ctx, args as any),
    revokeConsent: (_: unknown, args: Args, ctx: Ctx) => consent.revokeConsent(ctx, args as any),
  },
  CreditAccount: {
    furnisher: (a: AccountView, _: Args, ctx: Ctx) => a.furnisher ?? ctx.loaders.institution.load(a.institutionId),
    statusHistory: (a: AccountView, _: Args, ctx: Ctx) => statusHistory(a.paymentHistory, a.statusMonth, ctx.now),
    paymentPattern: (a: AccountView) => a.paymentHistory,
    disputed: (a: AccountView) => a.dispute?.status === 'OPEN',
  },
  Customer: {
    accounts: (c: { borrower: { id: string } }, _: Args, ctx: Ctx) => ctx.loaders.ownAccounts.load(c.borrower.id),
  },
  Consent: {
    institution: (c: { institutionId: string }, _: Args, ctx: Ctx) => ctx.loaders.institution.load(c.institutionId),
    active: (c: Parameters<typeof isConsentActive>[0], _: Args, ctx: Ctx) => isConsentActive(c, ctx.now),
  },
};
