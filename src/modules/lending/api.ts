/** What other modules may use of lending: the loan and policy records a claim or a recovery acts on. */
export {
  lockLoan,
  lockPolicy,
  loanById,
  loansByIds,
  updateLoan,
  updatePolicy,
  programmeFacts,
  type LoanRow,
  type PolicyRow,
} from './store.js';
export { furnishLoan, furnishPolicy } from './furnish.js';
export { assertTransition } from './rules.js';
export { applicationPolicy, dealPolicy, loanPolicy, policyPolicy } from './policy.js';
export { ageLoans, scheduleAgeing } from './ageing.js';
