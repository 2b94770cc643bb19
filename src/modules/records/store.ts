import { and, eq, inArray, or, sql, type SQL } from 'drizzle-orm';
import { rows, type Executor } from '../../db/client.js';
import { borrowers, publicRecords } from '../../db/schema/index.js';
import type { AuthorityKind, PublicRecordKind, PublicRecordStatus } from '../../domain.js';
import type { ObjectionView, StatementView as CreditStatementView } from '../credit/api.js';
import { shownUntil } from './rules.js';

export type PublicRecordRow = typeof publicRecords.$inferSelect;
export type NewPublicRecordRow = typeof publicRecords.$inferInsert;

/** 本人声明 on a public record: the credit file's statement, attached to a public record and in force. */
export type StatementView = CreditStatementView & { recordId: null; publicRecordId: string; withdrawnAt: null };

/** A public record with its provenance and what is attached to it (dates as strings, money as a decimal string). */
export interface PublicRecordView {
  id: string;
  kind: PublicRecordKind;
  authorityId: string;
  authority: { id: string; kind: string; name: string; authority: AuthorityKind | null };
  authorityKind: AuthorityKind;
  caseNumber: string;
  title: string;
  subjectName: string;
  amount: string | null;
  grade: string | null;
  decidedOn: string;
  effectiveOn: string;
  endedOn: string | null;
  status: PublicRecordStatus;
  /** The last day its kind's retention rule shows it (rules.ts); null while it has no end. */
  shownUntil: string | null;
  disputed: boolean;
  objection: ObjectionView | null;
  statements: StatementView[];
  recordedAt: string;
  updatedAt: string;
}

/** JSON instants carry their offset (ISO 8601), the same text on both drivers. */
const VIEW_COLUMNS = sql`
  r.id, r.kind, r.authority_id as "authorityId",
  json_build_object('id', i.id, 'kind', i.kind, 'name', i.name, 'authority', i.authority) as authority,
  i.authority as "authorityKind",
  r.case_number as "caseNumber", r.title, r.subject_name as "subjectName",
  r.amount::text as amount, r.grade,
  r.decided_on::text as "decidedOn", r.effective_on::text as "effectiveOn", r.ended_on::text as "endedOn", r.status,
  exists (select 1 from disputes d where d.public_record_id = r.id and d.status = 'OPEN') as disputed,
  (select json_build_object('disputeId', d.id, 'statement', d.reason, 'checkNote', coalesce(d.resolution_note, ''), 'recordedAt', to_json(d.resolved_at))
     from disputes d where d.public_record_id = r.id and d.outcome = 'UNVERIFIABLE'
     order by d.resolved_at desc nulls last, d.id desc limit 1) as objection,
  coalesce((select json_agg(json_build_object(
        'id', s.id, 'recordId', null, 'publicRecordId', s.public_record_id, 'text', s.body,
        'createdAt', to_json(s.created_at), 'withdrawnAt', null) order by s.created_at, s.id)
     from personal_statements s where s.public_record_id = r.id and s.withdrawn_at is null), '[]'::json) as statements,
  to_json(r.created_at) #>> '{}' as "recordedAt", to_json(r.updated_at) #>> '{}' as "updatedAt"`;

async function views(db: Executor, where: SQL, tail: SQL = sql``): Promise<PublicRecordView[]> {
  const found = await rows<Omit<PublicRecordView, 'shownUntil'>>(
    db,
    sql`select ${VIEW_COLUMNS} from public_records r join institutions i on i.id = r.authority_id where ${where} ${tail}`,
  );
  return found.map((v) => ({ ...v, shownUntil: shownUntil(v) }));
}

/** The records whose subject is this borrower (matched by the national id's keyed hash), not deleted; retention is the caller's. */
export function recordsOfBorrower(db: Executor, borrowerId: string) {
  return views(
    db,
    sql`r.national_id_hash = (select national_id_hash from borrowers where id = ${borrowerId}::uuid) and r.deleted_at is null and r.status <> 'REVOKED'`,
  );
}

/** Records by id, in the order given. */
export async function recordsByIds(db: Executor, ids: readonly string[]) {
  if (ids.length === 0) return [];
  const found = new Map(
    (
      await views(
        db,
        sql`r.id in (${sql.join(
          ids.map((id) => sql`${id}::uuid`),
          sql`, `,
        )})`,
      )
    ).map((v) => [v.id, v]),
  );
  return ids.map((id) => found.get(id)!);
}

/** One page of an authority's records, newest first; `after` is the last row's (recordedAt, id). */
export function furnishedPage(db: Executor, authorityId: string, after: { at: string; id: string } | undefined, limit: number) {
  const where = after
    ? sql`r.authority_id = ${authorityId} and (r.created_at, r.id) < (${after.at}::timestamptz, ${after.id}::uuid)`
    : sql`r.authority_id = ${authorityId}`;
  return views(db, where, sql`order by r.created_at desc, r.id desc limit ${limit}`);
}

/** The authority's existing records for these cases, locked for the upsert. */
export async function lockCases(tx: Executor, authorityId: string, cases: { kind: string; caseNumber: string }[]) {
  if (cases.length === 0) return [];
  return tx
    .select()
    .from(publicRecords)
    .where(
      and(
        eq(publicRecords.authorityId, authorityId),
        or(...cases.map((c) => and(eq(publicRecords.kind, c.kind), eq(publicRecords.caseNumber, c.caseNumber)))),
      ),
    )
    .for('update');
}

/** Insert or update by (authority, kind, case number); the subject and the first arrival never change. */
export async function upsertRecords(tx: Executor, values: NewPublicRecordRow[]): Promise<PublicRecordRow[]> {
  if (values.length === 0) return [];
  return tx
    .insert(publicRecords)
    .values(values)
    .onConflictDoUpdate({
      target: [publicRecords.authorityId, publicRecords.kind, publicRecords.caseNumber],
      set: {
        subjectName: sql`excluded.subject_name`,
        title: sql`excluded.title`,
        amount: sql`excluded.amount`,
        grade: sql`excluded.grade`,
        decidedOn: sql`excluded.decided_on`,
        effectiveOn: sql`excluded.effective_on`,
        endedOn: sql`excluded.ended_on`,
        status: sql`excluded.status`,
        furnishedBy: sql`excluded.furnished_by`,
        updatedAt: sql`excluded.updated_at`,
      },
    })
    .returning();
}

/** Borrowers on file among these national id hashes: hash → borrower id. */
export async function borrowersByIdHash(db: Executor, hashes: string[]): Promise<Map<string, string>> {
  if (hashes.length === 0) return new Map();
  const found = await db
    .select({ id: borrowers.id, hash: borrowers.nationalIdHash })
    .from(borrowers)
    .where(inArray(borrowers.nationalIdHash, hashes));
  return new Map(found.map((b) => [b.hash, b.id]));
}

/** A record locked for a change, with the borrower on file it concerns (null while its subject is not on file). */
export async function lockRecord(tx: Executor, id: string) {
  const [r] = await tx
    .select({ record: publicRecords, borrowerId: borrowers.id })
    .from(publicRecords)
    .leftJoin(borrowers, eq(borrowers.nationalIdHash, publicRecords.nationalIdHash))
    .where(eq(publicRecords.id, id))
    .for('update', { of: publicRecords });
  return r ? { ...r.record, borrowerId: r.borrowerId } : undefined;
}

export async function updateRecord(tx: Executor, id: string, set: Partial<NewPublicRecordRow>): Promise<PublicRecordRow> {
  const [r] = await tx.update(publicRecords).set(set).where(eq(publicRecords.id, id)).returning();
  return r;
}
