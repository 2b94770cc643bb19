import type { PublicRecordKind, PublicRecordStatus } from '../../domain.js';
import { addDays, addYears } from '../../time.js';

/**
 * Public records (公共信息): how long each is shown. Our reading of 征信业管理条例 Art 16, which
 * keeps adverse information 5 years from the day the behaviour ends:
 *
 * - ACTIVE: shown while in force (the behaviour has not ended);
 * - EXECUTED (performed, paid, ended): shown until 5 years after `endedOn`;
 * - REVOKED (annulled by the authority): never shown;
 * - TAX_CREDIT_GRADE: a grade is a standing, not a behaviour: only the newest grade from each
 *   authority is shown, and only up to 5 years after it was decided.
 */
export const PUBLIC_RECORD_RETENTION_YEARS = 5;
export const TAX_GRADE_SHOWN_YEARS = 5;

/** 纳税信用等级 (国家税务总局 2014 No. 40, M added 2018). */
export const TAX_CREDIT_GRADES = ['A', 'B', 'M', 'C', 'D'] as const;

/** The fields the retention rule looks at. */
export interface RetentionFacts {
  kind: PublicRecordKind;
  status: PublicRecordStatus;
  decidedOn: string;
  endedOn: string | null;
}

/**
 * The last day a record is shown by its own kind's rule (a business date), or null while it
 * has no end (ACTIVE). A REVOKED record is shown nowhere from the day it was revoked.
 * (A TAX_CREDIT_GRADE also stops being shown as soon as a newer grade arrives: see visibleRecords.)
 */
export function shownUntil(r: RetentionFacts): string | null {
  if (r.status === 'REVOKED') return addDays(r.endedOn ?? r.decidedOn, -1);
  if (r.kind === 'TAX_CREDIT_GRADE') return addDays(addYears(r.decidedOn, TAX_GRADE_SHOWN_YEARS), -1);
  if (r.status === 'ACTIVE' || r.endedOn === null) return null;
  return addDays(addYears(r.endedOn, PUBLIC_RECORD_RETENTION_YEARS), -1);
}

/** Whether the record's own rule still shows it on `today` (a business date). */
export function isShown(r: RetentionFacts, today: string): boolean {
  if (r.status === 'REVOKED') return false;
  const until = shownUntil(r);
  return until === null || today <= until;
}

/** What the set-level rule needs besides the retention facts: who decided it and when it arrived. */
export interface ProfileRecordFacts extends RetentionFacts {
  id: string;
  authorityId: string;
  effectiveOn: string;
  recordedAt: string;
}

/** Newest first: the later decision, then the later effect, then the later arrival. */
function newerFirst(a: ProfileRecordFacts, b: ProfileRecordFacts): number {
  if (a.decidedOn !== b.decidedOn) return a.decidedOn < b.decidedOn ? 1 : -1;
  if (a.effectiveOn !== b.effectiveOn) return a.effectiveOn < b.effectiveOn ? 1 : -1;
  if (a.recordedAt !== b.recordedAt) return Date.parse(a.recordedAt) < Date.parse(b.recordedAt) ? 1 : -1;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

/** In a profile: records in force first, then the newest. */
export function profileOrder(a: ProfileRecordFacts, b: ProfileRecordFacts): number {
  const active = Number(b.status === 'ACTIVE') - Number(a.status === 'ACTIVE');
  return active !== 0 ? active : newerFirst(a, b);
}

/**
 * The records of one subject a profile shows on `today`, in profile order. Of the tax credit
 * grades, each authority's newest (not revoked) is the standing one; older grades are never shown.
 */
export function visibleRecords<R extends ProfileRecordFacts>(records: readonly R[], today: string): R[] {
  const standingGrade = new Map<string, R>();
  for (const r of records) {
    if (r.kind !== 'TAX_CREDIT_GRADE' || r.status === 'REVOKED') continue;
    const current = standingGrade.get(r.authorityId);
    if (!current || newerFirst(r, current) < 0) standingGrade.set(r.authorityId, r);
  }
  return records
    .filter((r) => isShown(r, today) && (r.kind !== 'TAX_CREDIT_GRADE' || standingGrade.get(r.authorityId) === r))
    .sort(profileOrder);
}

/** Eligibility's DISHONEST_DEBTOR_LISTED rests on this and nothing else: the court's listing, in force. */
export const isDishonestDebtorListing = (r: { kind: PublicRecordKind; status: PublicRecordStatus }) =>
  r.kind === 'DISHONEST_DEBTOR' && r.status === 'ACTIVE';
