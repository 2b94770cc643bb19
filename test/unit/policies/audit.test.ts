import { describe, expect, it } from 'vitest';
import { auditPolicy } from '../../../src/modules/audit/policy.js';
import { actors } from './actors.js';
import { policyTable } from './table.js';

describe('audit policy: role × action', () => {
  policyTable(auditPolicy, [
    ['admin reads the trail', actors.admin, 'auditTrail', undefined, true],
    ['government reads the trail', actors.government, 'auditTrail', undefined, false],
    ['a bank reads the trail', actors.bank, 'auditTrail', undefined, false],
    ['an insurer reads the trail', actors.insurer, 'auditTrail', undefined, false],
    ['a borrower reads the trail', actors.borrower, 'auditTrail', undefined, false],
    ['no one signed in reads the trail', null, 'auditTrail', undefined, false],
  ]);

  it('gate answers FORBIDDEN for anyone but admin, UNAUTHENTICATED without an actor', () => {
    expect(() => auditPolicy.gate({ actor: actors.government, authError: null }, 'auditTrail')).toThrow(
      expect.objectContaining({ code: 'FORBIDDEN' }),
    );
    expect(() => auditPolicy.gate({ actor: null, authError: null }, 'auditTrail')).toThrow(
      expect.objectContaining({ code: 'UNAUTHENTICATED' }),
    );
  });
});
