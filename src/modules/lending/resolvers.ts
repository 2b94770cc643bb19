import { institutionById } from '../institutions/loaders.js';
import { Decimal } from 'decimal.js';
import type { Context } from '../../context.js';
import { borrowerById, instalmentsByLoan, loanByApplication, policyByApplication, policyById, repaymentsByLoan, reviewsByApplication } from './loaders.js';
import * as service from './service.js';

type Args = Record<string, any>;
const inst = (key: string) => (row: Record<string, string>, _: Args, ctx: Context) => institutionById(ctx).load(row[key]);

export const resolvers = {
  Query: {
    application: (_: unknown, args: Args, ctx: Context) => service.application(ctx, args as any),
    applications: (_: unknown, args: Args, ctx: Context) => service.applications(ctx, args as any),
    policy: (_: unknown, args: Args, ctx: Context) => service.policy(ctx, args as any),
    loan: (_: unknown, args: Args, ctx: Context) => service.loan(ctx, args as any),
    loans: (_: unknown, args: Args, ctx: Context) => service.loans(ctx, args as any),
  },
  Mutation: {
    submitApplication: (_: unknown, args: Args, ctx: Context) => service.submitApplication(ctx, args as any),
    reviewApplication: (_: unknown, args: Args, ctx: Context) => service.reviewApplication(ctx, args as any),
    issuePolicy: (_: unknown, args: Args, ctx: Context) => service.issuePolicy(ctx, args as any),
    pledgePolicy: (_: unknown, args: Args, ctx: Context) => service.pledgePolicy(ctx, args as any),
    disburseLoan: (_: unknown, args: Args, ctx: Context) => service.disburseLoan(ctx, args as any),
    recordRepayment: (_: unknown, args: Args, ctx: Context) => service.recordRepayment(ctx, args as any),
  },
  Application: {
    borrower: (a: { borrowerId: string }, _: Args, ctx: Context) => borrowerById(ctx).load(a.borrowerId),
    bank: inst('bankId'),
    insurer: inst('insurerId'),
    reviews: (a: { id: string }, _: Args, ctx: Context) => reviewsByApplication(ctx).load(a.id),
    policy: (a: { id: string }, _: Args, ctx: Context) => policyByApplication(ctx).load(a.id),
    loan: (a: { id: string }, _: Args, ctx: Context) => loanByApplication(ctx).load(a.id),
  },
  Review: {
    reviewer: inst('institutionId'),
  },
  Policy: {
    insurer: inst('insurerId'),
    bank: inst('bankId'),
  },
  Loan: {
    policy: (l: { policyId: string }, _: Args, ctx: Context) => policyById(ctx).load(l.policyId),
    bank: inst('bankId'),
    insurer: inst('insurerId'),
    schedule: (l: { id: string }, _: Args, ctx: Context) => instalmentsByLoan(ctx).load(l.id),
    repayments: (l: { id: string }, _: Args, ctx: Context) => repaymentsByLoan(ctx).load(l.id),
  },
  Instalment: {
    settled: (i: { principalDue: string; principalPaid: string; interestDue: string; interestPaid: string }) =>
      new Decimal(i.principalPaid).eq(i.principalDue) && new Decimal(i.interestPaid).eq(i.interestDue),
  },
  Repayment: {
    loan: (r: { loanId: string }, _: Args, ctx: Context) => service.loan(ctx, { id: r.loanId }),
  },
};
