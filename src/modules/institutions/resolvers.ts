import type { Resolvers } from '../../graphql/generated/resolvers.js';
import { institutionById } from './loaders.js';
import * as service from './service.js';

export const resolvers: Resolvers = {
  Query: {
    me: (_, __, ctx) => service.me(ctx),
    institutions: (_, args, ctx) => service.institutions(ctx, args),
  },
  Mutation: {
    createInstitution: (_, args, ctx) => service.createInstitution(ctx, args),
  },
  Me: {
    institution: (me, _, ctx) => (me.institutionId ? institutionById(ctx).load(me.institutionId) : null),
  },
};
