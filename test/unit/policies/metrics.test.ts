import { describe, expect, it } from 'vitest';
import { metricsPolicy } from '../../../src/modules/metrics/policy.js';
import { actors } from './actors.js';
import { policyTable } from './table.js';

describe('metrics policy: role × action', () => {
  policyTable(metricsPolicy, [
    ['government reads the programme metrics', actors.government, 'programmeMetrics', undefined, true],
    ['admin reads the programme metrics', actors.admin, 'programmeMetrics', undefined, true],
    ['a bank reads the programme metrics', actors.bank, 'programmeMetrics', undefined, false],
    ['an insurer reads the programme metrics', actors.insurer, 'programmeMetrics', undefined, false],
    ['a borrower reads the programme metrics', actors.borrower, 'programmeMetrics', undefined, false],
    ['no one signed in reads the programme metrics', null, 'programmeMetrics', undefined, false],
  ]);

  it('gate answers FORBIDDEN for an institution, UNAUTHENTICATED without an actor', () => {
    expect(() => metricsPolicy.gate({ actor: actors.bank, authError: null }, 'programmeMetrics')).toThrow(
      expect.objectContaining({ code: 'FORBIDDEN' }),
    );
    expect(() => metricsPolicy.gate({ actor: null, authError: null }, 'programmeMetrics')).toThrow(
      expect.objectContaining({ code: 'UNAUTHENTICATED' }),
    );
  });
});
