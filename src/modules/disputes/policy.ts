import { allow, definePolicy } from '../../auth/policy.js';
import type { CreditRecord } from '../credit/api.js';

interface DisputeResource {
  borrowerId: string;
  institutionId: string;
}

/** Who may do what with a dispute (异议) of a credit record. */
export const disputePolicy = definePolicy('Dispute', {
  /** The borrower disputes a live record of their own file. */
  file: allow(
    ['BORROWER'],
    (a, record: Pick<CreditRecord, 'borrowerId' | 'deletedAt'>) => a.borrowerId === record.borrowerId && !record.deletedAt,
  ),
  /** The institution that furnished the record answers. */
  resolve: allow(['BANK', 'INSURER'], (a, d: DisputeResource) => a.institutionId === d.institutionId),
  listOwn: allow(['BORROWER']),
  listToAnswer: allow(['BANK', 'INSURER']),
  /** The 20-day deadline is the platform's to watch. */
  listOverdue: allow(['ADMIN']),
});
