import type { Ctx } from '../../graphql/context.js';
import * as service from './service.js';

export const resolvers = {
  Query: {
    programMetrics: (_: unknown, args: { filter?: unknown }, ctx: Ctx) => service.programMetrics(ctx, args),
  },
  LeagueRow: {
    institution: (r: { institutionId: string }, _: unknown, ctx: Ctx) => ctx.loaders.institution.load(r.institutionId),
  },
};
