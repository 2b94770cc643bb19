import { allow, definePolicy, isInstitutionOf } from '../../auth/policy.js';

/** Webhook endpoints: a bank's or insurer's own back end; no one else sees or changes them. */
export const webhookPolicy = definePolicy('WebhookEndpoint', {
  register: allow(['BANK', 'INSURER']),
  rotate: allow(['BANK', 'INSURER'], (a, e: { institutionId: string }) => isInstitutionOf(a, e.institutionId)),
  /** Re-queue the DEAD (and PENDING) deliveries to the institution's own endpoints. */
  replay: allow(['BANK', 'INSURER']),
  /** The institution's own endpoints and deliveries. */
  list: allow(['BANK', 'INSURER']),
});
