import type { AccountStatus } from '../../domain.js';
import { conflict } from '../../errors.js';

/**
 * The life of one loan as state machines. Every transition is checked here; an illegal one
 * is a CONFLICT that names the current state.
 *
 *   application  SUBMITTED → APPROVED | DECLINED;  APPROVED → POLICY_ISSUED → DISBURSED;
 *                DECLINED → SUBMITTED | APPROVED only when a human review overturns the decline
 *                (back to SUBMITTED while the other institution has not approved, else APPROVED)
 *   policy       ISSUED → PLEDGED → ACTIVE → CLOSED (repaid) | CLAIMED (insurer paid a claim)
 *   loan         ACTIVE → REPAID | DEFAULTED;  DEFAULTED → CLAIMED → CLOSED
 */
export const TRANSITIONS = {
  Application: {
    SUBMITTED: ['APPROVED', 'DECLINED'],
    DECLINED: ['SUBMITTED', 'APPROVED'],
    APPROVED: ['POLICY_ISSUED'],
    POLICY_ISSUED: ['DISBURSED'],
  },
  Policy: { ISSUED: ['PLEDGED'], PLEDGED: ['ACTIVE'], ACTIVE: ['CLOSED', 'CLAIMED'] },
  Loan: { ACTIVE: ['REPAID', 'DEFAULTED'], DEFAULTED: ['CLAIMED'], CLAIMED: ['CLOSED'] },
} as const satisfies Record<string, Record<string, readonly string[]>>;

export type Entity = keyof typeof TRANSITIONS;

export function canTransition(entity: Entity, from: string, to: string): boolean {
  return ((TRANSITIONS[entity] as Record<string, readonly string[]>)[from] ?? []).includes(to);
}

/** Throw CONFLICT unless `entity` may move from `from` to `to`. */
export function assertTransition(entity: Entity, from: string, to: string, action: string): void {
  if (!canTransition(entity, from, to)) {
    throw conflict(`Cannot ${action}: the ${entity.toLowerCase()} is ${from}`, { currentState: from });
  }
}

/** Credit-reporting bucket for days past due (reported from 30 days, as bureaus do). */
export function delinquencyStatus(daysPastDue: number): AccountStatus {
  if (daysPastDue < 30) return 'CURRENT';
  if (daysPastDue < 60) return 'DPD_30';
  if (daysPastDue < 90) return 'DPD_60';
  if (daysPastDue < 120) return 'DPD_90';
  if (daysPastDue < 150) return 'DPD_120';
  if (daysPastDue < 180) return 'DPD_150';
  return 'DPD_180_PLUS';
}
