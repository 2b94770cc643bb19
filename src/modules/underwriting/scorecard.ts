import { Decimal } from 'decimal.js';
import { isHardInquiry, type AccountKind, type AccountStatus, type InquiryPurpose } from '../../domain.js';
import { businessDate } from '../../time.js';
import { isOpenAccount, worseOf, worstStatusIn24Months, STATUS_SEVERITY } from '../credit/rules.js';
import type { Grade } from '../parameters/rules.js';
import { explainFactor } from './explain.js';

/**
 * A transparent points scorecard over the shared credit profile. Every factor reports its
 * points and the value it saw, so a decline can be explained line by line.
 * Accounts under open dispute are left out: a contested record is not held against anyone.
 * Only hard inquiries count (a credit decision was being made): post-loan, post-insurance and
 * the borrower's own reads never affect the score, so they never affect the price.
 */
export const SCORECARD_VERSION = 'SC-1';
export const BASE_POINTS = 40;
export const GRADE_FLOORS: readonly [Grade, number][] = [
  ['A', 85],
  ['B', 75],
  ['C', 60],
  ['D', 45],
  ['E', -Infinity],
];

export interface ScoredAccount {
  kind: AccountKind;
  status: AccountStatus;
  closedOn: string | null;
  balance: string;
  originalAmount: string;
  paymentHistory: string;
  statusMonth: string;
  disputed: boolean;
}

/** An inquiry as the scorecard weighs it. */
export interface ScoredInquiry {
  /** Null for the borrower's own access. */
  institutionId: string | null;
  purpose: InquiryPurpose;
  inquiredAt: Date | string;
  /** True while the borrower disputes it (an inquiry they say they never authorised is not counted). */
  disputed?: boolean;
}

export interface ScoreInput {
  accounts: ScoredAccount[];
  /** The profile's inquiries (any window, any purpose; the scorecard picks its own). */
  inquiries: ScoredInquiry[];
  registeredOn: string;
  programmeHistory: { repaid: number; defaulted: number };
  now: Date;
}

export type FactorCode =
  'DELINQUENCY_24M' | 'CURRENT_OVERDUE' | 'UTILISATION' | 'RECENT_INQUIRIES' | 'YEARS_IN_BUSINESS' | 'PROGRAMME_HISTORY';

export interface Factor {
  code: FactorCode;
  points: number;
  value: string;
  /** What the factor means for the borrower, in plain Chinese. */
  explanation: string;
}

export interface Score {
  version: string;
  score: number;
  grade: Grade;
  factors: Factor[];
}

const DPD_STATUSES: readonly AccountStatus[] = ['DPD_30', 'DPD_60', 'DPD_90', 'DPD_120', 'DPD_150', 'DPD_180_PLUS'];

/**
 * Inquiries count over the six months before scoring, leaving out the last 30 days: the
 * bank's and the insurer's reads of the same application must not score against each
 * other (after FICO's 30-day buffer), so both see the same score.
 */
export const INQUIRY_BUFFER_DAYS = 30;

/**
 * Hard inquiries counted in the window. Several reads by one institution for one purpose on one
 * business day are one inquiry (a bank re-reading while it decides is one decision, not many);
 * soft inquiries and inquiries under open dispute are not counted at all.
 */
export function countedInquiries(inquiries: ScoredInquiry[], now: Date): number {
  const windowEnd = now.getTime() - INQUIRY_BUFFER_DAYS * 86_400_000;
  const windowStart = new Date(now);
  windowStart.setUTCMonth(windowStart.getUTCMonth() - 6);
  const seen = new Set<string>();
  for (const q of inquiries) {
    if (!isHardInquiry(q.purpose) || q.disputed) continue;
    const at = new Date(q.inquiredAt);
    if (at.getTime() < windowStart.getTime() || at.getTime() >= windowEnd) continue;
    seen.add(`${q.institutionId ?? ''}|${q.purpose}|${businessDate(at)}`);
  }
  return seen.size;
}

