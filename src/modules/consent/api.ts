/** What other modules may use of consents (授权): checking one, and recording one an application form grants. */
export { activeConsent, insertConsent, type ConsentRow } from './store.js';
