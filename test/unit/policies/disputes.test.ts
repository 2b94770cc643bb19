import { describe, expect, it } from 'vitest';
import { disputePolicy } from '../../../src/modules/disputes/policy.js';
import { actors } from './actors.js';
import { policyTable } from './table.js';

const record = { borrowerId: actors.borrower.borrowerId, deletedAt: null };
const deleted = { ...record, deletedAt: new Date() };
const dispute = { borrowerId: actors.borrower.borrowerId, institutionId: actors.bank.institutionId };

describe('dispute policy: role × action × ownership', () => {
  policyTable(disputePolicy, [
    ['the borrower files on their own record', actors.borrower, 'file', record, true],
    ['another borrower files on it', actors.otherBorrower, 'file', record, false],
    ['the borrower files on a deleted record', actors.borrower, 'file', deleted, false],
    ['a bank files', actors.bank, 'file', record, false],
    ['no one signed in files', null, 'file', record, false],
    ['the furnishing bank resolves', actors.bank, 'resolve', dispute, true],
    ['another bank resolves', actors.otherBank, 'resolve', dispute, false],
    ['an insurer resolves a bank record', actors.insurer, 'resolve', dispute, false],
    ['the borrower resolves', actors.borrower, 'resolve', dispute, false],
    ['government resolves', actors.government, 'resolve', dispute, false],
    ['admin resolves', actors.admin, 'resolve', dispute, false],
    ['admin lists overdue', actors.admin, 'listOverdue', undefined, true],
    ['government lists overdue', actors.government, 'listOverdue', undefined, false],
    ['a bank lists its disputes to answer', actors.bank, 'listToAnswer', undefined, true],
    ['a borrower lists disputes to answer', actors.borrower, 'listToAnswer', undefined, false],
    ['a borrower lists own disputes', actors.borrower, 'listOwn', undefined, true],
    ['a bank lists own disputes', actors.bank, 'listOwn', undefined, false],
  ]);

  it('authorize answers NOT_FOUND for a stranger or a missing dispute, never FORBIDDEN (no existence oracle)', () => {
    expect(() => disputePolicy.authorize(actors.otherBank, 'resolve', dispute)).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
    expect(() => disputePolicy.authorize(actors.bank, 'resolve', undefined)).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
    expect(disputePolicy.authorize(actors.bank, 'resolve', dispute)).toBe(dispute);
  });

  it('gate answers FORBIDDEN for a role that may never act, UNAUTHENTICATED without an actor', () => {
    expect(() => disputePolicy.gate({ actor: actors.government, authError: null }, 'resolve')).toThrow(
      expect.objectContaining({ code: 'FORBIDDEN' }),
    );
    expect(() => disputePolicy.gate({ actor: null, authError: null }, 'resolve')).toThrow(
      expect.objectContaining({ code: 'UNAUTHENTICATED' }),
    );
  });
});
