/**
 * What other modules may use of consents (授权): checking one, recording one an application form
 * grants, and the FURNISHING consents that give an institution the right to report accounts.
 */
export { activeConsent, activeFurnishingConsents, insertConsent, scopeOf, type ConsentRow } from './store.js';
