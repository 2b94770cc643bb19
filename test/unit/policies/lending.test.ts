import { describe, expect, it } from 'vitest';
import {
  applicantOf,
  applicationPolicy,
  bankReview,
  dealPolicy,
  decisionPolicy,
  humanReviewPolicy,
  insurerReview,
  isBank,
  isInsurer,
  loanPolicy,
  otherReview,
  ownReview,
  policyPolicy,
  readIsAudited,
  reviewConsents,
  reviewPurpose,
  submitsForThemself,
} from '../../../src/modules/lending/policy.js';
import { actors } from './actors.js';
import { policyTable } from './table.js';

// one deal between bank-a, insurer-a and the borrower: the application, its policy and its loan all name them
const deal = { bankId: actors.bank.institutionId, insurerId: actors.insurer.institutionId, borrowerId: actors.borrower.borrowerId };
const toOwnBank = { bankId: actors.bank.institutionId, borrowerId: actors.borrower.borrowerId };
const toOtherBank = { bankId: actors.otherBank.institutionId, borrowerId: actors.borrower.borrowerId };

describe('application policy: role × action × ownership', () => {
  policyTable(applicationPolicy, [
    ['the borrower submits for themself', actors.borrower, 'submit', toOwnBank, true],
    ['another borrower submits for them', actors.otherBorrower, 'submit', toOwnBank, false],
    ['a bank submits to itself', actors.bank, 'submit', toOwnBank, true],
    ['a bank submits to another bank', actors.bank, 'submit', toOtherBank, false],
    ['an insurer submits', actors.insurer, 'submit', toOwnBank, false],
    ['government submits', actors.government, 'submit', toOwnBank, false],
    ['admin submits', actors.admin, 'submit', toOwnBank, false],
    ['no one signed in submits', null, 'submit', toOwnBank, false],
    ['the application’s bank reviews', actors.bank, 'review', deal, true],
    ['the application’s insurer reviews', actors.insurer, 'review', deal, true],
    ['another bank reviews', actors.otherBank, 'review', deal, false],
    ['another insurer reviews', actors.otherInsurer, 'review', deal, false],
    ['the borrower reviews', actors.borrower, 'review', deal, false],
    ['government reviews', actors.government, 'review', deal, false],
    ['admin reviews', actors.admin, 'review', deal, false],
    ['the application’s insurer issues the policy', actors.insurer, 'issue', deal, true],
    ['another insurer issues', actors.otherInsurer, 'issue', deal, false],
    ['the application’s bank issues', actors.bank, 'issue', deal, false],
    ['the borrower issues', actors.borrower, 'issue', deal, false],
    ['admin issues', actors.admin, 'issue', deal, false],
    ['its bank reads', actors.bank, 'read', deal, true],
    ['its insurer reads', actors.insurer, 'read', deal, true],
    ['its borrower reads', actors.borrower, 'read', deal, true],
    ['another bank reads', actors.otherBank, 'read', deal, false],
    ['another insurer reads', actors.otherInsurer, 'read', deal, false],
    ['another borrower reads', actors.otherBorrower, 'read', deal, false],
    ['government reads', actors.government, 'read', deal, false],
    ['admin reads', actors.admin, 'read', deal, false],
    ['no one signed in reads', null, 'read', deal, false],
    ['a bank lists', actors.bank, 'list', undefined, true],
    ['an insurer lists', actors.insurer, 'list', undefined, true],
    ['a borrower lists', actors.borrower, 'list', undefined, true],
    ['government lists', actors.government, 'list', undefined, false],
    ['admin lists', actors.admin, 'list', undefined, false],
  ]);
});

describe('policy (保险) policy: role × action × ownership', () => {
  policyTable(policyPolicy, [
    ['the policy’s bank pledges it', actors.bank, 'pledge', deal, true],
    ['another bank pledges it', actors.otherBank, 'pledge', deal, false],
    ['the policy’s insurer pledges it', actors.insurer, 'pledge', deal, false],
    ['the borrower pledges it', actors.borrower, 'pledge', deal, false],
    ['admin pledges it', actors.admin, 'pledge', deal, false],
    ['the policy’s bank disburses against it', actors.bank, 'disburse', deal, true],
    ['another bank disburses against it', actors.otherBank, 'disburse', deal, false],
    ['the policy’s insurer disburses', actors.insurer, 'disburse', deal, false],
    ['government disburses', actors.government, 'disburse', deal, false],
    ['no one signed in disburses', null, 'disburse', deal, false],
    ['its bank reads', actors.bank, 'read', deal, true],
    ['its insurer reads', actors.insurer, 'read', deal, true],
    ['its borrower reads', actors.borrower, 'read', deal, true],
    ['another bank reads', actors.otherBank, 'read', deal, false],
    ['another insurer reads', actors.otherInsurer, 'read', deal, false],
    ['another borrower reads', actors.otherBorrower, 'read', deal, false],
    ['government reads', actors.government, 'read', deal, false],
    ['admin reads', actors.admin, 'read', deal, false],
  ]);
});

