import { describe, expect, it } from 'vitest';
import { parameterPolicy } from '../../../src/modules/parameters/policy.js';
import { actors } from './actors.js';
import { policyTable } from './table.js';

describe('parameter policy: role × action', () => {
  policyTable(parameterPolicy, [
    ['a bank reads the parameters', actors.bank, 'read', undefined, true],
    ['an insurer reads the parameters', actors.insurer, 'read', undefined, true],
    ['government reads the parameters', actors.government, 'read', undefined, true],
    ['a borrower reads the parameters', actors.borrower, 'read', undefined, true],
    ['admin reads the parameters', actors.admin, 'read', undefined, true],
    ['no one signed in reads the parameters', null, 'read', undefined, false],
    ['government creates a version', actors.government, 'createParameterVersion', undefined, true],
    ['admin creates a version', actors.admin, 'createParameterVersion', undefined, true],
    ['a bank creates a version', actors.bank, 'createParameterVersion', undefined, false],
    ['an insurer creates a version', actors.insurer, 'createParameterVersion', undefined, false],
    ['a borrower creates a version', actors.borrower, 'createParameterVersion', undefined, false],
    ['no one signed in creates a version', null, 'createParameterVersion', undefined, false],
  ]);

  it('gate answers FORBIDDEN for a role that may not create, UNAUTHENTICATED without an actor', () => {
    expect(() => parameterPolicy.gate({ actor: actors.bank, authError: null }, 'createParameterVersion')).toThrow(
      expect.objectContaining({ code: 'FORBIDDEN' }),
    );
    expect(() => parameterPolicy.gate({ actor: null, authError: null }, 'read')).toThrow(
      expect.objectContaining({ code: 'UNAUTHENTICATED' }),
    );
    expect(parameterPolicy.gate({ actor: actors.government, authError: null }, 'createParameterVersion')).toBe(actors.government);
  });
});
