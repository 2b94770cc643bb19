import type { Context } from '../../context.js';
import * as service from './service.js';

export const resolvers = {
  Query: {
    quote: (_: unknown, args: { input: unknown }, ctx: Context) => service.quote(ctx, args.input),
  },
};
