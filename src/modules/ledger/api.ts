/**
 * What other modules may use of the ledger: postings in the caller's transaction, and fund balances.
 * The ledger only moves money: nothing here imports lending or losses (they post through this file); only the
 * deposit command, which no api.ts exports, calls losses/api.ts to settle shortfalls.
 */
export { post, lockFund, institutionAccount, reserveAccount, FUND, BORROWERS, type FundAccount } from './posting.js';
export { postPremiumCharge, riskReserveOf, type PremiumCharge, type PremiumPolicy } from './funds.js';
export { postPremiumRefund, type PremiumRefund } from './funds.js';
export { fundBalances } from './service.js';
