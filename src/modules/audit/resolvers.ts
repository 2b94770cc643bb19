import type { Resolvers } from '../../graphql/generated/resolvers.js';
import * as service from './service.js';

export const resolvers: Resolvers = {
  Query: {
    auditTrail: (_, args, ctx) => service.auditTrail(ctx, args),
  },
};
