import { describe, expect, it } from 'vitest';
import { creditPolicy } from '../../../src/modules/credit/policy.js';
import { actors } from './actors.js';
import { policyTable } from './table.js';

const loan = { kind: 'LOAN' };
const policy = { kind: 'INSURANCE_POLICY' };
const guarantee = { kind: 'GUARANTEE' };
const listing = { kind: 'COURT_LISTING' };

describe('credit policy: role × action × record kind', () => {
  policyTable(creditPolicy, [
    // the profile read: consent is the statement's own check, so the policy is the role alone
    ['a bank reads a profile', actors.bank, 'readProfile', undefined, true],
    ['an insurer reads a profile', actors.insurer, 'readProfile', undefined, true],
    ['a borrower reads a profile by id', actors.borrower, 'readProfile', undefined, false],
    ['government reads a profile', actors.government, 'readProfile', undefined, false],
    ['admin reads a profile', actors.admin, 'readProfile', undefined, false],
    ['no one signed in reads a profile', null, 'readProfile', undefined, false],
    ['the borrower reads their own profile', actors.borrower, 'readOwnProfile', undefined, true],
    ['a bank reads its "own" profile', actors.bank, 'readOwnProfile', undefined, false],
    ['government reads its "own" profile', actors.government, 'readOwnProfile', undefined, false],
    ['admin reads its "own" profile', actors.admin, 'readOwnProfile', undefined, false],
    ['no one signed in reads their own profile', null, 'readOwnProfile', undefined, false],
    ['a bank lists its customers', actors.bank, 'listCustomers', undefined, true],
    ['an insurer lists its customers', actors.insurer, 'listCustomers', undefined, true],
    ['a borrower lists customers', actors.borrower, 'listCustomers', undefined, false],
    ['government lists customers', actors.government, 'listCustomers', undefined, false],
    ['admin lists customers', actors.admin, 'listCustomers', undefined, false],
    ['a bank registers a borrower', actors.bank, 'registerBorrower', undefined, true],
    ['an insurer registers a borrower', actors.insurer, 'registerBorrower', undefined, true],
    ['a borrower registers a borrower', actors.borrower, 'registerBorrower', undefined, false],
    ['government registers a borrower', actors.government, 'registerBorrower', undefined, false],
    ['admin registers a borrower', actors.admin, 'registerBorrower', undefined, false],
    ['no one signed in registers a borrower', null, 'registerBorrower', undefined, false],
    // furnishing: which institution may report which kind of account
    ['a bank furnishes a loan', actors.bank, 'furnish', loan, true],
    ['a bank furnishes a guarantee', actors.bank, 'furnish', guarantee, true],
    ['a bank furnishes a court listing (a public record now)', actors.bank, 'furnish', listing, false],
    ['a bank furnishes an insurance policy', actors.bank, 'furnish', policy, false],
    ['an insurer furnishes a policy', actors.insurer, 'furnish', policy, true],
    ['an insurer furnishes a guarantee', actors.insurer, 'furnish', guarantee, true],
    ['an insurer furnishes a court listing (a public record now)', actors.insurer, 'furnish', listing, false],
    ['an insurer furnishes a loan', actors.insurer, 'furnish', loan, false],
    ['a borrower furnishes', actors.borrower, 'furnish', loan, false],
    ['government furnishes', actors.government, 'furnish', loan, false],
    ['admin furnishes', actors.admin, 'furnish', loan, false],
    ['no one signed in furnishes', null, 'furnish', loan, false],
    // notices (prior notice of adverse information): the borrower's own
    ['the borrower reads their notices', actors.borrower, 'readOwnNotices', undefined, true],
    ['a bank reads notices', actors.bank, 'readOwnNotices', undefined, false],
    ['an insurer reads notices', actors.insurer, 'readOwnNotices', undefined, false],
    ['government reads notices', actors.government, 'readOwnNotices', undefined, false],
    ['admin reads notices', actors.admin, 'readOwnNotices', undefined, false],
    ['no one signed in reads notices', null, 'readOwnNotices', undefined, false],
    // corrections of past months: the furnisher's own live records only (PROGRAMME: the command refuses)
    ['the furnishing bank corrects its record', actors.bank, 'correctRecord', { institutionId: 'bank-a', deletedAt: null }, true],
    ['another bank corrects it', actors.otherBank, 'correctRecord', { institutionId: 'bank-a', deletedAt: null }, false],
    ['the bank corrects its deleted record', actors.bank, 'correctRecord', { institutionId: 'bank-a', deletedAt: new Date() }, false],
    ['a borrower corrects a record', actors.borrower, 'correctRecord', { institutionId: 'bank-a', deletedAt: null }, false],
    ['admin corrects a record', actors.admin, 'correctRecord', { institutionId: 'bank-a', deletedAt: null }, false],
    // 本人声明: the borrower's own records, public records or file
    [
      'the borrower adds a statement to their own record',
      actors.borrower,
      'addStatement',
      { borrowerId: actors.borrower.borrowerId, deletedAt: null },
      true,
    ],
    ['the borrower adds one to their file', actors.borrower, 'addStatement', { borrowerId: actors.borrower.borrowerId }, true],
    [
      'another borrower adds one to it',
      actors.otherBorrower,
      'addStatement',
      { borrowerId: actors.borrower.borrowerId, deletedAt: null },
      false,
    ],
    [
      'the borrower adds one to a deleted record',
      actors.borrower,
      'addStatement',
      { borrowerId: actors.borrower.borrowerId, deletedAt: new Date() },
      false,
    ],
    ['the borrower adds one to an unmatched public record', actors.borrower, 'addStatement', { borrowerId: null, deletedAt: null }, false],
    ['a bank adds a statement', actors.bank, 'addStatement', { borrowerId: actors.borrower.borrowerId }, false],
    ['the borrower withdraws their statement', actors.borrower, 'withdrawStatement', { borrowerId: actors.borrower.borrowerId }, true],
    ['another borrower withdraws it', actors.otherBorrower, 'withdrawStatement', { borrowerId: actors.borrower.borrowerId }, false],
    ['admin withdraws it', actors.admin, 'withdrawStatement', { borrowerId: actors.borrower.borrowerId }, false],
  ]);

  it('gate answers FORBIDDEN for a role that may never act, UNAUTHENTICATED without an actor', () => {
    expect(() => creditPolicy.gate({ actor: actors.borrower, authError: null }, 'readProfile')).toThrow(
      expect.objectContaining({ code: 'FORBIDDEN' }),
    );
    expect(() => creditPolicy.gate({ actor: actors.bank, authError: null }, 'readOwnProfile')).toThrow(
      expect.objectContaining({ code: 'FORBIDDEN' }),
    );
    expect(() => creditPolicy.gate({ actor: actors.government, authError: null }, 'furnish')).toThrow(
      expect.objectContaining({ code: 'FORBIDDEN' }),
    );
    expect(() => creditPolicy.gate({ actor: null, authError: null }, 'readProfile')).toThrow(
      expect.objectContaining({ code: 'UNAUTHENTICATED' }),
    );
    expect(creditPolicy.gate({ actor: actors.insurer, authError: null }, 'readProfile').institutionId).toBe('insurer-a');
    expect(creditPolicy.gate({ actor: actors.borrower, authError: null }, 'readOwnProfile').borrowerId).toBe(actors.borrower.borrowerId);
  });
});
