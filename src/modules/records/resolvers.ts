import type { Resolvers } from '../../graphql/generated/resolvers.js';
import { institutionOf } from '../institutions/api.js';
import * as service from './service.js';

export const resolvers: Resolvers = {
  Query: {
    furnishedPublicRecords: (_, args, ctx) => service.furnishedPublicRecords(ctx, args),
  },
  Mutation: {
    furnishPublicRecords: (_, args, ctx) => service.furnishPublicRecords(ctx, args),
  },
  PublicRecord: {
    // the record's statement already carries its authority; a view without one batches through the loader
    authority: (r, _, ctx) => r.authority ?? institutionOf(ctx, r.authorityId),
  },
};
