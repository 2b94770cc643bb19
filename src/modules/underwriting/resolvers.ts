import type { Ctx } from '../../graphql/context.js';
import * as service from './service.js';

export const resolvers = {
  Query: {
    quote: (_: unknown, args: { input: unknown }, ctx: Ctx) => service.quote(ctx, args.input),
  },
};
