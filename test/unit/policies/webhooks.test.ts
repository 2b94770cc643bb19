import { describe } from 'vitest';
import { webhookPolicy } from '../../../src/modules/webhooks/policy.js';
import { actors } from './actors.js';
import { policyTable } from './table.js';

const banks = { institutionId: actors.bank.institutionId };
const insurers = { institutionId: actors.insurer.institutionId };

describe('webhook policy: role × action × ownership', () => {
  policyTable(webhookPolicy, [
    ['a bank registers an endpoint', actors.bank, 'register', undefined, true],
    ['an insurer registers an endpoint', actors.insurer, 'register', undefined, true],
    ['government registers an endpoint', actors.government, 'register', undefined, false],
    ['admin registers an endpoint', actors.admin, 'register', undefined, false],
    ['a borrower registers an endpoint', actors.borrower, 'register', undefined, false],
    ['no one signed in registers an endpoint', null, 'register', undefined, false],
    ['a bank rotates its own endpoint’s secret', actors.bank, 'rotate', banks, true],
    ['another bank rotates it', actors.otherBank, 'rotate', banks, false],
    ['an insurer rotates its own endpoint’s secret', actors.insurer, 'rotate', insurers, true],
    ['another insurer rotates it', actors.otherInsurer, 'rotate', insurers, false],
    ['an insurer rotates a bank’s endpoint', actors.insurer, 'rotate', banks, false],
    ['admin rotates it', actors.admin, 'rotate', banks, false],
    ['government rotates it', actors.government, 'rotate', banks, false],
    ['no one signed in rotates it', null, 'rotate', banks, false],
    ['a bank replays its deliveries', actors.bank, 'replay', undefined, true],
    ['an insurer replays its deliveries', actors.insurer, 'replay', undefined, true],
    ['admin replays deliveries', actors.admin, 'replay', undefined, false],
    ['a borrower replays deliveries', actors.borrower, 'replay', undefined, false],
    ['a bank lists its endpoints', actors.bank, 'list', undefined, true],
    ['an insurer lists its endpoints', actors.insurer, 'list', undefined, true],
    ['government lists endpoints', actors.government, 'list', undefined, false],
    ['admin lists endpoints', actors.admin, 'list', undefined, false],
    ['a borrower lists endpoints', actors.borrower, 'list', undefined, false],
    ['no one signed in lists endpoints', null, 'list', undefined, false],
  ]);
});
