import type { Ctx } from '../../graphql/context.js';
import * as service from './service.js';

export const resolvers = {
  Query: {
    me: (_: unknown, __: unknown, ctx: Ctx) => ({ ...ctx.actor! }),
    institutions: (_: unknown, args: { kind?: any }, ctx: Ctx) => service.institutions(ctx, args),
  },
  Mutation: {
    createInstitution: (_: unknown, args: { input: unknown }, ctx: Ctx) => service.createInstitution(ctx, args.input),
  },
  Me: {
    institution: (me: { institutionId?: string }, _: unknown, ctx: Ctx) =>
      me.institutionId ? ctx.loaders.institution.load(me.institutionId) : null,
  },
};
