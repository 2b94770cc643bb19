/**
 * Who may watch a borrower (the legal basis), as SQL over a set of events: one statement for a
 * whole batch, never a query per watcher. Evaluated at each event's occurredAt:
 *
 * - LIVE_LOAN: a programme loan of the bank, disbursed by then and ACTIVE, DEFAULTED or CLAIMED
 *   (or closed only after the event);
 * - LIVE_POLICY: a policy of the insurer, issued by then and ISSUED, PLEDGED, ACTIVE or CLAIMED
 *   (or closed only after the event);
 * - POST_LOAN_CONSENT / POST_INSURANCE_CONSENT: a POST_LOAN_MANAGEMENT / POST_INSURANCE_MANAGEMENT
 *   consent granted by then, not expired, not revoked by then, and (as for every read under it)
 *   the institution still holding an open account of the borrower.
 *
 * Never the institution that made the change (the event's actor, the record's furnisher), and
 * never the other party of a programme deal about that deal's own record (the insurer about the
 * loan it insures, the bank about the policy pledged to it): they hear of it through the programme.
 * One row per event and institution, the strongest basis first (a live loan or policy before a consent).
 */
import { sql, type SQL } from 'drizzle-orm';
import { openRelationshipSql } from '../credit/api.js';
import { sqlList } from './store.js';

export const LIVE_LOAN_STATUSES = ['ACTIVE', 'DEFAULTED', 'CLAIMED'] as const;
export const LIVE_POLICY_STATUSES = ['ISSUED', 'PLEDGED', 'ACTIVE', 'CLAIMED'] as const;

/**
 * A CTE body selecting (event_id, institution_id, basis) for the events of CTE `source`, which
 * has columns id, borrower_id, occurred_at, actor_institution_id, furnisher, account_ref, source.
 */
export function watchersSql(source: SQL): SQL {
  const day = sql`(e.occurred_at at time zone 'Asia/Shanghai')::date`;
  return sql`
    select distinct on (x.event_id, x.institution_id) x.event_id, x.institution_id, x.basis
    from (
      select e.id as event_id, l.bank_id as institution_id, 'LIVE_LOAN'::text as basis, 1 as rank
      from ${source} e join loans l on l.borrower_id = e.borrower_id
      where l.disbursed_on <= ${day} and (l.status in (${sqlList(LIVE_LOAN_STATUSES)}) or l.closed_on > ${day})
      union all
      select e.id, p.insurer_id, 'LIVE_POLICY'::text, 1
      from ${source} e join policies p on p.borrower_id = e.borrower_id
      where p.issued_at <= e.occurred_at and (p.status in (${sqlList(LIVE_POLICY_STATUSES)}) or p.closed_at > e.occurred_at)
      union all
      select e.id, c.institution_id,
             case c.purpose when 'POST_LOAN_MANAGEMENT' then 'POST_LOAN_CONSENT' else 'POST_INSURANCE_CONSENT' end, 2
      from ${source} e join consents c on c.borrower_id = e.borrower_id
      where c.purpose in ('POST_LOAN_MANAGEMENT', 'POST_INSURANCE_MANAGEMENT')
        and c.granted_at <= e.occurred_at and c.expires_at > e.occurred_at and (c.revoked_at is null or c.revoked_at > e.occurred_at)
        and ${openRelationshipSql(sql`e.borrower_id`, sql`c.institution_id`)}
    ) x
    join ${source} e on e.id = x.event_id
    where x.institution_id is distinct from e.actor_institution_id
      and x.institution_id is distinct from e.furnisher
      and not (coalesce(e.source = 'programme', false) and (
        exists (select 1 from loans dl where dl.loan_number = e.account_ref and dl.bank_id = e.furnisher and dl.insurer_id = x.institution_id)
        or exists (select 1 from policies dp where dp.policy_number = e.account_ref and dp.insurer_id = e.furnisher and dp.bank_id = x.institution_id)))
    order by x.event_id, x.institution_id, x.rank, x.basis`;
}
