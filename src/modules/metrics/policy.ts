import { allow, definePolicy } from '../../auth/policy.js';

/** The programme's aggregates: the finance bureau's view and its administrators'. */
export const metricsPolicy = definePolicy('Programme metrics', {
  programmeMetrics: allow(['GOVERNMENT', 'ADMIN']),
});
