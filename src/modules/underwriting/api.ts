/** What other modules may use of the shared rule engine: the assessment both reviews run. */
export { assess, loanRequestSchema, type Assessment, type LoanRequest } from './assess.js';
export { defaultPurpose } from './policy.js';
export type { Price } from './pricing.js';
