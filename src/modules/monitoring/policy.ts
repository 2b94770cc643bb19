import { allow, definePolicy } from '../../auth/policy.js';
import type { AlertRow } from './store.js';

/**
 * Post-loan / post-insurance alerts: a bank or insurer reads and acknowledges its own (another
 * institution's alert is NOT_FOUND); the platform's administrators run the event consumers.
 */
export const alertPolicy = definePolicy('Alert', {
  list: allow(['BANK', 'INSURER']),
  acknowledge: allow(
    ['BANK', 'INSURER'],
    (a, alert: Pick<AlertRow, 'institutionId' | 'visibleFrom'> & { now: Date }) =>
      a.institutionId === alert.institutionId && alert.visibleFrom <= alert.now,
  ),
  processEvents: allow(['ADMIN']),
});
