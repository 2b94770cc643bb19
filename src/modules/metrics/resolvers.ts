import type { Resolvers } from '../../graphql/generated/resolvers.js';
import { institutionOf } from '../institutions/api.js';
import * as service from './service.js';

export const resolvers: Resolvers = {
  Query: {
    programMetrics: (_, args, ctx) => service.programMetrics(ctx, args),
  },
  LeagueRow: {
    institution: (r, _, ctx) => institutionOf(ctx, r.institutionId),
  },
};
