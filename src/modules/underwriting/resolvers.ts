import type { Resolvers } from '../../graphql/generated/resolvers.js';
import * as service from './service.js';

export const resolvers: Resolvers = {
  Query: {
    quote: (_, args, ctx) => service.quote(ctx, args.input),
  },
};
