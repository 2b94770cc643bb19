import { allow, definePolicy } from '../../auth/policy.js';

/** The append-only trail of access and change: the platform's administrators read it. */
export const auditPolicy = definePolicy('Audit trail', {
  auditTrail: allow(['ADMIN']),
});
