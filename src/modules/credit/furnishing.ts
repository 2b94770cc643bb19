import { Decimal } from 'decimal.js';
import { FURNISHABLE_KINDS, type AccountKind, type AccountStatus } from '../../domain.js';
import { monthOf } from '../../time.js';

export interface FurnishedRecord {
  borrowerId: string;
  accountRef: string;
  kind: AccountKind;
  originalAmount: string;
  balance: string;
  openedOn: string;
  closedOn?: string | null;
  status: AccountStatus;
  statusMonth?: string | null;
}

export interface RecordProblem {
  index: number;
  field: string;
  reason: string;
}

/** Statuses a closed account may carry: it ended one way or another. */
const TERMINAL: readonly AccountStatus[] = ['PAID', 'CHARGED_OFF', 'CLAIM_PAID_BY_INSURER', 'IN_COLLECTION'];

export const ACCOUNT_REF_RE = /^[A-Za-z0-9][A-Za-z0-9._\-/]{0,63}$/;

/**
 * The checks that need no database: what a furnisher may report and whether the record is
 * self-consistent as of `today` (a business date).
 */
export function checkRecord(r: FurnishedRecord, index: number, furnisher: 'BANK' | 'INSURER', today: string): RecordProblem[] {
  const out: RecordProblem[] = [];
  const bad = (field: string, reason: string) => out.push({ index, field, reason });
  if (!ACCOUNT_REF_RE.test(r.accountRef)) bad('accountRef', 'must be 1-64 letters, digits or . _ - /');
  if (!FURNISHABLE_KINDS[furnisher].includes(r.kind)) bad('kind', `a ${furnisher} may not furnish ${r.kind} accounts`);
  if (r.openedOn > today) bad('openedOn', 'is in the future');
  if (r.closedOn) {
    if (r.closedOn < r.openedOn) bad('closedOn', 'is before openedOn');
    if (r.closedOn > today) bad('closedOn', 'is in the future');
    if (!TERMINAL.includes(r.status)) bad('status', `a closed account must report one of ${TERMINAL.join(', ')}`);
  }
  if (r.status === 'PAID' && !new Decimal(r.balance).isZero()) bad('balance', 'must be 0 for a PAID account');
  const month = monthOf(r.statusMonth ?? today);
  if (month > monthOf(today)) bad('statusMonth', 'is in the future');
  if (month < monthOf(r.openedOn)) bad('statusMonth', 'is before the account was opened');
  return out;
}
