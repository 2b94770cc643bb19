/** What other modules may use of claims and losses. */
export { type ClaimRow } from './store.js';
