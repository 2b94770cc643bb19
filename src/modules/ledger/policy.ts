import type { Actor, ActorOf } from '../../auth/actor.js';
import { allow, definePolicy } from '../../auth/policy.js';
import { BUDGET, FUND, institutionAccount, reserveAccount } from './posting.js';

const READERS = ['GOVERNMENT', 'ADMIN', 'BANK', 'INSURER'] as const;
const overseesTheProgramme = (a: Actor) => a.role === 'GOVERNMENT' || a.role === 'ADMIN';

/** Who may move and read the programme's money. */
export const ledgerPolicy = definePolicy('Ledger', {
  /** A budget deposit into a fund. */
  depositToFund: allow(['GOVERNMENT']),
  fundBalances: allow(READERS),
  /** The government and the admin see every insurer's risk reserve; an insurer its own. */
  seeReserve: allow(READERS, (a, r: { institutionId: string }) => overseesTheProgramme(a) || a.institutionId === r.institutionId),
  ledgerEntries: allow(READERS),
  /** Whose loan a transaction was on: masked for the government. */
  seeBorrower: allow(['ADMIN', 'BANK', 'INSURER']),
  trialBalance: allow(['GOVERNMENT', 'ADMIN']),
});

/**
 * The accounts whose transactions a reader sees (undefined: every one): the government those
 * that move a fund, an institution those on its own accounts, the admin all.
 */
export function ledgerAccountsVisibleTo(actor: ActorOf<(typeof READERS)[number]>): string[] | undefined {
  if (actor.role === 'ADMIN') return undefined;
  if (actor.role === 'GOVERNMENT') return [FUND.PREMIUM_SUBSIDY, FUND.RISK_COMPENSATION, BUDGET];
  return [institutionAccount(actor.institutionId), reserveAccount(actor.institutionId)];
}
