import { defineCommand } from '../../../command.js';
import {
  PUBLIC_RECORD_KINDS,
  PUBLIC_RECORD_STATUSES,
  type AuthorityKind,
  type PublicRecordKind,
  type PublicRecordStatus,
} from '../../../domain.js';
import { badInput, forbidden } from '../../../errors.js';
import { hashNationalId, isPlausibleNationalId, isValidNationalId, normalizeNationalId } from '../../../identity.js';
import { businessDate, isValidDate } from '../../../time.js';
import { text } from '../../../validation.js';
import { findInstitution } from '../../institutions/api.js';
import { publicRecordPolicy } from '../policy.js';
import { TAX_CREDIT_GRADES } from '../rules.js';
import * as store from '../store.js';

/** At most this many records a call: all or nothing, so one transaction holds them all. */
export const MAX_PUBLIC_RECORDS = 500;

export interface PublicRecordInput {
  nationalId: string;
  subjectName: string;
  kind: PublicRecordKind;
  caseNumber: string;
  title: string;
  amount?: string | null;
  grade?: string | null;
  decidedOn: string;
  effectiveOn: string;
  endedOn?: string | null;
  status: PublicRecordStatus;
}

interface Checked {
  nationalId: string;
  subjectName: string;
  kind: PublicRecordKind;
  caseNumber: string;
  title: string;
  amount: string | null;
  grade: string | null;
  decidedOn: string;
  effectiveOn: string;
  endedOn: string | null;
  status: PublicRecordStatus;
}

interface Problem {
  index: number;
  field: string;
  reason: string;
}

function rejectBatch(problems: Problem[]) {
  problems.sort((a, b) => a.index - b.index);
  const first = problems[0];
  const more = problems.length > 1 ? ` (${problems.length - 1} more problem${problems.length > 2 ? 's' : ''})` : '';
  return badInput(`Batch rejected, nothing was written: record ${first.index}: ${first.field} ${first.reason}${more}`, {
    recordIndex: first.index,
    problems,
  });
}

const TEXTS = { subjectName: text(200), caseNumber: text(100), title: text(200) } as const;

/** What needs no database: each record self-consistent as of `today` (a business date). */
function checkRecord(r: PublicRecordInput, index: number, today: string, problems: Problem[]): Checked | null {
  const start = problems.length;
  const bad = (field: string, reason: string) => problems.push({ index, field, reason });
  const nationalId = normalizeNationalId(String(r.nationalId ?? ''));
  if (!isValidNationalId(nationalId)) bad('nationalId', 'is not a valid resident identity number or unified social credit code');
  else if (!isPlausibleNationalId(nationalId, today)) bad('nationalId', 'names no real division, authority or birth date');
  const texts = {} as Record<keyof typeof TEXTS, string>;
  for (const [field, schema] of Object.entries(TEXTS) as [keyof typeof TEXTS, (typeof TEXTS)[keyof typeof TEXTS]][]) {
    const p = schema.safeParse(r[field]);
    if (p.success) texts[field] = p.data;
    else bad(field, p.error.issues[0].message);
  }
  if (!PUBLIC_RECORD_KINDS.includes(r.kind)) bad('kind', `must be one of ${PUBLIC_RECORD_KINDS.join(', ')}`);
  if (!PUBLIC_RECORD_STATUSES.includes(r.status)) bad('status', `must be one of ${PUBLIC_RECORD_STATUSES.join(', ')}`);
  for (const field of ['decidedOn', 'effectiveOn'] as const) {
    if (!isValidDate(r[field])) bad(field, 'must be YYYY-MM-DD');
    else if (r[field] > today) bad(field, 'is in the future: furnish a record once it is in force');
  }
  const endedOn = r.endedOn ?? null;
  if (r.status === 'ACTIVE') {
    if (endedOn !== null) bad('endedOn', 'must be empty while the record is ACTIVE');
  } else if (endedOn === null) bad('endedOn', 'is required unless the record is ACTIVE (the retention clock starts then)');
  else if (!isValidDate(endedOn)) bad('endedOn', 'must be YYYY-MM-DD');
  else if (endedOn > today) bad('endedOn', 'is in the future');
  else if (isValidDate(r.decidedOn) && endedOn < r.decidedOn) bad('endedOn', 'is before decidedOn');
  const grade = r.grade ?? null;
  const amount = r.amount ?? null;
  if (r.kind === 'TAX_CREDIT_GRADE') {
    if (grade === null || !(TAX_CREDIT_GRADES as readonly string[]).includes(grade))
      bad('grade', `must be one of ${TAX_CREDIT_GRADES.join(', ')}`);
    if (amount !== null) bad('amount', 'a tax credit grade carries no amount');
  } else if (grade !== null) bad('grade', 'is only for TAX_CREDIT_GRADE records');
  if (amount !== null && !/^\d{1,16}(\.\d{1,2})?$/.test(String(amount)))
    bad('amount', 'must be a non-negative amount with at most 2 decimal places');
  if (problems.length > start) return null;
  return {
    nationalId,
    ...texts,
    kind: r.kind,
    status: r.status,
    decidedOn: r.decidedOn,
    effectiveOn: r.effectiveOn,
    endedOn,
    grade,
    amount,
  };
}

