import type { Resolvers } from '../../graphql/generated/resolvers.js';
import type { AuthorityKind } from '../../domain.js';
import { institutionById, institutionOf } from './loaders.js';
import * as service from './service.js';

export const resolvers: Resolvers = {
  Query: {
    me: (_, __, ctx) => service.me(ctx),
    institutions: (_, args, ctx) => service.institutions(ctx, args),
  },
  Mutation: {
    createInstitution: (_, args, ctx) => service.createInstitution(ctx, args),
    deactivateInstitution: (_, args, ctx) => service.deactivateInstitution(ctx, args),
  },
  Institution: {
    // a statement may carry only id, kind and name: the rest comes from the batched loader
    authority: async (i, _, ctx) => ('authority' in i ? i.authority : (await institutionOf(ctx, i.id)).authority) as AuthorityKind | null,
    active: async (i, _, ctx) => ('deactivatedAt' in i ? i.deactivatedAt : (await institutionOf(ctx, i.id)).deactivatedAt) === null,
  },
  Me: {
    institution: (me, _, ctx) => (me.institutionId ? institutionById(ctx).load(me.institutionId) : null),
  },
};
