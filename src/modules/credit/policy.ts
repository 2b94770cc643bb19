import { allow, definePolicy } from '../../auth/policy.js';
import { FURNISHABLE_KINDS, type AccountKind } from '../../domain.js';

/** Who may read and write the shared credit file (征信). */
export const creditPolicy = definePolicy('Credit profile', {
  /**
   * A bank or insurer reads a borrower's profile. Whether this institution holds the borrower's
   * active consent for the purpose is checked inside the profile statement itself (one round
   * trip: consent, inquiry, audit and data), so the policy only gates the role here.
   */
  readProfile: allow(['BANK', 'INSURER']),
  /** The borrower reads their own profile, with who has read it. */
  readOwnProfile: allow(['BORROWER']),
  /** The borrower reads the notices sent to them (prior notice of adverse information, outcomes). */
  readOwnNotices: allow(['BORROWER']),
  /** An institution pages through the borrowers it serves and the accounts it furnished. */
  listCustomers: allow(['BANK', 'INSURER']),
  /** An institution onboards a customer after its own identity checks. */
  registerBorrower: allow(['BANK', 'INSURER']),
  /**
   * An institution reports accounts: a bank loans, an insurer policies, both guarantees; never a
   * court listing (a public record). Whether the borrower authorised it (FURNISHING consent) is
   * the command's check.
   */
  furnish: allow(['BANK', 'INSURER'], (a, record: { kind: AccountKind }) => FURNISHABLE_KINDS[a.role].includes(record.kind)),
  /**
   * The furnisher corrects past months of a live record it furnished (each month keeps a mark).
   * A PROGRAMME record is corrected by the lifecycle or a dispute only: the command refuses it.
   */
  correctRecord: allow(
    ['BANK', 'INSURER'],
    (a, record: { institutionId: string; deletedAt: Date | null }) => a.institutionId === record.institutionId && !record.deletedAt,
  ),
  /** 本人声明: the borrower attaches a statement to a live record or public record of their own file, or to the whole file. */
  addStatement: allow(
    ['BORROWER'],
    (a, target: { borrowerId: string | null; deletedAt?: Date | null }) => a.borrowerId === target.borrowerId && !target.deletedAt,
  ),
  /** The borrower withdraws a statement of their own. */
  withdrawStatement: allow(['BORROWER'], (a, statement: { borrowerId: string }) => a.borrowerId === statement.borrowerId),
});