describe('loan policy: role × action × ownership', () => {
  policyTable(loanPolicy, [
    ['the loan’s bank records a repayment', actors.bank, 'recordRepayment', deal, true],
    ['another bank records a repayment', actors.otherBank, 'recordRepayment', deal, false],
    ['the loan’s insurer records a repayment', actors.insurer, 'recordRepayment', deal, false],
    ['the borrower records a repayment', actors.borrower, 'recordRepayment', deal, false],
    ['government records a repayment', actors.government, 'recordRepayment', deal, false],
    ['admin records a repayment', actors.admin, 'recordRepayment', deal, false],
    ['its bank reads', actors.bank, 'read', deal, true],
    ['its insurer reads', actors.insurer, 'read', deal, true],
    ['its borrower reads', actors.borrower, 'read', deal, true],
    ['another bank reads', actors.otherBank, 'read', deal, false],
    ['another insurer reads', actors.otherInsurer, 'read', deal, false],
    ['another borrower reads', actors.otherBorrower, 'read', deal, false],
    ['government reads', actors.government, 'read', deal, false],
    ['admin reads', actors.admin, 'read', deal, false],
    ['a bank lists', actors.bank, 'list', undefined, true],
    ['an insurer lists', actors.insurer, 'list', undefined, true],
    ['a borrower lists', actors.borrower, 'list', undefined, true],
    ['government lists', actors.government, 'list', undefined, false],
    ['admin lists', actors.admin, 'list', undefined, false],
    ['admin ages the loans', actors.admin, 'age', undefined, true],
    ['government ages the loans', actors.government, 'age', undefined, false],
    ['a bank ages the loans', actors.bank, 'age', undefined, false],
    ['no one signed in ages the loans', null, 'age', undefined, false],
    ['its bank quotes a settlement', actors.bank, 'quoteSettlement', deal, true],
    ['its insurer quotes a settlement', actors.insurer, 'quoteSettlement', deal, true],
    ['its borrower quotes a settlement', actors.borrower, 'quoteSettlement', deal, true],
    ['another bank quotes a settlement', actors.otherBank, 'quoteSettlement', deal, false],
    ['another borrower quotes a settlement', actors.otherBorrower, 'quoteSettlement', deal, false],
    ['government quotes a settlement', actors.government, 'quoteSettlement', deal, false],
    ['the loan’s bank settles it', actors.bank, 'settle', deal, true],
    ['another bank settles it', actors.otherBank, 'settle', deal, false],
    ['the loan’s insurer settles it', actors.insurer, 'settle', deal, false],
    ['the borrower settles it', actors.borrower, 'settle', deal, false],
    ['admin settles it', actors.admin, 'settle', deal, false],
  ]);
});

describe('deal policy (for other modules): the parties and no one else', () => {
  policyTable(dealPolicy, [
    ['its bank', actors.bank, 'read', deal, true],
    ['its insurer', actors.insurer, 'read', deal, true],
    ['its borrower', actors.borrower, 'read', deal, true],
    ['another bank', actors.otherBank, 'read', deal, false],
    ['another insurer', actors.otherInsurer, 'read', deal, false],
    ['another borrower', actors.otherBorrower, 'read', deal, false],
    ['government', actors.government, 'read', deal, false],
    ['admin', actors.admin, 'read', deal, false],
  ]);
});

describe('decision and human-review policies (PIPL Art 24): role × action × ownership', () => {
  const application = { borrowerId: actors.borrower.borrowerId };
  const asked = { institutionId: actors.bank.institutionId };
  policyTable(decisionPolicy, [
    ['a borrower reads the decisions about themself', actors.borrower, 'readOwn', undefined, true],
    ['a bank reads myDecisions', actors.bank, 'readOwn', undefined, false],
    ['an insurer reads myDecisions', actors.insurer, 'readOwn', undefined, false],
    ['government reads myDecisions', actors.government, 'readOwn', undefined, false],
    ['admin reads myDecisions', actors.admin, 'readOwn', undefined, false],
    ['no one signed in reads myDecisions', null, 'readOwn', undefined, false],
  ]);
  policyTable(humanReviewPolicy, [
    ['the application’s borrower asks for a human review', actors.borrower, 'request', application, true],
    ['another borrower asks', actors.otherBorrower, 'request', application, false],
    ['a bank asks', actors.bank, 'request', application, false],
    ['admin asks', actors.admin, 'request', application, false],
    ['a bank lists the reviews it answers', actors.bank, 'list', undefined, true],
    ['an insurer lists the reviews it answers', actors.insurer, 'list', undefined, true],
    ['a borrower lists', actors.borrower, 'list', undefined, false],
    ['government lists', actors.government, 'list', undefined, false],
    ['the declining bank resolves', actors.bank, 'resolve', asked, true],
    ['another bank resolves', actors.otherBank, 'resolve', asked, false],
    ['an insurer resolves a bank’s decline', actors.insurer, 'resolve', asked, false],
    ['the borrower resolves', actors.borrower, 'resolve', asked, false],
    ['admin resolves', actors.admin, 'resolve', asked, false],
    ['no one signed in resolves', null, 'resolve', asked, false],
  ]);
});

