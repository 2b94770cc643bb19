import type { Resolvers } from '../../graphql/generated/resolvers.js';
import { isDisputeOverdue } from '../credit/rules.js';
import { institutionOf } from '../institutions/loaders.js';
import * as service from './service.js';

export const resolvers: Resolvers = {
  Query: {
    myDisputes: (_, __, ctx) => service.myDisputes(ctx),
    disputesToAnswer: (_, args, ctx) => service.disputesToAnswer(ctx, args),
    overdueDisputes: (_, __, ctx) => service.overdueDisputes(ctx),
  },
  Mutation: {
    fileDispute: (_, args, ctx) => service.fileDispute(ctx, args),
    resolveDispute: (_, args, ctx) => service.resolveDispute(ctx, args),
  },
  Dispute: {
    furnisher: (d, _, ctx) => (d.institutionId ? institutionOf(ctx, d.institutionId) : null),
    overdue: (d, _, ctx) => isDisputeOverdue(d, ctx.now),
    // the shield lets ADMIN and DATA_SOURCE reach the type; the words are the borrower's and the answerer's
    reason: (d, _, ctx) => service.words(ctx, d, d.reason),
    resolutionNote: (d, _, ctx) => service.words(ctx, d, d.resolutionNote),
  },
};
