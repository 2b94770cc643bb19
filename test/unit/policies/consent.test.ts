import { describe, expect, it } from 'vitest';
import { consentPolicy } from '../../../src/modules/consent/policy.js';
import { actors } from './actors.js';
import { policyTable } from './table.js';

const bank = { kind: 'BANK' };
const insurer = { kind: 'INSURER' };
const bureau = { kind: 'GOVERNMENT' };
const own = { borrowerId: actors.borrower.borrowerId };

describe('consent policy: role × action × ownership', () => {
  policyTable(consentPolicy, [
    ['the borrower consents to a bank', actors.borrower, 'grant', bank, true],
    ['the borrower consents to an insurer', actors.borrower, 'grant', insurer, true],
    ['the borrower consents to a government body', actors.borrower, 'grant', bureau, false],
    ['a bank grants consent', actors.bank, 'grant', bank, false],
    ['an insurer grants consent', actors.insurer, 'grant', insurer, false],
    ['government grants consent', actors.government, 'grant', bank, false],
    ['admin grants consent', actors.admin, 'grant', bank, false],
    ['no one signed in grants consent', null, 'grant', bank, false],
    ['the borrower revokes their own consent', actors.borrower, 'revoke', own, true],
    ['another borrower revokes it', actors.otherBorrower, 'revoke', own, false],
    ['a bank revokes it', actors.bank, 'revoke', own, false],
    ['government revokes it', actors.government, 'revoke', own, false],
    ['admin revokes it', actors.admin, 'revoke', own, false],
    ['no one signed in revokes it', null, 'revoke', own, false],
    ['a borrower lists own consents', actors.borrower, 'listOwn', undefined, true],
    ['a bank lists own consents', actors.bank, 'listOwn', undefined, false],
    ['an insurer lists own consents', actors.insurer, 'listOwn', undefined, false],
    ['government lists own consents', actors.government, 'listOwn', undefined, false],
    ['admin lists own consents', actors.admin, 'listOwn', undefined, false],
    ['a borrower reads the consent purposes', actors.borrower, 'listPurposes', undefined, true],
    ['a bank reads the consent purposes', actors.bank, 'listPurposes', undefined, true],
    ['an insurer reads the consent purposes', actors.insurer, 'listPurposes', undefined, true],
    ['government reads the consent purposes', actors.government, 'listPurposes', undefined, true],
    ['admin reads the consent purposes', actors.admin, 'listPurposes', undefined, true],
    ['no one signed in reads the consent purposes', null, 'listPurposes', undefined, false],
  ]);

  it("authorize answers NOT_FOUND for another borrower's consent or a missing one, never FORBIDDEN (no existence oracle)", () => {
    expect(() => consentPolicy.authorize(actors.otherBorrower, 'revoke', own)).toThrow(
      expect.objectContaining({ code: 'NOT_FOUND', message: 'Consent not found' }),
    );
    expect(() => consentPolicy.authorize(actors.borrower, 'revoke', undefined)).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
    expect(consentPolicy.authorize(actors.borrower, 'revoke', own)).toBe(own);
  });

  it('gate answers FORBIDDEN for a role that may never act, UNAUTHENTICATED without an actor', () => {
    expect(() => consentPolicy.gate({ actor: actors.bank, authError: null }, 'grant')).toThrow(
      expect.objectContaining({ code: 'FORBIDDEN' }),
    );
    expect(() => consentPolicy.gate({ actor: actors.admin, authError: null }, 'revoke')).toThrow(
      expect.objectContaining({ code: 'FORBIDDEN' }),
    );
    expect(() => consentPolicy.gate({ actor: null, authError: null }, 'listOwn')).toThrow(
      expect.objectContaining({ code: 'UNAUTHENTICATED' }),
    );
  });
});
