import { institutionById } from '../institutions/loaders.js';
import type { Context } from '../../context.js';
import * as service from './service.js';

export const resolvers = {
  Query: {
    programMetrics: (_: unknown, args: { filter?: unknown }, ctx: Context) => service.programMetrics(ctx, args),
  },
  LeagueRow: {
    institution: (r: { institutionId: string }, _: unknown, ctx: Context) => institutionById(ctx).load(r.institutionId),
  },
};
