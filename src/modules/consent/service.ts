import type { Context } from '../../context.js';
import { consentPolicy } from './policy.js';
import * as store from './store.js';

export { grantConsent } from './commands/grantConsent.js';
export { revokeConsent } from './commands/revokeConsent.js';

export async function myConsents(ctx: Context) {
  const actor = consentPolicy.gate(ctx, 'listOwn');
  return store.consentsOf(ctx.db.orm, actor.borrowerId);
}
