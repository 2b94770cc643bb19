import type { Role } from '../domain.js';

/** Who is calling: from the verified token, never from arguments. */
export interface Actor {
  readonly userId: string;
  readonly role: Role;
  /** BANK, INSURER, GOVERNMENT and DATA_SOURCE users act for one institution. */
  readonly institutionId?: string;
  /** A BORROWER user is one borrower. */
  readonly borrowerId?: string;
}

export type InstitutionRole = 'BANK' | 'INSURER' | 'GOVERNMENT' | 'DATA_SOURCE';

/** The actor as a policy's role list guarantees it: an institution user has its institution, a borrower its id. */
export type ActorOf<R extends Role> = R extends InstitutionRole
  ? Actor & { readonly role: R; readonly institutionId: string }
  : R extends 'BORROWER'
    ? Actor & { readonly role: R; readonly borrowerId: string }
    : Actor & { readonly role: R };

export type InstitutionActor = ActorOf<'BANK' | 'INSURER'>;
export type BorrowerActor = ActorOf<'BORROWER'>;
