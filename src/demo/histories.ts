import type { AccountStatus } from '../domain.js';
import { STATUS_CODE, HISTORY_MONTHS } from '../modules/credit/rules.js';
import type { Rng } from './random.js';

/* How a furnished account behaved: the borrower's pattern and the 24-month payment history it leaves. */

export type Behaviour = 'CLEAN' | 'LATE_30' | 'LATE_60_90' | 'OVERDUE_NOW' | 'DEFAULTED' | 'DEFAULTED_LONG_AGO';
export const BEHAVIOURS: [Behaviour, number][] = [
  ['CLEAN', 80],
  ['LATE_30', 9],
  ['LATE_60_90', 4],
  ['OVERDUE_NOW', 3],
  ['DEFAULTED', 3],
  ['DEFAULTED_LONG_AGO', 1],
];

export const DPD: AccountStatus[] = ['DPD_30', 'DPD_60', 'DPD_90', 'DPD_120', 'DPD_150', 'DPD_180_PLUS'];

/** A 24-month history, most recent first, for an account `months` old behaving as `b`. */
export function history(rng: Rng, months: number, b: Behaviour, closedBy: AccountStatus | null): string {
  const n = Math.max(1, Math.min(months + 1, HISTORY_MONTHS));
  const codes = Array.from({ length: n }, () => STATUS_CODE.CURRENT);
  if (b === 'LATE_30' && n > 2) codes[rng.int(1, n - 1)] = STATUS_CODE.DPD_30;
  if (b === 'LATE_60_90' && n > 4) {
    const at = rng.int(1, n - 3);
    const depth = rng.int(2, 3);
    for (let k = 0; k < depth; k++) codes[at + k] = STATUS_CODE[DPD[depth - 1 - k]];
  }
  if (b === 'OVERDUE_NOW') {
    const depth = Math.min(rng.int(1, 3), n);
    for (let k = 0; k < depth; k++) codes[k] = STATUS_CODE[DPD[depth - 1 - k]];
  }
  if (b === 'DEFAULTED' || b === 'DEFAULTED_LONG_AGO') {
    const depth = Math.min(n - 1, 6);
    for (let k = 0; k < depth; k++) codes[k + 1] = STATUS_CODE[DPD[depth - 1 - k]];
  }
  if (closedBy) codes[0] = STATUS_CODE[closedBy];
  return codes.join('');
}
