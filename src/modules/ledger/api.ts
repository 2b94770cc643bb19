/** What other modules may use of the ledger: postings in the caller's transaction, and fund balances. */
export { post, lockFund, institutionAccount, reserveAccount, FUND, BORROWERS, type FundAccount } from './posting.js';
export { postPolicyPremium, payCompensation } from './funds.js';
export { fundBalances } from './service.js';
