import { describe, expect, it } from 'vitest';
import type { Actor } from '../../../src/auth/actor.js';
import { publicRecordPolicy } from '../../../src/modules/records/policy.js';
import { actors } from './actors.js';
import { policyTable } from './table.js';

const court: Actor = { userId: 'u-court', role: 'DATA_SOURCE', institutionId: 'court-a' };
const taxBureau: Actor = { userId: 'u-tax', role: 'DATA_SOURCE', institutionId: 'tax-a' };
const listing = (authority: 'COURT' | 'TAX_BUREAU' | 'MARKET_REGULATOR' | null) => ({ authority, kind: 'DISHONEST_DEBTOR' });
const penalty = (authority: 'COURT' | 'TAX_BUREAU' | 'MARKET_REGULATOR') => ({ authority, kind: 'ADMINISTRATIVE_PENALTY' });
const courtsRecord = { authorityId: 'court-a' };

describe('public record policy: role × action × ownership', () => {
  policyTable(publicRecordPolicy, [
    ['a court furnishes', court, 'furnish', undefined, true],
    ['a bank furnishes', actors.bank, 'furnish', undefined, false],
    ['an insurer furnishes', actors.insurer, 'furnish', undefined, false],
    ['government furnishes', actors.government, 'furnish', undefined, false],
    ['a borrower furnishes', actors.borrower, 'furnish', undefined, false],
    ['admin furnishes', actors.admin, 'furnish', undefined, false],
    ['no one signed in furnishes', null, 'furnish', undefined, false],
    ['a court lists a dishonest debtor', court, 'furnishKind', listing('COURT'), true],
    ['a tax bureau lists a dishonest debtor', taxBureau, 'furnishKind', listing('TAX_BUREAU'), false],
    ['a market regulator lists a dishonest debtor', taxBureau, 'furnishKind', listing('MARKET_REGULATOR'), false],
    ['a data source without an authority lists one', court, 'furnishKind', listing(null), false],
    ['a tax bureau records a penalty', taxBureau, 'furnishKind', penalty('TAX_BUREAU'), true],
    ['a market regulator records a penalty', taxBureau, 'furnishKind', penalty('MARKET_REGULATOR'), true],
    ['a court records an administrative penalty', court, 'furnishKind', penalty('COURT'), false],
    ['a bank lists a dishonest debtor', actors.bank, 'furnishKind', listing('COURT'), false],
    ['a court lists its records', court, 'listFurnished', undefined, true],
    ['a bank lists furnished public records', actors.bank, 'listFurnished', undefined, false],
    ['admin lists furnished public records', actors.admin, 'listFurnished', undefined, false],
    ['the court reads its own record', court, 'readFurnished', courtsRecord, true],
    ["the tax bureau reads the court's record", taxBureau, 'readFurnished', courtsRecord, false],
    ["a bank reads the court's record", actors.bank, 'readFurnished', courtsRecord, false],
  ]);

  it('gate answers FORBIDDEN for a bank or insurer, UNAUTHENTICATED without an actor', () => {
    for (const actor of [actors.bank, actors.insurer, actors.borrower, actors.admin]) {
      expect(() => publicRecordPolicy.gate({ actor, authError: null }, 'furnish')).toThrow(expect.objectContaining({ code: 'FORBIDDEN' }));
    }
    expect(() => publicRecordPolicy.gate({ actor: null, authError: null }, 'furnish')).toThrow(
      expect.objectContaining({ code: 'UNAUTHENTICATED' }),
    );
    expect(publicRecordPolicy.gate({ actor: court, authError: null }, 'furnish').institutionId).toBe('court-a');
  });
});
