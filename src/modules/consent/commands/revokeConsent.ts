import { defineCommand } from '../../../command.js';
import { parse, uuid } from '../../../validation.js';
import { consentPolicy } from '../policy.js';
import * as store from '../store.js';

/** Revocation takes effect at once; revoking twice is harmless and changes nothing. */
export const revokeConsent = defineCommand({
  name: 'revokeConsent',
  gate: (ctx) => consentPolicy.gate(ctx, 'revoke'),
  parse: (a: { id: string }) => parse(uuid, a.id, 'id'),
  idempotent: false,
  async run({ tx, actor, now, record }, id) {
    // another borrower's consent is NOT_FOUND, as a missing one is
    const consent = consentPolicy.authorize(actor, 'revoke', await store.lockConsent(tx, id));
    if (consent.revokedAt) return consent;
    const revoked = await store.revoke(tx, id, now);
    record({
      action: 'consent.revoked',
      targetType: 'consent',
      targetId: id,
      borrowerId: actor.borrowerId,
      detail: { institutionId: consent.institutionId, purpose: consent.purpose },
    });
    return revoked;
  },
});
