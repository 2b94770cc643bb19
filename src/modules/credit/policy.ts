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
  /** An institution pages through the borrowers it serves and the accounts it furnished. */
  listCustomers: allow(['BANK', 'INSURER']),
  /** An institution onboards a customer after its own identity checks. */
  registerBorrower: allow(['BANK', 'INSURER']),
  /** An institution reports accounts of its customers: a bank loans, an insurer policies (guarantees and court listings both). */
  furnish: allow(['BANK', 'INSURER'], (a, record: { kind: AccountKind }) => FURNISHABLE_KINDS[a.role].includes(record.kind)),
});
