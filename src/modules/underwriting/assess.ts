import { z } from 'zod';
import type { Context } from '../../context.js';
import type { Executor } from '../../db/client.js';
import type { BorrowerCategory, ConsentPurpose } from '../../domain.js';
import { forbidden, notFound } from '../../errors.js';
import { businessDate } from '../../time.js';
import { NO_CONSENT, readProfileFor, type ProfileData } from '../credit/api.js';
import { programmeFacts } from '../lending/api.js';
import { parametersInForce } from '../parameters/api.js';
import { REPAYMENT_METHODS, type ProgrammeParameters, type RepaymentMethod } from '../parameters/rules.js';
import { eligibility, type EligibilityAccount, type EligibilityPublicRecord, type Reason } from './eligibility.js';
import { price, type Price } from './pricing.js';
import { score, type Score, type ScoredAccount, type ScoredInquiry } from './scorecard.js';

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

export const loanRequestSchema = z.object({
  amount: z.string().refine((s) => Number(s) > 0, 'must be more than 0'),
  termYears: z.number().int().min(1, 'must be at least 1').max(30),
  interestRate: z.string(),
  repaymentMethod: z.enum(REPAYMENT_METHODS),
});

/**
 * What the rules read of a profile: every account of the file (the slim facts, not the page),
 * its public records and its inquiries. A record is disputed while a dispute of it is open,
 * unverifiable once one ended UNVERIFIABLE (its objection shows).
 */
export function ruleFacts(profile: Pick<ProfileData, 'facts' | 'publicRecords' | 'hardInquiries'>): {
  accounts: (ScoredAccount & EligibilityAccount)[];
  publicRecords: EligibilityPublicRecord[];
  inquiries: ScoredInquiry[];
} {
  return {
    accounts: profile.facts,
    publicRecords: profile.publicRecords.map((r) => ({
      id: r.id,
      kind: r.kind,
      status: r.status,
      disputed: r.disputed,
      unverifiable: r.objection !== null,
    })),
    // every hard inquiry of the window, not the displayed list (capped at 100, soft ones included)
    inquiries: profile.hardInquiries,
  };
}

/**
 * The one decision both institutions call: the same facts (the shared profile and the
 * programme's own record), the same parameter version, the same pure rules.
 */
export function decide(
  profile: ProfileData,
  facts: { exposure: string; repaid: number; defaulted: number },
  request: LoanRequest,
  params: { version: number; document: ProgrammeParameters },
  now: Date,
): Omit<Assessment, 'borrowerId'> {
  const today = businessDate(now);
  const { accounts, publicRecords, inquiries } = ruleFacts(profile);
  const s = score({
    accounts,
    inquiries,
    registeredOn: profile.borrower.registeredOn,
    programmeHistory: { repaid: facts.repaid, defaulted: facts.defaulted },
    now,
  });
  const pr = price(params.document, { ...request, grade: s.grade, date: today });
  const e = eligibility({
    category: profile.borrower.category as BorrowerCategory,
    registeredOn: profile.borrower.registeredOn,
    accounts,
    publicRecords,
    programmeExposure: facts.exposure,
    request,
    price: pr,
    params: params.document,
    today,
  });
  return {
    request,
    eligible: e.eligible,
    reasons: e.reasons,
    score: s,
    price: pr,
    parameterVersion: params.version,
    programmeExposure: facts.exposure,
    asOf: now,
  };
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
