import { z } from 'zod';
import type { Executor } from '../../db/client.js';
import { requireRole } from '../../auth/policy.js';
import { CONSENT_PURPOSES, type BorrowerCategory, type ConsentPurpose } from '../../domain.js';
import { badInput, forbidden, notFound } from '../../errors.js';
import type { Context } from '../../context.js';
import { businessDate } from '../../time.js';
import { parse, uuid } from '../../validation.js';
import { NO_CONSENT, readProfileFor, type ProfileData } from '../credit/service.js';
import { programmeFacts } from '../lending/store.js';
import { REPAYMENT_METHODS, type RepaymentMethod } from '../parameters/rules.js';
import { parametersInForce } from '../parameters/service.js';
import { eligibility, type Reason } from './eligibility.js';
import { price, type Price } from './pricing.js';
import { score, type Score } from './scorecard.js';

export interface LoanRequest {
  amount: string;
  termYears: number;
  interestRate: string;
  repaymentMethod: RepaymentMethod;
}

export interface Assessment {
  borrowerId: string;
  request: LoanRequest;
  eligible: boolean;
  reasons: Reason[];
  score: Score;
  price: Price;
  parameterVersion: number;
  programmeExposure: string;
  asOf: Date;
}

/**
 * The one decision both institutions call: the same facts (the shared profile and the
 * programme's own record), the same parameter version, the same pure rules.
 */
export function decide(profile: ProfileData, facts: { exposure: string; repaid: number; defaulted: number }, request: LoanRequest, params: { version: number; document: any }, now: Date): Omit<Assessment, 'borrowerId'> {
  const today = businessDate(now);
  const accounts = profile.accounts.map((a) => ({ ...a, disputed: a.dispute?.status === 'OPEN' }));
  const s = score({
    accounts,
    inquiryTimes: profile.inquiries.map((q) => new Date(q.inquiredAt)),
    registeredOn: profile.borrower.registeredOn,
    programmeHistory: { repaid: facts.repaid, defaulted: facts.defaulted },
    now,
  });
  const pr = price(params.document, { ...request, grade: s.grade, date: today });
  const e = eligibility({
    category: profile.borrower.category as BorrowerCategory,
    registeredOn: profile.borrower.registeredOn,
    accounts,
    programmeExposure: facts.exposure,
    request,
    price: pr,
    params: params.document,
    today,
  });
  return { request, eligible: e.eligible, reasons: e.reasons, score: s, price: pr, parameterVersion: params.version, programmeExposure: facts.exposure, asOf: now };
}

/**
 * Read the profile (recording the inquiry it owes when an institution reads) and decide.
 * `reader` null: the borrower on themself.
 */
export async function assess(
  ctx: Context,
  borrowerId: string,
  request: LoanRequest,
  reader: { institutionId: string; purpose: ConsentPurpose } | null,
  opts: { excludeApplicationId?: string; tx?: Executor } = {},
): Promise<Assessment> {
  const profile = await readProfileFor(ctx, borrowerId, reader, opts.tx);
  if (!profile) throw reader ? forbidden(NO_CONSENT) : notFound('Borrower');
  const q = opts.tx ?? ctx.db.orm;
  // sequential: a transaction is one connection
  const facts = await programmeFacts(q, borrowerId, opts.excludeApplicationId);
  const params = await parametersInForce(ctx, ctx.now, q);
  return { borrowerId, ...decide(profile, facts, request, params, ctx.now) };
}

export const loanRequestSchema = z.object({
  amount: z.string().refine((s) => Number(s) > 0, 'must be more than 0'),
  termYears: z.number().int().min(1, 'must be at least 1').max(30),
  interestRate: z.string(),
  repaymentMethod: z.enum(REPAYMENT_METHODS),
});

const quoteInput = loanRequestSchema.extend({
  borrowerId: uuid.nullish(),
  purpose: z.enum(CONSENT_PURPOSES).nullish(),
});

/** The purpose an institution reads under when it does not say: a bank lends, an insurer underwrites. */
export const defaultPurpose = (role: string): ConsentPurpose => (role === 'INSURER' ? 'UNDERWRITING' : 'LOAN_APPLICATION');

export async function quote(ctx: Context, input: unknown) {
  const actor = requireRole(ctx, 'BANK', 'INSURER', 'BORROWER');
  const q = parse(quoteInput, input, 'input');
  const request: LoanRequest = { amount: q.amount, termYears: q.termYears, interestRate: q.interestRate, repaymentMethod: q.repaymentMethod };
  if (actor.role === 'BORROWER') {
    if (q.borrowerId && q.borrowerId !== actor.borrowerId) throw notFound('Borrower');
    return assess(ctx, actor.borrowerId!, request, null);
  }
  if (!q.borrowerId) throw badInput('input.borrowerId is required', { field: 'input.borrowerId' });
  return assess(ctx, q.borrowerId, request, { institutionId: actor.institutionId!, purpose: q.purpose ?? defaultPurpose(actor.role) });
}

export type { RepaymentMethod };
