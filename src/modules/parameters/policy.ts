import { allow, definePolicy } from '../../auth/policy.js';

/** Who may read and change the programme's parameters. */
export const parameterPolicy = definePolicy('Parameter version', {
  /** Every signed-in role sees the rules it is decided by. */
  read: allow(['BANK', 'INSURER', 'GOVERNMENT', 'BORROWER', 'ADMIN']),
  /** The finance bureau sets the programme's terms; its administrators may too. */
  createParameterVersion: allow(['GOVERNMENT', 'ADMIN']),
});
