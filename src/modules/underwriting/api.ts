/** What other modules may use of the shared rule engine: the assessment both reviews run, and how a decision is explained. */
export { assess, decide, loanRequestSchema, type Assessment, type LoanRequest } from './assess.js';
export { defaultPurpose } from './policy.js';
export type { Price } from './pricing.js';
export { REASON_CODES, type Reason, type ReasonCode } from './eligibility.js';
export type { Factor } from './scorecard.js';
export { completeFactor, completeReason, decisionSummary, explainPrice, keyFactors } from './explain.js';
export { applyOverrides, type Override } from './overrides.js';
