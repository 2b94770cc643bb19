import { sql, type SQL } from 'drizzle-orm';
import { rows, type Executor } from '../../db/client.js';
import { CLOSED_STATUSES } from './rules.js';

/**
 * "Lasts as long as the loan": a POST_LOAN_MANAGEMENT or POST_INSURANCE_MANAGEMENT consent
 * (rules.ts OPEN_RELATIONSHIP_PURPOSES) holds only while the institution still has an open,
 * non-deleted account of the borrower. A SQL condition over `credit_accounts`, for the grant
 * check below and for every read (the profile statement ANDs it into its consent gate).
 *
 * `borrowerId` and `institutionId` are SQL expressions (a bound parameter or a column).
 */
export function openRelationshipSql(borrowerId: SQL, institutionId: SQL): SQL {
  const closed = sql.join(
    CLOSED_STATUSES.map((s) => sql`${s}`),
    sql`, `,
  );
  return sql`exists (select 1 from credit_accounts ora
    where ora.borrower_id = ${borrowerId} and ora.institution_id = ${institutionId}
      and ora.deleted_at is null and ora.closed_on is null and ora.kind <> 'COURT_LISTING'
      and ora.status not in (${closed}))`;
}

/** Whether the institution holds an open account of the borrower now. */
export async function holdsOpenAccount(db: Executor, borrowerId: string, institutionId: string): Promise<boolean> {
  const [r] = await rows<{ open: boolean }>(
    db,
    sql`select ${openRelationshipSql(sql`${borrowerId}::uuid`, sql`${institutionId}::text`)} as open`,
  );
  return r.open;
}
