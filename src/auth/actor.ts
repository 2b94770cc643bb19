import type { Role } from '../domain.js';

/** Who is calling: from the verified token, never from arguments. */
export interface Actor {
  readonly userId: string;
  readonly role: Role;
  /** BANK, INSURER and GOVERNMENT users act for one institution. */
  readonly institutionId?: string;
  /** A BORROWER user is one borrower. */
  readonly borrowerId?: string;
}
