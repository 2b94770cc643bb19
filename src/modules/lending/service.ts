/** The lending lifecycle's operations: one command per state change, plain reads. */
export { submitApplication, APPLICATION_CONSENT_DAYS } from './commands/submitApplication.js';
export { reviewApplication } from './commands/reviewApplication.js';
export { issuePolicy } from './commands/issuePolicy.js';
export { pledgePolicy } from './commands/pledgePolicy.js';
export { disburseLoan } from './commands/disburseLoan.js';
export { recordRepayment } from './commands/recordRepayment.js';
export { settleLoan } from './commands/settleLoan.js';
export { settlementQuoteFor } from './settlementQuery.js';
export { application, applications, loan, loans, policy } from './queries.js';
export { requestHumanReview } from './commands/requestHumanReview.js';
export { resolveHumanReview } from './commands/resolveHumanReview.js';
export { myDecisions, humanReviewsToAnswer } from './decisions.js';
