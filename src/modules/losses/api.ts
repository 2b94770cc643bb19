/** What other modules may use of claims and losses. */
export { type ClaimRow } from './store.js';
/** A risk-compensation deposit settles the shortfalls owed to claims (the ledger's deposit workflow calls it). */
export { settleCompensationShortfalls } from './compensation.js';