describe('lending policies: errors', () => {
  it('authorize answers NOT_FOUND naming the resource for a stranger or a missing row, never FORBIDDEN', () => {
    const nf = (what: string) => expect.objectContaining({ code: 'NOT_FOUND', message: `${what} not found` });
    expect(() => applicationPolicy.authorize(actors.otherBank, 'review', deal)).toThrow(nf('Application'));
    expect(() => applicationPolicy.authorize(actors.otherInsurer, 'issue', deal)).toThrow(nf('Application'));
    expect(() => policyPolicy.authorize(actors.otherBank, 'pledge', deal)).toThrow(nf('Policy'));
    expect(() => policyPolicy.authorize(actors.bank, 'disburse', undefined)).toThrow(nf('Policy'));
    expect(() => loanPolicy.authorize(actors.otherBank, 'recordRepayment', deal)).toThrow(nf('Loan'));
    expect(() => loanPolicy.authorize(actors.otherBorrower, 'read', deal)).toThrow(nf('Loan'));
    expect(loanPolicy.authorize(actors.bank, 'recordRepayment', deal)).toBe(deal);
  });

  it('gate answers FORBIDDEN for a role that may never act, UNAUTHENTICATED without an actor', () => {
    const code = (c: string) => expect.objectContaining({ code: c });
    expect(() => applicationPolicy.gate({ actor: actors.insurer, authError: null }, 'submit')).toThrow(code('FORBIDDEN'));
    expect(() => applicationPolicy.gate({ actor: actors.bank, authError: null }, 'issue')).toThrow(code('FORBIDDEN'));
    expect(() => policyPolicy.gate({ actor: actors.insurer, authError: null }, 'disburse')).toThrow(code('FORBIDDEN'));
    expect(() => loanPolicy.gate({ actor: actors.government, authError: null }, 'read')).toThrow(code('FORBIDDEN'));
    expect(() => loanPolicy.gate({ actor: actors.bank, authError: null }, 'age')).toThrow(code('FORBIDDEN'));
    expect(() => loanPolicy.gate({ actor: null, authError: null }, 'age')).toThrow(code('UNAUTHENTICATED'));
    expect(loanPolicy.gate({ actor: actors.admin, authError: null }, 'age')).toBe(actors.admin);
  });
});

describe('lending policies: role-dependent values', () => {
  it('a borrower applies for themself, naming anyone else is NOT_FOUND; a bank names the borrower', () => {
    const me = actors.borrower.borrowerId;
    expect(applicantOf(actors.borrower, null)).toBe(me);
    expect(applicantOf(actors.borrower, me)).toBe(me);
    expect(() => applicantOf(actors.borrower, actors.otherBorrower.borrowerId)).toThrow(
      expect.objectContaining({ code: 'NOT_FOUND', message: 'Borrower not found' }),
    );
    expect(applicantOf(actors.bank, me)).toBe(me);
    expect(applicantOf(actors.bank, null)).toBeNull();
    expect(submitsForThemself(actors.borrower)).toBe(true);
    expect(submitsForThemself(actors.bank)).toBe(false);
  });

  it('a bank reviews under LOAN_APPLICATION consent, an insurer under UNDERWRITING; an application grants both', () => {
    expect(reviewPurpose(actors.bank)).toBe('LOAN_APPLICATION');
    expect(reviewPurpose(actors.insurer)).toBe('UNDERWRITING');
    expect(reviewConsents(deal)).toEqual([
      [deal.bankId, 'LOAN_APPLICATION'],
      [deal.insurerId, 'UNDERWRITING'],
    ]);
  });

  it('finds the actor’s own review, the other side’s, and each side’s by role', () => {
    const bankR = { reviewerRole: 'BANK', decision: 'APPROVE' };
    const insR = { reviewerRole: 'INSURER', decision: 'DECLINE' };
    expect(ownReview(actors.bank, [bankR, insR])).toBe(bankR);
    expect(ownReview(actors.insurer, [bankR])).toBeUndefined();
    expect(otherReview(actors.insurer, [bankR, insR])).toBe(bankR);
    expect(bankReview([insR, bankR])).toBe(bankR);
    expect(insurerReview([bankR, insR])).toBe(insR);
  });

  it('checks what a submission names the institutions as, and audits institutions’ reads only', () => {
    expect(isBank({ kind: 'BANK' })).toBe(true);
    expect(isBank({ kind: 'INSURER' })).toBe(false);
    expect(isBank(undefined)).toBe(false);
    expect(isInsurer({ kind: 'INSURER' })).toBe(true);
    expect(isInsurer({ kind: 'BANK' })).toBe(false);
    expect(readIsAudited(actors.bank)).toBe(true);
    expect(readIsAudited(actors.insurer)).toBe(true);
    expect(readIsAudited(actors.borrower)).toBe(false);
  });
});
