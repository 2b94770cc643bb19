import { describe, expect, it } from 'vitest';
import { claimPolicy, claimsListedFor, lossLoanPolicy } from '../../../src/modules/losses/policy.js';
import { actors } from './actors.js';
import { policyTable } from './table.js';

const parties = { bankId: actors.bank.institutionId, insurerId: actors.insurer.institutionId, borrowerId: actors.borrower.borrowerId };
const loan = parties;
const claim = parties;

describe('loan-loss policy: role × action × ownership', () => {
  policyTable(lossLoanPolicy, [
    ['the loan’s bank files the claim', actors.bank, 'fileClaim', loan, true],
    ['another bank files', actors.otherBank, 'fileClaim', loan, false],
    ['the loan’s insurer files', actors.insurer, 'fileClaim', loan, false],
    ['the borrower files', actors.borrower, 'fileClaim', loan, false],
    ['government files', actors.government, 'fileClaim', loan, false],
    ['admin files', actors.admin, 'fileClaim', loan, false],
    ['no one signed in files', null, 'fileClaim', loan, false],
    ['the loan’s bank records the court', actors.bank, 'confirmNonPerforming', loan, true],
    ['the loan’s insurer records the court', actors.insurer, 'confirmNonPerforming', loan, true],
    ['another bank records the court', actors.otherBank, 'confirmNonPerforming', loan, false],
    ['another insurer records the court', actors.otherInsurer, 'confirmNonPerforming', loan, false],
    ['the borrower records the court', actors.borrower, 'confirmNonPerforming', loan, false],
    ['government records the court', actors.government, 'confirmNonPerforming', loan, false],
    ['admin records the court', actors.admin, 'confirmNonPerforming', loan, false],
    ['the loan’s bank records a recovery', actors.bank, 'recordRecovery', loan, true],
    ['the loan’s insurer records a recovery', actors.insurer, 'recordRecovery', loan, true],
    ['another bank records a recovery', actors.otherBank, 'recordRecovery', loan, false],
    ['another insurer records a recovery', actors.otherInsurer, 'recordRecovery', loan, false],
    ['the borrower records a recovery', actors.borrower, 'recordRecovery', loan, false],
    ['government records a recovery', actors.government, 'recordRecovery', loan, false],
    ['no one signed in records a recovery', null, 'recordRecovery', loan, false],
    ['the loan’s bank writes off its share', actors.bank, 'writeOffLoss', loan, true],
    ['the loan’s insurer writes off what it paid', actors.insurer, 'writeOffLoss', loan, true],
    ['another bank writes off', actors.otherBank, 'writeOffLoss', loan, false],
    ['another insurer writes off', actors.otherInsurer, 'writeOffLoss', loan, false],
    ['the borrower writes off', actors.borrower, 'writeOffLoss', loan, false],
    ['government writes off', actors.government, 'writeOffLoss', loan, false],
    ['admin writes off', actors.admin, 'writeOffLoss', loan, false],
    ['no one signed in writes off', null, 'writeOffLoss', loan, false],
  ]);

  it('authorize answers NOT_FOUND naming the loan for a stranger or a missing loan', () => {
    expect(() => lossLoanPolicy.authorize(actors.otherBank, 'fileClaim', loan)).toThrow(
      expect.objectContaining({ code: 'NOT_FOUND', message: 'Loan not found' }),
    );
    expect(() => lossLoanPolicy.authorize(actors.bank, 'recordRecovery', undefined)).toThrow(
      expect.objectContaining({ code: 'NOT_FOUND' }),
    );
    expect(lossLoanPolicy.authorize(actors.insurer, 'confirmNonPerforming', loan)).toBe(loan);
  });
});

