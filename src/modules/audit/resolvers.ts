import type { Context } from '../../context.js';
import * as service from './service.js';

export const resolvers = {
  Query: {
    auditTrail: (_: unknown, args: Record<string, unknown>, ctx: Context) => service.auditTrail(ctx, args),
  },
};
