import { describe, expect, it } from 'vitest';
import type { Actor } from '../../../src/auth/actor.js';
import { disputePolicy } from '../../../src/modules/disputes/policy.js';
import { actors } from './actors.js';
import { policyTable } from './table.js';

const court = { userId: 'u-court', role: 'DATA_SOURCE', institutionId: 'court-a' } satisfies Actor;
const otherCourt = { userId: 'u-court-b', role: 'DATA_SOURCE', institutionId: 'court-b' } satisfies Actor;

const record = { borrowerId: actors.borrower.borrowerId, deletedAt: null };
const deleted = { ...record, deletedAt: new Date() };
/** A public record whose subject is not on file yet. */
const unmatched = { borrowerId: null, deletedAt: null };
const b = actors.borrower.borrowerId;
const dispute = { borrowerId: b, subject: 'RECORD', institutionId: actors.bank.institutionId };
const inquiryDispute = { borrowerId: b, subject: 'INQUIRY', institutionId: actors.insurer.institutionId };
const publicRecordDispute = { borrowerId: b, subject: 'PUBLIC_RECORD', institutionId: court.institutionId };
const identityDispute = { borrowerId: b, subject: 'IDENTITY', institutionId: null };

describe('dispute policy: role × action × ownership', () => {
  policyTable(disputePolicy, [
    ['the borrower files on their own record', actors.borrower, 'file', record, true],
    ['another borrower files on it', actors.otherBorrower, 'file', record, false],
    ['the borrower files on a deleted record', actors.borrower, 'file', deleted, false],
    ['the borrower files on a public record not matched to them', actors.borrower, 'file', unmatched, false],
    ['a bank files', actors.bank, 'file', record, false],
    ['admin files', actors.admin, 'file', record, false],
    ['no one signed in files', null, 'file', record, false],
    ['the furnishing bank resolves', actors.bank, 'resolve', dispute, true],
    ['another bank resolves', actors.otherBank, 'resolve', dispute, false],
    ['an insurer resolves a bank record', actors.insurer, 'resolve', dispute, false],
    ['the borrower resolves', actors.borrower, 'resolve', dispute, false],
    ['government resolves', actors.government, 'resolve', dispute, false],
    ['admin resolves a record dispute', actors.admin, 'resolve', dispute, false],
    ['the inquiring insurer resolves an inquiry dispute', actors.insurer, 'resolve', inquiryDispute, true],
    ['another insurer resolves it', actors.otherInsurer, 'resolve', inquiryDispute, false],
    ['the court resolves a dispute of its public record', court, 'resolve', publicRecordDispute, true],
    ['another court resolves it', otherCourt, 'resolve', publicRecordDispute, false],
    ['admin resolves a public-record dispute', actors.admin, 'resolve', publicRecordDispute, false],
    ['admin resolves an identity dispute', actors.admin, 'resolve', identityDispute, true],
    ['a bank resolves an identity dispute', actors.bank, 'resolve', identityDispute, false],
    ['a court resolves an identity dispute', court, 'resolve', identityDispute, false],
    ['the borrower reads their words', actors.borrower, 'readWords', dispute, true],
    ['another borrower reads them', actors.otherBorrower, 'readWords', dispute, false],
    ['the furnisher reads them', actors.bank, 'readWords', dispute, true],
    ['another bank reads them', actors.otherBank, 'readWords', dispute, false],
    ['admin reads a record dispute’s words', actors.admin, 'readWords', dispute, false],
    ['admin reads an identity dispute’s words', actors.admin, 'readWords', identityDispute, true],
    ['the court reads its dispute’s words', court, 'readWords', publicRecordDispute, true],
    ['government reads the words', actors.government, 'readWords', dispute, false],
    ['admin lists overdue', actors.admin, 'listOverdue', undefined, true],
    ['government lists overdue', actors.government, 'listOverdue', undefined, false],
    ['a bank lists its disputes to answer', actors.bank, 'listToAnswer', undefined, true],
    ['an authority lists its disputes to answer', court, 'listToAnswer', undefined, true],
    ['admin lists the identity disputes to answer', actors.admin, 'listToAnswer', undefined, true],
    ['government lists disputes to answer', actors.government, 'listToAnswer', undefined, false],
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
