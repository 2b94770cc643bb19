import { allow, definePolicy } from '../../auth/policy.js';
import type { InstitutionRow } from '../institutions/api.js';
import type { ConsentRow } from './store.js';

/** Who may grant, revoke and see consents (授权): each borrower their own, to a bank or an insurer. */
export const consentPolicy = definePolicy('Consent', {
  /** A borrower consents to a bank or an insurer (never to a government body). */
  grant: allow(['BORROWER'], (_a, to: Pick<InstitutionRow, 'kind'>) => to.kind === 'BANK' || to.kind === 'INSURER'),
  /** A borrower revokes only a consent of their own. */
  revoke: allow(['BORROWER'], (a, c: Pick<ConsentRow, 'borrowerId'>) => a.borrowerId === c.borrowerId),
  listOwn: allow(['BORROWER']),
  /** The purposes and their rules are public: anyone signed in may read them. */
  listPurposes: allow(['BORROWER', 'BANK', 'INSURER', 'GOVERNMENT', 'ADMIN', 'DATA_SOURCE']),
});
