import type { Actor } from '../../auth/actor.js';
import { allow, definePolicy } from '../../auth/policy.js';

/** What a borrower disputes: a record, an inquiry or a public record of their own file, or their identity data. */
interface DisputeSubjectResource {
  borrowerId: string | null;
  deletedAt?: Date | null;
}

interface DisputeResource {
  borrowerId: string;
  subject: string;
  /** Who answers; null for an identity dispute (the platform answers). */
  institutionId: string | null;
}

/** The answerer: the furnisher, the inquiring institution or the authority; ADMIN for an identity dispute. */
function answers(a: Actor, d: DisputeResource): boolean {
  if (d.institutionId === null) return a.role === 'ADMIN' && d.subject === 'IDENTITY';
  return a.role !== 'ADMIN' && a.institutionId === d.institutionId;
}

/** Who may do what with a dispute (异议). */
export const disputePolicy = definePolicy('Dispute', {
  /** The borrower disputes a live record, inquiry or public record of their own file, or their identity data. */
  file: allow(['BORROWER'], (a, subject: DisputeSubjectResource) => a.borrowerId === subject.borrowerId && !subject.deletedAt),
  /** The one who answers it: the furnisher (RECORD), the inquiring institution (INQUIRY), the authority (PUBLIC_RECORD), ADMIN (IDENTITY). */
  resolve: allow(['BANK', 'INSURER', 'DATA_SOURCE', 'ADMIN'], answers),
  /** The borrower's words and the answer's note: the borrower and the answerer only. */
  readWords: allow(['BORROWER', 'BANK', 'INSURER', 'DATA_SOURCE', 'ADMIN'], (a, d: DisputeResource) =>
    a.role === 'BORROWER' ? a.borrowerId === d.borrowerId : answers(a, d),
  ),
  listOwn: allow(['BORROWER']),
  /** Institutions and authorities list what they answer; ADMIN the identity disputes. */
  listToAnswer: allow(['BANK', 'INSURER', 'DATA_SOURCE', 'ADMIN']),
  /** The 20-day deadline is the platform's to watch. */
  listOverdue: allow(['ADMIN']),
});
