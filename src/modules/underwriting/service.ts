import { z } from 'zod';
import type { Context } from '../../context.js';
import { CONSENT_PURPOSES } from '../../domain.js';
import { badInput } from '../../errors.js';
import { parse, uuid } from '../../validation.js';
import { assess, loanRequestSchema, type LoanRequest } from './assess.js';
import { quoteSubject, underwritingPolicy } from './policy.js';

export { assess, decide, loanRequestSchema, type Assessment, type LoanRequest } from './assess.js';
export { defaultPurpose } from './policy.js';
export type { RepaymentMethod } from '../parameters/rules.js';

const quoteInput = loanRequestSchema.extend({
  borrowerId: uuid.nullish(),
  purpose: z.enum(CONSENT_PURPOSES).nullish(),
});

/** Eligibility and price from the shared rules; an institution's quote is an inquiry. */
export async function quote(ctx: Context, input: unknown) {
  const actor = underwritingPolicy.gate(ctx, 'quote');
  const q = parse(quoteInput, input, 'input');
  const request: LoanRequest = {
    amount: q.amount,
    termYears: q.termYears,
    interestRate: q.interestRate,
    repaymentMethod: q.repaymentMethod,
  };
  const { borrowerId, reader } = quoteSubject(actor, q);
  if (!borrowerId) throw badInput('input.borrowerId is required', { field: 'input.borrowerId' });
  underwritingPolicy.authorize(actor, 'quote', { borrowerId });
  return assess(ctx, borrowerId, request, reader);
}
