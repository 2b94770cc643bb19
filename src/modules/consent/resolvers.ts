import type { Resolvers } from '../../graphql/generated/resolvers.js';
import { isConsentActive } from '../credit/rules.js';
import { institutionOf } from '../institutions/api.js';
import * as service from './service.js';
import { scopeOf } from './store.js';

export const resolvers: Resolvers = {
  Query: {
    myConsents: (_, __, ctx) => service.myConsents(ctx),
    consentPurposes: (_, __, ctx) => service.consentPurposes(ctx),
  },
  Mutation: {
    grantConsent: (_, args, ctx) => service.grantConsent(ctx, args),
    revokeConsent: (_, args, ctx) => service.revokeConsent(ctx, args),
  },
  Consent: {
    institution: (c, _, ctx) => institutionOf(ctx, c.institutionId),
    active: (c, _, ctx) => isConsentActive(c, ctx.now),
    scope: (c) => scopeOf(c),
  },
};
