import { describe } from 'vitest';
import { alertPolicy } from '../../../src/modules/monitoring/policy.js';
import { actors } from './actors.js';
import { policyTable } from './table.js';

const now = new Date('2026-06-15T02:00:00Z');
const bankAlert = { institutionId: 'bank-a', visibleFrom: new Date('2026-06-01T00:00:00Z'), now };
const heldAlert = { institutionId: 'bank-a', visibleFrom: new Date('2026-06-30T00:00:00Z'), now };

describe('monitoring policy: role × action × ownership', () => {
  policyTable(alertPolicy, [
    ['a bank lists its alerts', actors.bank, 'list', undefined, true],
    ['an insurer lists its alerts', actors.insurer, 'list', undefined, true],
    ['government lists alerts', actors.government, 'list', undefined, false],
    ['a borrower lists alerts', actors.borrower, 'list', undefined, false],
    ['admin lists alerts', actors.admin, 'list', undefined, false],
    ['a bank acknowledges its own alert', actors.bank, 'acknowledge', bankAlert, true],
    ['another bank acknowledges it', actors.otherBank, 'acknowledge', bankAlert, false],
    ['an insurer acknowledges a bank’s alert', actors.insurer, 'acknowledge', bankAlert, false],
    ['a bank acknowledges its alert before it is visible (prior notice running)', actors.bank, 'acknowledge', heldAlert, false],
    ['admin runs the consumers', actors.admin, 'processEvents', undefined, true],
    ['a bank runs the consumers', actors.bank, 'processEvents', undefined, false],
    ['government runs the consumers', actors.government, 'processEvents', undefined, false],
    ['no one signed in runs the consumers', null, 'processEvents', undefined, false],
  ]);
});
