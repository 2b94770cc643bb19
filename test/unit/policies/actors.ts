import type { Actor } from '../../../src/auth/actor.js';

/** One actor of each kind, and a stranger of the same kind, for the policy tables. */
export const actors = {
  bank: { userId: 'u-bank', role: 'BANK', institutionId: 'bank-a' },
  otherBank: { userId: 'u-bank-b', role: 'BANK', institutionId: 'bank-b' },
  insurer: { userId: 'u-ins', role: 'INSURER', institutionId: 'insurer-a' },
  otherInsurer: { userId: 'u-ins-b', role: 'INSURER', institutionId: 'insurer-b' },
  government: { userId: 'u-gov', role: 'GOVERNMENT', institutionId: 'finance-bureau' },
  borrower: { userId: 'u-b', role: 'BORROWER', borrowerId: '11111111-1111-4111-8111-111111111111' },
  otherBorrower: { userId: 'u-b2', role: 'BORROWER', borrowerId: '22222222-2222-4222-8222-222222222222' },
  admin: { userId: 'u-admin', role: 'ADMIN' },
} satisfies Record<string, Actor>;
