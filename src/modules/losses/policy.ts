import type { Actor, ActorOf } from '../../auth/actor.js';
import { allow, definePolicy, isPartyTo } from '../../auth/policy.js';
import type { LoanRow } from '../lending/api.js';
import type { ClaimRow, ClaimScope } from './store.js';

/** A programme deal's parties, as a loan and its claim both carry them. */
type Parties = Pick<ClaimRow, 'bankId' | 'insurerId' | 'borrowerId'>;

const overseesTheProgramme = (a: Actor) => a.role === 'GOVERNMENT' || a.role === 'ADMIN';

/** Who may act on a defaulted loan's loss. NOT_FOUND names the loan: a stranger never learns it exists. */
export const lossLoanPolicy = definePolicy('Loan', {
  /** The bank files the claim on its own loan. */
  fileClaim: allow(['BANK'], (a, loan: Pick<LoanRow, 'bankId'>) => a.institutionId === loan.bankId),
  /** The bank or the insurer on the loan records the court's confirmation. */
  confirmNonPerforming: allow(['BANK', 'INSURER'], (a, loan: Parties) => isPartyTo(a, loan)),
  /** The bank or the insurer on the loan records money recovered from the debtor. */
  recordRecovery: allow(['BANK', 'INSURER'], (a, loan: Parties) => isPartyTo(a, loan)),
  /** The bank writes off its share, the insurer what it paid (its own side only: the role names the side). */
  writeOffLoss: allow(['BANK', 'INSURER'], (a, loan: Parties) => isPartyTo(a, loan)),
});

/** Who may do what with a claim (理赔). */
export const claimPolicy = definePolicy('Claim', {
  /** The insurer on the claim pays its share first (先行拨付). */
  pay: allow(['INSURER'], (a, c: Pick<ClaimRow, 'insurerId'>) => a.institutionId === c.insurerId),
  /** The government compensates from its fund. */
  approveRiskCompensation: allow(['GOVERNMENT']),
  /** The claim's bank and insurer; the government and the admin oversee every claim. */
  read: allow(['BANK', 'INSURER', 'GOVERNMENT', 'ADMIN'], (a, c: Parties) => overseesTheProgramme(a) || isPartyTo(a, c)),
  list: allow(['BANK', 'INSURER', 'GOVERNMENT', 'ADMIN']),
  /** Only the parties learn whose loan it was: the government and the admin read claims with the borrower masked. */
  seeBorrower: allow(['BANK', 'INSURER'], (a, c: Parties) => isPartyTo(a, c)),
});

/** The claims a reader's list holds: a bank's or an insurer's own, every claim for the government and the admin. */
export function claimsListedFor(actor: ActorOf<'BANK' | 'INSURER' | 'GOVERNMENT' | 'ADMIN'>): ClaimScope {
  if (actor.role === 'BANK') return { bankId: actor.institutionId };
  if (actor.role === 'INSURER') return { insurerId: actor.institutionId };
  return {};
}
