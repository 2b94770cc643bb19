import type { Resolvers } from '../../graphql/generated/resolvers.js';
import * as service from './service.js';

export const resolvers: Resolvers = {
  Query: {
    alerts: (_, args, ctx) => service.alerts(ctx, args),
    borrowerAlerts: (_, args, ctx) => service.borrowerAlerts(ctx, args),
  },
  Mutation: {
    acknowledgeAlert: (_, args, ctx) => service.acknowledgeAlert(ctx, args),
    processEvents: (_, __, ctx) => service.processEvents(ctx),
  },
};
