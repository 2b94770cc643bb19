import { describe, expect, it } from 'vitest';
import { defaultPurpose, quoteSubject, underwritingPolicy } from '../../../src/modules/underwriting/policy.js';
import { actors } from './actors.js';
import { policyTable } from './table.js';

const own = { borrowerId: actors.borrower.borrowerId };

describe('underwriting policy: role × action × ownership', () => {
  policyTable(underwritingPolicy, [
    ['the borrower quotes themself', actors.borrower, 'quote', own, true],
    ['another borrower quotes them', actors.otherBorrower, 'quote', own, false],
    ['a bank quotes a borrower (consent checked when the profile is read)', actors.bank, 'quote', own, true],
    ['another bank quotes the same borrower', actors.otherBank, 'quote', own, true],
    ['an insurer quotes a borrower', actors.insurer, 'quote', own, true],
    ['government quotes', actors.government, 'quote', own, false],
    ['admin quotes', actors.admin, 'quote', own, false],
    ['no one signed in quotes', null, 'quote', own, false],
  ]);

  it("authorize answers NOT_FOUND for another borrower's quote (no existence oracle)", () => {
    expect(() => underwritingPolicy.authorize(actors.otherBorrower, 'quote', own)).toThrow(
      expect.objectContaining({ code: 'NOT_FOUND', message: 'Borrower not found' }),
    );
    expect(underwritingPolicy.authorize(actors.borrower, 'quote', own)).toBe(own);
  });

  it('gate answers FORBIDDEN for government and admin, UNAUTHENTICATED without an actor', () => {
    expect(() => underwritingPolicy.gate({ actor: actors.government, authError: null }, 'quote')).toThrow(
      expect.objectContaining({ code: 'FORBIDDEN' }),
    );
    expect(() => underwritingPolicy.gate({ actor: actors.admin, authError: null }, 'quote')).toThrow(
      expect.objectContaining({ code: 'FORBIDDEN' }),
    );
    expect(() => underwritingPolicy.gate({ actor: null, authError: null }, 'quote')).toThrow(
      expect.objectContaining({ code: 'UNAUTHENTICATED' }),
    );
  });

  it('a borrower quotes themself without an inquiry; an institution reads under its purpose', () => {
    expect(quoteSubject(actors.borrower, {})).toEqual({ borrowerId: actors.borrower.borrowerId, reader: null });
    expect(quoteSubject(actors.borrower, { borrowerId: actors.otherBorrower.borrowerId })).toEqual({
      borrowerId: actors.otherBorrower.borrowerId,
      reader: null,
    });
    expect(quoteSubject(actors.bank, { borrowerId: own.borrowerId })).toEqual({
      borrowerId: own.borrowerId,
      reader: { institutionId: 'bank-a', purpose: 'LOAN_APPLICATION' },
    });
    expect(quoteSubject(actors.insurer, { borrowerId: own.borrowerId })).toEqual({
      borrowerId: own.borrowerId,
      reader: { institutionId: 'insurer-a', purpose: 'UNDERWRITING' },
    });
    expect(quoteSubject(actors.insurer, { borrowerId: own.borrowerId, purpose: 'POST_LOAN_MANAGEMENT' }).reader?.purpose).toBe(
      'POST_LOAN_MANAGEMENT',
    );
    expect(quoteSubject(actors.bank, {}).borrowerId).toBeNull();
  });

  it('the default purpose: a bank lends, an insurer underwrites', () => {
    expect(defaultPurpose('BANK')).toBe('LOAN_APPLICATION');
    expect(defaultPurpose('INSURER')).toBe('UNDERWRITING');
  });
});
