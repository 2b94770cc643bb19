import type { Context } from '../../context.js';
import { CONSENT_PURPOSE_RULES } from '../credit/rules.js';
import { consentPolicy } from './policy.js';
import * as store from './store.js';

export { grantConsent } from './commands/grantConsent.js';
export { revokeConsent } from './commands/revokeConsent.js';

export async function myConsents(ctx: Context) {
  const actor = consentPolicy.gate(ctx, 'listOwn');
  return store.consentsOf(ctx.db.orm, actor.borrowerId);
}

/** Each purpose's inquiry kind, longest duration and conditions, in plain words. */
export function consentPurposes(ctx: Context) {
  consentPolicy.gate(ctx, 'listPurposes');
  return [...CONSENT_PURPOSE_RULES];
}
