import type { Ctx } from '../../graphql/context.js';
import { isDisputeOverdue } from '../credit/rules.js';
import * as service from './service.js';
import type { DisputeView } from './store.js';

type Args = Record<string, any>;

export const resolvers = {
  Query: {
    myDisputes: (_: unknown, __: Args, ctx: Ctx) => service.myDisputes(ctx),
    disputesToAnswer: (_: unknown, args: Args, ctx: Ctx) => service.disputesToAnswer(ctx, args),
    overdueDisputes: (_: unknown, __: Args, ctx: Ctx) => service.overdueDisputes(ctx),
  },
  Mutation: {
    fileDispute: (_: unknown, args: Args, ctx: Ctx) => service.fileDispute(ctx, args as any),
    resolveDispute: (_: unknown, args: Args, ctx: Ctx) => service.resolveDispute(ctx, args as any),
  },
  Dispute: {
    furnisher: (d: DisputeView, _: Args, ctx: Ctx) => ctx.loaders.institution.load(d.institutionId),
    overdue: (d: DisputeView, _: Args, ctx: Ctx) => isDisputeOverdue(d, ctx.now),
  },
};
