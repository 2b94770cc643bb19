import { describe, expect, it } from 'vitest';
import { ledgerAccountsVisibleTo, ledgerPolicy } from '../../../src/modules/ledger/policy.js';
import { actors } from './actors.js';
import { policyTable } from './table.js';

const ownReserve = { institutionId: actors.insurer.institutionId };

describe('ledger policy: role × action × ownership', () => {
  policyTable(ledgerPolicy, [
    ['government deposits into a fund', actors.government, 'depositToFund', undefined, true],
    ['admin deposits', actors.admin, 'depositToFund', undefined, false],
    ['a bank deposits', actors.bank, 'depositToFund', undefined, false],
    ['an insurer deposits', actors.insurer, 'depositToFund', undefined, false],
    ['a borrower deposits', actors.borrower, 'depositToFund', undefined, false],
    ['no one signed in deposits', null, 'depositToFund', undefined, false],
    ['government reads fund balances', actors.government, 'fundBalances', undefined, true],
    ['admin reads fund balances', actors.admin, 'fundBalances', undefined, true],
    ['a bank reads fund balances', actors.bank, 'fundBalances', undefined, true],
    ['an insurer reads fund balances', actors.insurer, 'fundBalances', undefined, true],
    ['a borrower reads fund balances', actors.borrower, 'fundBalances', undefined, false],
    ['the insurer sees its own reserve', actors.insurer, 'seeReserve', ownReserve, true],
    ['another insurer sees that reserve', actors.otherInsurer, 'seeReserve', ownReserve, false],
    ['a bank sees an insurer’s reserve', actors.bank, 'seeReserve', ownReserve, false],
    ['government sees every reserve', actors.government, 'seeReserve', ownReserve, true],
    ['admin sees every reserve', actors.admin, 'seeReserve', ownReserve, true],
    ['a borrower sees a reserve', actors.borrower, 'seeReserve', ownReserve, false],
    ['government reads ledger entries', actors.government, 'ledgerEntries', undefined, true],
    ['admin reads ledger entries', actors.admin, 'ledgerEntries', undefined, true],
    ['a bank reads ledger entries', actors.bank, 'ledgerEntries', undefined, true],
    ['an insurer reads ledger entries', actors.insurer, 'ledgerEntries', undefined, true],
    ['a borrower reads ledger entries', actors.borrower, 'ledgerEntries', undefined, false],
    ['no one signed in reads ledger entries', null, 'ledgerEntries', undefined, false],
    ['government sees whose loan a transaction was on', actors.government, 'seeBorrower', undefined, false],
    ['admin sees whose loan', actors.admin, 'seeBorrower', undefined, true],
    ['a bank sees whose loan', actors.bank, 'seeBorrower', undefined, true],
    ['an insurer sees whose loan', actors.insurer, 'seeBorrower', undefined, true],
    ['a borrower sees whose loan', actors.borrower, 'seeBorrower', undefined, false],
    ['government reads the trial balance', actors.government, 'trialBalance', undefined, true],
    ['admin reads the trial balance', actors.admin, 'trialBalance', undefined, true],
    ['a bank reads the trial balance', actors.bank, 'trialBalance', undefined, false],
    ['an insurer reads the trial balance', actors.insurer, 'trialBalance', undefined, false],
    ['a borrower reads the trial balance', actors.borrower, 'trialBalance', undefined, false],
  ]);

  it('scopes ledger entries: the admin all, the government the funds and budget, an institution its own accounts', () => {
    expect(ledgerAccountsVisibleTo(actors.admin)).toBeUndefined();
    expect(ledgerAccountsVisibleTo(actors.government)).toEqual(['FUND:PREMIUM_SUBSIDY', 'FUND:RISK_COMPENSATION', 'BUDGET:GOVERNMENT']);
    expect(ledgerAccountsVisibleTo(actors.bank)).toEqual(['INSTITUTION:bank-a', 'RESERVE:bank-a']);
    expect(ledgerAccountsVisibleTo(actors.insurer)).toEqual(['INSTITUTION:insurer-a', 'RESERVE:insurer-a']);
  });

  it('gate answers FORBIDDEN for a role that may never act, UNAUTHENTICATED without an actor', () => {
    expect(() => ledgerPolicy.gate({ actor: actors.bank, authError: null }, 'depositToFund')).toThrow(
      expect.objectContaining({ code: 'FORBIDDEN' }),
    );
    expect(() => ledgerPolicy.gate({ actor: actors.insurer, authError: null }, 'trialBalance')).toThrow(
      expect.objectContaining({ code: 'FORBIDDEN' }),
    );
    expect(() => ledgerPolicy.gate({ actor: null, authError: null }, 'fundBalances')).toThrow(
      expect.objectContaining({ code: 'UNAUTHENTICATED' }),
    );
  });
});
