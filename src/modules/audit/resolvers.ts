import type { Ctx } from '../../graphql/context.js';
import * as service from './service.js';

export const resolvers = {
  Query: {
    auditTrail: (_: unknown, args: Record<string, unknown>, ctx: Ctx) => service.auditTrail(ctx, args),
  },
};
