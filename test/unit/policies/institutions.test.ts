import { describe, expect, it } from 'vitest';
import { institutionPolicy } from '../../../src/modules/institutions/policy.js';
import { actors } from './actors.js';
import { policyTable } from './table.js';

describe('institution policy: role × action', () => {
  policyTable(institutionPolicy, [
    ['admin creates an institution', actors.admin, 'create', undefined, true],
    ['a bank creates an institution', actors.bank, 'create', undefined, false],
    ['an insurer creates an institution', actors.insurer, 'create', undefined, false],
    ['government creates an institution', actors.government, 'create', undefined, false],
    ['a borrower creates an institution', actors.borrower, 'create', undefined, false],
    ['no one signed in creates an institution', null, 'create', undefined, false],
    ['a bank lists the directory', actors.bank, 'list', undefined, true],
    ['an insurer lists the directory', actors.insurer, 'list', undefined, true],
    ['government lists the directory', actors.government, 'list', undefined, true],
    ['a borrower lists the directory', actors.borrower, 'list', undefined, true],
    ['admin lists the directory', actors.admin, 'list', undefined, true],
    ['a bank asks who it is', actors.bank, 'me', undefined, true],
    ['an insurer asks who it is', actors.insurer, 'me', undefined, true],
    ['government asks who it is', actors.government, 'me', undefined, true],
    ['a borrower asks who they are', actors.borrower, 'me', undefined, true],
    ['admin asks who they are', actors.admin, 'me', undefined, true],
    ['no one signed in lists the directory', null, 'list', undefined, false],
    ['no one signed in asks who they are', null, 'me', undefined, false],
  ]);

  it('gate answers FORBIDDEN for a non-admin creating, UNAUTHENTICATED without an actor', () => {
    expect(() => institutionPolicy.gate({ actor: actors.government, authError: null }, 'create')).toThrow(
      expect.objectContaining({ code: 'FORBIDDEN' }),
    );
    expect(() => institutionPolicy.gate({ actor: null, authError: null }, 'list')).toThrow(
      expect.objectContaining({ code: 'UNAUTHENTICATED' }),
    );
    expect(institutionPolicy.gate({ actor: actors.borrower, authError: null }, 'me')).toBe(actors.borrower);
  });
});