export function delinquencyPoints(worst: AccountStatus | null): number {
  if (worst === null) return 5; // thin file: no history is not bad history
  const sev = STATUS_SEVERITY[worst];
  if (sev === 0) return 20;
  if (worst === 'DPD_30') return 5;
  if (worst === 'DPD_60') return -5;
  if (worst === 'DPD_90') return -15;
  if (sev <= STATUS_SEVERITY.DPD_180_PLUS) return -25;
  return -40; // in collection, claim paid by the insurer, charged off
}

export function utilisationPoints(ratio: Decimal | null): number {
  if (ratio === null) return 5;
  if (ratio.lte('0.30')) return 10;
  if (ratio.lte('0.70')) return 5;
  if (ratio.lte('0.90')) return 0;
  return -5;
}

export function inquiryPoints(n: number): number {
  if (n === 0) return 10;
  if (n <= 2) return 5;
  if (n <= 5) return 0;
  return -10;
}

export function yearsInBusinessPoints(years: number): number {
  if (years < 1) return 0;
  if (years < 2) return 5;
  if (years < 5) return 8;
  return 10;
}

export function programmeHistoryPoints(h: { repaid: number; defaulted: number }): number {
  if (h.defaulted > 0) return -30;
  if (h.repaid >= 2) return 10;
  if (h.repaid === 1) return 5;
  return 0;
}

export function gradeOf(score: number): Grade {
  return GRADE_FLOORS.find(([, floor]) => score >= floor)![0];
}

/** Whole years from `from` to `to` (calendar anniversaries). */
export function wholeYears(from: string, to: string): number {
  let years = Number(to.slice(0, 4)) - Number(from.slice(0, 4));
  if (to.slice(5) < from.slice(5)) years--;
  return Math.max(0, years);
}

export function score(input: ScoreInput): Score {
  const counted = input.accounts.filter((a) => !a.disputed && a.kind !== 'COURT_LISTING');
  const today = businessDate(input.now);

  let worst: AccountStatus | null = null;
  for (const a of counted) worst = worseOf(worst, worstStatusIn24Months(a.paymentHistory, a.statusMonth, input.now));

  const overdue = counted.filter((a) => isOpenAccount(a) && DPD_STATUSES.includes(a.status));

  const openLoans = counted.filter((a) => a.kind === 'LOAN' && isOpenAccount(a) && new Decimal(a.originalAmount).gt(0));
  const original = openLoans.reduce((s, a) => s.plus(a.originalAmount), new Decimal(0));
  const ratio = openLoans.length ? openLoans.reduce((s, a) => s.plus(a.balance), new Decimal(0)).div(original) : null;

  const inquiries = countedInquiries(input.inquiries, input.now);

  const years = wholeYears(input.registeredOn, today);

  const facts: Omit<Factor, 'explanation'>[] = [
    { code: 'DELINQUENCY_24M', points: delinquencyPoints(worst), value: worst ?? 'NO_HISTORY' },
    { code: 'CURRENT_OVERDUE', points: overdue.length ? -20 : 5, value: String(overdue.length) },
    { code: 'UTILISATION', points: utilisationPoints(ratio), value: ratio ? ratio.toDecimalPlaces(4).toString() : 'NO_OPEN_LOANS' },
    { code: 'RECENT_INQUIRIES', points: inquiryPoints(inquiries), value: String(inquiries) },
    { code: 'YEARS_IN_BUSINESS', points: yearsInBusinessPoints(years), value: String(years) },
    {
      code: 'PROGRAMME_HISTORY',
      points: programmeHistoryPoints(input.programmeHistory),
      value: `repaid ${input.programmeHistory.repaid}, defaulted ${input.programmeHistory.defaulted}`,
    },
  ];
  const factors = facts.map((f): Factor => ({ ...f, explanation: explainFactor(f) }));
  const total = Math.max(0, Math.min(100, BASE_POINTS + factors.reduce((s, f) => s + f.points, 0)));
  return { version: SCORECARD_VERSION, score: total, grade: gradeOf(total), factors };
}