describe('claim policy: role × action × ownership', () => {
  policyTable(claimPolicy, [
    ['the claim’s insurer pays', actors.insurer, 'pay', claim, true],
    ['another insurer pays', actors.otherInsurer, 'pay', claim, false],
    ['the claim’s bank pays', actors.bank, 'pay', claim, false],
    ['government pays', actors.government, 'pay', claim, false],
    ['the borrower pays', actors.borrower, 'pay', claim, false],
    ['government approves compensation', actors.government, 'approveRiskCompensation', claim, true],
    ['admin approves compensation', actors.admin, 'approveRiskCompensation', claim, false],
    ['the claim’s insurer approves compensation', actors.insurer, 'approveRiskCompensation', claim, false],
    ['the claim’s bank approves compensation', actors.bank, 'approveRiskCompensation', claim, false],
    ['no one signed in approves compensation', null, 'approveRiskCompensation', claim, false],
    ['the claim’s bank reads it', actors.bank, 'read', claim, true],
    ['the claim’s insurer reads it', actors.insurer, 'read', claim, true],
    ['another bank reads it', actors.otherBank, 'read', claim, false],
    ['another insurer reads it', actors.otherInsurer, 'read', claim, false],
    ['government reads it', actors.government, 'read', claim, true],
    ['admin reads it', actors.admin, 'read', claim, true],
    ['the borrower reads it', actors.borrower, 'read', claim, false],
    ['no one signed in reads it', null, 'read', claim, false],
    ['a bank lists claims', actors.bank, 'list', undefined, true],
    ['an insurer lists claims', actors.insurer, 'list', undefined, true],
    ['government lists claims', actors.government, 'list', undefined, true],
    ['admin lists claims', actors.admin, 'list', undefined, true],
    ['a borrower lists claims', actors.borrower, 'list', undefined, false],
    ['the claim’s bank sees the borrower', actors.bank, 'seeBorrower', claim, true],
    ['the claim’s insurer sees the borrower', actors.insurer, 'seeBorrower', claim, true],
    ['another bank sees the borrower', actors.otherBank, 'seeBorrower', claim, false],
    ['government sees the borrower', actors.government, 'seeBorrower', claim, false],
    ['admin sees the borrower', actors.admin, 'seeBorrower', claim, false],
    ['the borrower sees the borrower on a claim', actors.borrower, 'seeBorrower', claim, false],
  ]);

  it('authorize answers NOT_FOUND for a stranger or a missing claim, never FORBIDDEN', () => {
    expect(() => claimPolicy.authorize(actors.otherInsurer, 'pay', claim)).toThrow(
      expect.objectContaining({ code: 'NOT_FOUND', message: 'Claim not found' }),
    );
    expect(() => claimPolicy.authorize(actors.government, 'approveRiskCompensation', undefined)).toThrow(
      expect.objectContaining({ code: 'NOT_FOUND' }),
    );
    expect(claimPolicy.authorize(actors.government, 'read', claim)).toBe(claim);
  });

  it('gate answers FORBIDDEN for a role that may never act, UNAUTHENTICATED without an actor', () => {
    expect(() => claimPolicy.gate({ actor: actors.bank, authError: null }, 'pay')).toThrow(expect.objectContaining({ code: 'FORBIDDEN' }));
    expect(() => claimPolicy.gate({ actor: actors.borrower, authError: null }, 'read')).toThrow(
      expect.objectContaining({ code: 'FORBIDDEN' }),
    );
    expect(() => lossLoanPolicy.gate({ actor: actors.government, authError: null }, 'recordRecovery')).toThrow(
      expect.objectContaining({ code: 'FORBIDDEN' }),
    );
    expect(() => claimPolicy.gate({ actor: null, authError: null }, 'approveRiskCompensation')).toThrow(
      expect.objectContaining({ code: 'UNAUTHENTICATED' }),
    );
  });

  it('lists a bank’s or an insurer’s own claims, every claim for the government and the admin', () => {
    expect(claimsListedFor(actors.bank)).toEqual({ bankId: actors.bank.institutionId });
    expect(claimsListedFor(actors.insurer)).toEqual({ insurerId: actors.insurer.institutionId });
    expect(claimsListedFor(actors.government)).toEqual({});
    expect(claimsListedFor(actors.admin)).toEqual({});
  });
});