/**
 * A court, the tax bureau or the market regulator furnishes public records of its own
 * decisions. All or nothing: one bad record rejects the call, naming the first (`recordIndex`)
 * and listing every problem. A kind outside the authority's remit refuses the whole call
 * (FORBIDDEN). Records are matched to borrowers by the national id's keyed hash, so one may
 * arrive before its subject is on file; the answer is the same either way (no existence oracle).
 */
export const furnishPublicRecords = defineCommand({
  name: 'furnishPublicRecords',
  gate: (ctx) => publicRecordPolicy.gate(ctx, 'furnish'),
  parse({ records }: { records: PublicRecordInput[] }, { now }) {
    if (!Array.isArray(records) || records.length === 0) throw badInput('records must not be empty', { field: 'records' });
    if (records.length > MAX_PUBLIC_RECORDS) throw badInput(`at most ${MAX_PUBLIC_RECORDS} records per call`, { field: 'records' });
    const today = businessDate(now);
    const problems: Problem[] = [];
    const seen = new Map<string, number>();
    const checked = records.map((r, i) => {
      const c = checkRecord(r, i, today, problems);
      const key = `${r.kind}\u0000${String(r.caseNumber).trim()}`;
      const prior = seen.get(key);
      if (prior !== undefined) problems.push({ index: i, field: 'caseNumber', reason: `repeats record ${prior} in this call` });
      seen.set(key, i);
      return c;
    });
    if (problems.length) throw rejectBatch(problems);
    return checked as Checked[];
  },
  idempotent: false,
  async run({ ctx, tx, actor, now, record }, records) {
    const inst = await findInstitution(tx, actor.institutionId);
    const authority = (inst?.authority ?? null) as AuthorityKind | null;
    const outside = records.find((r) => !publicRecordPolicy.can(actor, 'furnishKind', { authority, kind: r.kind }));
    if (outside) throw forbidden(`A ${authority ?? 'data source without an authority'} may not furnish ${outside.kind} records`);

    const hashes = records.map((r) => hashNationalId(r.nationalId, ctx.config.nationalIdPepper));
    const existing = new Map((await store.lockCases(tx, actor.institutionId, records)).map((e) => [`${e.kind}\u0000${e.caseNumber}`, e]));
    const problems: Problem[] = [];
    const rows: store.NewPublicRecordRow[] = [];
    records.forEach((r, i) => {
      const prev = existing.get(`${r.kind}\u0000${r.caseNumber}`);
      if (prev?.deletedAt) {
        problems.push({ index: i, field: 'caseNumber', reason: 'was deleted after a dispute and cannot be re-furnished' });
        return;
      }
      if (prev && prev.nationalIdHash !== hashes[i]) {
        problems.push({
          index: i,
          field: 'nationalId',
          reason: 'differs from the subject this case was furnished for; revoke it and furnish a new case',
        });
        return;
      }
      rows.push({
        nationalIdHash: hashes[i],
        subjectName: r.subjectName,
        authorityId: actor.institutionId,
        kind: r.kind,
        caseNumber: r.caseNumber,
        title: r.title,
        amount: r.amount,
        grade: r.grade,
        decidedOn: r.decidedOn,
        effectiveOn: r.effectiveOn,
        endedOn: r.endedOn,
        status: r.status,
        furnishedBy: actor.userId,
        createdAt: now,
        updatedAt: now,
      });
    });
    if (problems.length) throw rejectBatch(problems);

    const saved = await store.upsertRecords(tx, rows);
    const onFile = await store.borrowersByIdHash(tx, [...new Set(hashes)]);
    record(
      saved.map((s) => {
        const prev = existing.get(`${s.kind}\u0000${s.caseNumber}`);
        return {
          action: prev ? 'public_record.updated' : 'public_record.furnished',
          targetType: 'public_record',
          targetId: s.id,
          borrowerId: onFile.get(s.nationalIdHash) ?? null,
          detail: {
            authorityId: s.authorityId,
            kind: s.kind,
            caseNumber: s.caseNumber,
            status: s.status,
            endedOn: s.endedOn,
            ...(prev ? { from: { status: prev.status, endedOn: prev.endedOn } } : {}),
          },
        };
      }),
    );
    return store.recordsByIds(
      tx,
      saved.map((s) => s.id),
    );
  },
});
