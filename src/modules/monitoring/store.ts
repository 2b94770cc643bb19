import { sql, type SQL } from 'drizzle-orm';
import { rows, type Executor } from '../../db/client.js';
import type { AlertSeverity, MonitoringBasis } from './rules.js';

/** `'A', 'B'` as SQL text literals, for `in (…)`. */
export const uuidList = (ids: readonly string[]) =>
  sql.join(
    ids.map((id) => sql`${id}::uuid`),
    sql`, `,
  );

export const sqlList = (xs: readonly string[]) =>
  sql.join(
    xs.map((x) => sql`${x}::text`),
    sql`, `,
  );

/** `case <col> when 'K' then 'words' … else <col> end`: a code's words, in SQL. */
export function wordsSql(words: Record<string, string>, col: SQL): SQL {
  const whens = Object.entries(words).map(([k, w]) => sql`when ${k}::text then ${w}::text`);
  return sql`(case ${col} ${sql.join(whens, sql` `)} else ${col} end)`;
}

/** A rules.ts message template filled in SQL: `{name}` slots become the given expressions (concat: a null slot is empty). */
export function fillSql(template: string, values: Record<string, SQL>): SQL {
  const parts = template.split(/\{(\w+)\}/);
  const pieces = parts.map((p, i) => {
    if (i % 2 === 0) return sql`${p}::text`;
    const v = values[p];
    if (!v) throw new Error(`message slot {${p}} has no value`);
    return sql`(${v})::text`;
  });
  return sql`concat(${sql.join(pieces, sql`, `)})`;
}

/** The business date (China Standard Time) of an instant, as YYYY-MM-DD text. */
export const businessDateSql = (col: SQL) => sql`to_char(${col} at time zone 'Asia/Shanghai', 'YYYY-MM-DD')`;

export interface AlertRow {
  seq: number;
  id: string;
  institutionId: string;
  borrowerId: string;
  eventId: string;
  eventType: string;
  rule: string;
  severity: AlertSeverity;
  basis: MonitoringBasis;
  message: string;
  detail: unknown;
  parameterVersion: number;
  createdAt: Date;
  visibleFrom: Date;
  acknowledgedAt: Date | null;
  acknowledgedBy: string | null;
}

const columns = sql`seq::bigint as "seq", id, institution_id as "institutionId", borrower_id as "borrowerId", event_id as "eventId",
  event_type as "eventType", rule, severity, basis, message, detail, parameter_version as "parameterVersion", created_at as "createdAt",
  visible_from as "visibleFrom", acknowledged_at as "acknowledgedAt", acknowledged_by as "acknowledgedBy"`;

const toRow = (r: AlertRow): AlertRow => ({
  ...r,
  seq: Number(r.seq),
  createdAt: new Date(r.createdAt),
  visibleFrom: new Date(r.visibleFrom),
  acknowledgedAt: r.acknowledgedAt ? new Date(r.acknowledgedAt) : null,
});

/** Where a page of alerts ends: newest first by when they became visible, then by seq. */
export interface AlertKey {
  visibleFrom: string;
  seq: number;
}

/** An institution's alerts that have reached readers (visible_from ≤ now), newest first, filtered, one more than `limit`. */
export async function alertsOf(
  db: Executor,
  q: {
    institutionId: string;
    now: Date;
    severity?: AlertSeverity;
    acknowledged?: boolean;
    borrowerId?: string;
    after?: AlertKey;
    limit: number;
  },
): Promise<AlertRow[]> {
  const where: SQL[] = [sql`institution_id = ${q.institutionId}::text`, sql`visible_from <= ${q.now.toISOString()}::timestamptz`];
  if (q.severity) where.push(sql`severity = ${q.severity}::text`);
  if (q.acknowledged === true) where.push(sql`acknowledged_at is not null`);
  if (q.acknowledged === false) where.push(sql`acknowledged_at is null`);
  if (q.borrowerId) where.push(sql`borrower_id = ${q.borrowerId}::uuid`);
  if (q.after) {
    where.push(sql`(visible_from, seq) < (${q.after.visibleFrom}::timestamptz, ${q.after.seq}::bigint)`);
  }
  const found = await rows<AlertRow>(
    db,
    sql`select ${columns} from alerts where ${sql.join(where, sql` and `)} order by visible_from desc, seq desc limit ${q.limit}::int`,
  );
  return found.map(toRow);
}

/** One alert, locked for acknowledgement. */
export async function lockAlert(tx: Executor, id: string): Promise<AlertRow | undefined> {
  const [r] = await rows<AlertRow>(tx, sql`select ${columns} from alerts where id = ${id}::uuid for update`);
  return r && toRow(r);
}

export async function acknowledge(tx: Executor, id: string, at: Date, by: string): Promise<AlertRow> {
  const [r] = await rows<AlertRow>(
    tx,
    sql`update alerts set acknowledged_at = ${at.toISOString()}::timestamptz, acknowledged_by = ${by}::text where id = ${id}::uuid returning ${columns}`,
  );
  return toRow(r);
}
