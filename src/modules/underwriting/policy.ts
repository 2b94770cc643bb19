import type { ActorOf } from '../../auth/actor.js';
import { allow, definePolicy } from '../../auth/policy.js';
import type { ConsentPurpose, Role } from '../../domain.js';

/**
 * Who may ask the shared rules for a quote. A borrower quotes themself only; a bank or an
 * insurer quotes any borrower, but reads the profile under that borrower's consent (checked
 * when the profile is read: without it the quote is FORBIDDEN, and it is recorded as an inquiry).
 */
export const underwritingPolicy = definePolicy('Borrower', {
  quote: allow(
    ['BANK', 'INSURER', 'BORROWER'],
    (a, subject: { borrowerId: string }) => a.role !== 'BORROWER' || a.borrowerId === subject.borrowerId,
  ),
});

type QuoteActor = ActorOf<'BANK' | 'INSURER' | 'BORROWER'>;

/** The purpose an institution reads under when it does not say: a bank lends, an insurer underwrites. */
export const defaultPurpose = (role: Role): ConsentPurpose => (role === 'INSURER' ? 'UNDERWRITING' : 'LOAN_APPLICATION');

/**
 * Whom a quote is for and who reads the profile: a borrower themself (no reader, no inquiry;
 * the borrower named defaults to them), or an institution under its consent purpose (the
 * borrower must be named: null when not).
 */
export function quoteSubject(
  actor: QuoteActor,
  asked: { borrowerId?: string | null; purpose?: ConsentPurpose | null },
): { borrowerId: string | null; reader: { institutionId: string; purpose: ConsentPurpose } | null } {
  if (actor.role === 'BORROWER') return { borrowerId: asked.borrowerId ?? actor.borrowerId, reader: null };
  return {
    borrowerId: asked.borrowerId ?? null,
    reader: { institutionId: actor.institutionId, purpose: asked.purpose ?? defaultPurpose(actor.role) },
  };
}
