import { Decimal } from 'decimal.js';
import type { PremiumYearStatus, Resolvers } from '../../graphql/generated/resolvers.js';
import { institutionOf } from '../institutions/api.js';
import { reviewFactors, reviewReasons, storedOverrides } from './decisions.js';
import {
  borrowerOf,
  instalmentsByLoan,
  loanByApplication,
  policyByApplication,
  policyOf,
  premiumYearsByPolicy,
  repaymentsByLoan,
  reviewsByApplication,
  settlementByLoan,
  extensionByLoan,
} from './loaders.js';
import * as service from './service.js';
import { agreeExtension } from './commands/agreeExtension.js';
import { declineExtension } from './commands/declineExtension.js';
import { proposeExtension } from './commands/proposeExtension.js';
import { extensionView } from './extensionStore.js';

export const resolvers: Resolvers = {
  Query: {
    application: (_, args, ctx) => service.application(ctx, args),
    applications: (_, args, ctx) => service.applications(ctx, args),
    policy: (_, args, ctx) => service.policy(ctx, args),
    loan: (_, args, ctx) => service.loan(ctx, args),
    loans: (_, args, ctx) => service.loans(ctx, args),
    myDecisions: (_, __, ctx) => service.myDecisions(ctx),
    humanReviewsToAnswer: (_, args, ctx) => service.humanReviewsToAnswer(ctx, args),
    settlementQuote: (_, args, ctx) => service.settlementQuoteFor(ctx, args),
  },
  Mutation: {
    submitApplication: (_, args, ctx) => service.submitApplication(ctx, args),
    reviewApplication: (_, args, ctx) => service.reviewApplication(ctx, args),
    issuePolicy: (_, args, ctx) => service.issuePolicy(ctx, args),
    pledgePolicy: (_, args, ctx) => service.pledgePolicy(ctx, args),
    disburseLoan: (_, args, ctx) => service.disburseLoan(ctx, args),
    recordRepayment: (_, args, ctx) => service.recordRepayment(ctx, args),
    settleLoan: (_, args, ctx) => service.settleLoan(ctx, args),
    proposeExtension: (_, args, ctx) => proposeExtension(ctx, args),
    agreeExtension: (_, args, ctx) => agreeExtension(ctx, args),
    declineExtension: (_, args, ctx) => declineExtension(ctx, args),
    requestHumanReview: (_, args, ctx) => service.requestHumanReview(ctx, args),
    resolveHumanReview: (_, args, ctx) => service.resolveHumanReview(ctx, args),
  },
  Application: {
    borrower: (a, _, ctx) => borrowerOf(ctx, a.borrowerId),
    bank: (a, _, ctx) => institutionOf(ctx, a.bankId),
    insurer: (a, _, ctx) => institutionOf(ctx, a.insurerId),
    reviews: (a, _, ctx) => reviewsByApplication(ctx).load(a.id),
    policy: (a, _, ctx) => policyByApplication(ctx).load(a.id),
    loan: (a, _, ctx) => loanByApplication(ctx).load(a.id),
    // what the borrower will pay, as the insurer priced it (the price the policy is issued at);
    // the bank's price until the insurer has reviewed
    annualisedCost: async (a, _, ctx) => {
      const reviews = await reviewsByApplication(ctx).load(a.id);
      const priced = reviews.find((r) => r.reviewerRole === 'INSURER') ?? reviews.find((r) => r.reviewerRole === 'BANK');
      return (priced?.price as { financingCostRate?: string | null } | undefined)?.financingCostRate ?? null;
    },
  },
  Review: {
    reviewer: (r, _, ctx) => institutionOf(ctx, r.institutionId),
    // a review stored before the explanations existed gets them computed from what it stored
    eligibilityReasons: (r) => reviewReasons(r),
    factors: (r) => reviewFactors(r),
    overrides: (r) => storedOverrides(r),
    humanReviewId: (r) => r.humanReviewId,
  },
  Decision: {
    institution: (d, _, ctx) => institutionOf(ctx, d.institutionId),
  },
  HumanReview: {
    institution: (h, _, ctx) => institutionOf(ctx, h.institutionId),
    overrides: (h) => storedOverrides(h),
  },
  Policy: {
    insurer: (p, _, ctx) => institutionOf(ctx, p.insurerId),
    bank: (p, _, ctx) => institutionOf(ctx, p.bankId),
    premiumSchedule: async (p, _, ctx) =>
      (await premiumYearsByPolicy(ctx).load(p.id)).map((y) => ({ ...y, status: y.status as PremiumYearStatus })),
  },
  Loan: {
    policy: (l, _, ctx) => policyOf(ctx, l.policyId),
    bank: (l, _, ctx) => institutionOf(ctx, l.bankId),
    insurer: (l, _, ctx) => institutionOf(ctx, l.insurerId),
    schedule: (l, _, ctx) => instalmentsByLoan(ctx).load(l.id),
    repayments: (l, _, ctx) => repaymentsByLoan(ctx).load(l.id),
    settlement: async (l, _, ctx) => {
      const s = await settlementByLoan(ctx).load(l.id);
      return s ? { ...s, loan: l } : null;
    },
    extension: async (l, _, ctx) => {
      const e = await extensionByLoan(ctx).load(l.id);
      return e ? extensionView(e) : null;
    },
  },
  Instalment: {
    settled: (i) => new Decimal(i.principalPaid).eq(i.principalDue) && new Decimal(i.interestPaid).eq(i.interestDue),
  },
  Repayment: {
    loan: (r, _, ctx) => service.loan(ctx, { id: r.loanId }),
  },
};
