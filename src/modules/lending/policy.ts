import type { Actor, ActorOf } from '../../auth/actor.js';
import { allow, definePolicy, isPartyTo } from '../../auth/policy.js';
import type { ConsentPurpose } from '../../domain.js';
import { notFound } from '../../errors.js';

/** A programme deal's parties, as every application, policy and loan row names them. */
interface Deal {
  bankId: string;
  insurerId: string;
  borrowerId: string;
}

/** What a submission names: the bank it goes to and the borrower it is for. */
interface Submission {
  bankId: string;
  borrowerId: string;
}

const PARTIES = ['BANK', 'INSURER', 'BORROWER'] as const;
const party = (a: Actor, d: Deal) => isPartyTo(a, d);

/** Who may do what with a loan application (贷款申请). */
export const applicationPolicy = definePolicy('Application', {
  /** A borrower applies for themself; a bank submits to itself only (for a consenting borrower). */
  submit: allow(['BORROWER', 'BANK'], (a, s: Submission) =>
    a.role === 'BORROWER' ? a.borrowerId === s.borrowerId : a.institutionId === s.bankId,
  ),
  /** The application's bank and its insurer each review it. */
  review: allow(['BANK', 'INSURER'], party),
  /** The application's insurer issues the policy once both approved. */
  issue: allow(['INSURER'], (a, app: Deal) => a.institutionId === app.insurerId),
  read: allow(PARTIES, party),
  list: allow(PARTIES),
});

/**
 * Decisions about a borrower (PIPL Art 24): the borrower reads every one, and may ask that a
 * person reconsider a decline of their own application; the declining institution answers.
 */
export const decisionPolicy = definePolicy('Decision', {
  /** A borrower reads the decisions about themself (myDecisions). */
  readOwn: allow(['BORROWER']),
});

export const humanReviewPolicy = definePolicy('HumanReview', {
  /** The application's borrower asks (the resource is the application). */
  request: allow(['BORROWER'], (a, app: { borrowerId: string }) => a.borrowerId === app.borrowerId),
  /** The institution whose decline is reconsidered lists and answers; nobody else learns the request exists. */
  list: allow(['BANK', 'INSURER']),
  resolve: allow(['BANK', 'INSURER'], (a, hr: { institutionId: string }) => a.institutionId === hr.institutionId),
});

/** Who may do what with a loan guarantee insurance policy (贷款保证保险). */
export const policyPolicy = definePolicy('Policy', {
  /** The policy's bank takes it in pledge (保单质押)… */
  pledge: allow(['BANK'], (a, p: Deal) => a.institutionId === p.bankId),
  /** …and lends against it. */
  disburse: allow(['BANK'], (a, p: Deal) => a.institutionId === p.bankId),
  read: allow(PARTIES, party),
});

/** Who may do what with a programme loan. */
export const loanPolicy = definePolicy('Loan', {
  /** The loan's bank records what the borrower paid. */
  recordRepayment: allow(['BANK'], (a, l: Deal) => a.institutionId === l.bankId),
  /** What settling early would cost: the loan's bank, its insurer (it refunds premium) and the borrower themself. */
  quoteSettlement: allow(PARTIES, party),
  /** The loan's bank records the early settlement (提前结清) it received. */
  settle: allow(['BANK'], (a, l: Deal) => a.institutionId === l.bankId),
  read: allow(PARTIES, party),
  list: allow(PARTIES),
  /** Ageing (days past due, default) is the platform's job. */
  age: allow(['ADMIN']),
  /** The loan's bank proposes an extension (展期) of it… */
  proposeExtension: allow(['BANK'], (a, l: Deal) => a.institutionId === l.bankId),
});

/** …and the loan's insurer agrees to it (endorsing the policy) or declines it. The resource is the extension with its loan's parties. */
export const extensionPolicy = definePolicy('Extension', {
  decide: allow(['INSURER'], (a, e: Deal) => a.institutionId === e.insurerId),
});

/** Any deal row (application, policy, loan, or a claim on one): its bank, its insurer and its borrower may see it. */
export const dealPolicy = definePolicy('Deal', {
  read: allow(PARTIES, party),
});

/* ---- role-dependent values the commands and reads use ---- */

/**
 * Whom an application is for. A borrower applies for themself (naming another borrower is
 * NOT_FOUND: no existence oracle); a bank names the borrower (undefined when it did not).
 */
export function applicantOf(actor: ActorOf<'BORROWER' | 'BANK'>, named: string | null | undefined): string | null | undefined {
  if (actor.role !== 'BORROWER') return named;
  if (named && named !== actor.borrowerId) throw notFound('Borrower');
  return actor.borrowerId;
}

/** A borrower's own application form is their authorisation for both reviews (授权查询); a bank's needs a prior consent. */
export const submitsForThemself = (actor: ActorOf<'BORROWER' | 'BANK'>): actor is ActorOf<'BORROWER'> => actor.role === 'BORROWER';

const REVIEW_PURPOSE = { BANK: 'LOAN_APPLICATION', INSURER: 'UNDERWRITING' } as const satisfies Record<'BANK' | 'INSURER', ConsentPurpose>;

/** The consent a reviewer reads the borrower's file under: the bank's loan application, the insurer's underwriting. */
export const reviewPurpose = (actor: ActorOf<'BANK' | 'INSURER'>): ConsentPurpose => REVIEW_PURPOSE[actor.role];

/** The consents an application grants, one per review: [institution, purpose]. */
export const reviewConsents = (app: { bankId: string; insurerId: string }): [string, ConsentPurpose][] => [
  [app.bankId, REVIEW_PURPOSE.BANK],
  [app.insurerId, REVIEW_PURPOSE.INSURER],
];

interface ReviewLike {
  reviewerRole: string;
}
/** The review the actor's side (bank or insurer) already gave. */
export const ownReview = <R extends ReviewLike>(actor: Actor, reviews: R[]) => reviews.find((r) => r.reviewerRole === actor.role);
/** The other side's review. */
export const otherReview = <R extends ReviewLike>(actor: Actor, reviews: R[]) => reviews.find((r) => r.reviewerRole !== actor.role);
/** The bank's review: its parameter version governs the loan. */
export const bankReview = <R extends ReviewLike>(reviews: R[]) => reviews.find((r) => r.reviewerRole === 'BANK');
/** The insurer's review: its price is the policy's premium. */
export const insurerReview = <R extends ReviewLike>(reviews: R[]) => reviews.find((r) => r.reviewerRole === 'INSURER');

/** The institutions an application names must be what it names them as. */
export const isBank = <I extends { kind: string }>(i: I | undefined): i is I => i?.kind === 'BANK';
export const isInsurer = <I extends { kind: string }>(i: I | undefined): i is I => i?.kind === 'INSURER';

/** An institution's read of a borrower's deal is audited; a borrower reading their own is not. */
export const readIsAudited = (actor: Actor | null) => actor?.role !== 'BORROWER';
