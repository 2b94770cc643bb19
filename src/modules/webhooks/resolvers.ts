import type { Resolvers } from '../../graphql/generated/resolvers.js';
import * as service from './service.js';

export const resolvers: Resolvers = {
  Query: {
    webhooks: (_, __, ctx) => service.webhooks(ctx),
    webhookDeliveries: (_, args, ctx) => service.webhookDeliveries(ctx, args),
  },
  Mutation: {
    registerWebhook: (_, args, ctx) => service.registerWebhook(ctx, args),
    rotateWebhookSecret: (_, args, ctx) => service.rotateWebhookSecret(ctx, args),
    replayDeliveries: (_, args, ctx) => service.replayDeliveries(ctx, args),
  },
};
