import { institutionById } from './loaders.js';
import type { Context } from '../../context.js';
import * as service from './service.js';

export const resolvers = {
  Query: {
    me: (_: unknown, __: unknown, ctx: Context) => ({ ...ctx.actor! }),
    institutions: (_: unknown, args: { kind?: any }, ctx: Context) => service.institutions(ctx, args),
  },
  Mutation: {
    createInstitution: (_: unknown, args: { input: unknown }, ctx: Context) => service.createInstitution(ctx, args.input),
  },
  Me: {
    institution: (me: { institutionId?: string }, _: unknown, ctx: Context) =>
      me.institutionId ? institutionById(ctx).load(me.institutionId) : null,
  },
};
