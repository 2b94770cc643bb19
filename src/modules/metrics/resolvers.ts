import type { Resolvers } from '../../graphql/generated/resolvers.js';
import { institutionOf } from '../institutions/api.js';
import * as service from './service.js';

export const resolvers: Resolvers = {
  Query: {
    programmeMetrics: (_, args, ctx) => service.programmeMetrics(ctx, args),
    programMetrics: (_, args, ctx) => service.programmeMetrics(ctx, args),
  },
  LeagueRow: {
    institution: (r, _, ctx) => institutionOf(ctx, r.institutionId),
  },
};
