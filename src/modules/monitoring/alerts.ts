/**
 * The graded alerts of one batch of domain events, in one INSERT … SELECT: the events that fire a
 * rule (with the thresholds of the parameter version in force at each event), joined to the
 * institutions watching the borrower at that moment (watchers.ts). Re-running a batch inserts
 * nothing twice (unique institution × event × rule).
 *
 * - RED COURT_ENFORCEMENT: an enforcement or dishonest-debtor public record added ACTIVE, or becoming ACTIVE.
 * - RED DPD_90_ELSEWHERE: an account first reaching 90+ days past due (or worse) at another institution.
 * - ORANGE NEW_DELINQUENCY: a clean (or new) account elsewhere going 30 or 60 days past due.
 * - YELLOW INQUIRY_BURST: a hard inquiry that makes ≥ inquiryBurstCount hard inquiries by institutions
 *   other than the watcher within inquiryBurstDays; at most one per watcher and borrower per window.
 * - YELLOW NEW_BORROWING: a new loan elsewhere with an original amount ≥ newBorrowingThreshold.
 *
 * An adverse status held by prior notice (条例 Art 15) is alerted with visible_from = heldUntil:
 * the watcher does not learn of it before other readers see it.
 */
import { sql, type SQL } from 'drizzle-orm';
import { rows, type Executor } from '../../db/client.js';
import { HARD_INQUIRY_PURPOSES } from '../../domain.js';
import {
  ALERT_MESSAGES,
  ALERT_RULES,
  DEFAULT_THRESHOLDS,
  EARLY_DELINQUENT_STATUSES,
  ENFORCEMENT_KINDS,
  KIND_NAMES,
  SEVERE_STATUSES,
  STATUS_NAMES,
} from './rules.js';
import { fillSql, sqlList, wordsSql } from './store.js';
import { watchersSql } from './watchers.js';

export const ACCOUNT_EVENTS = ['credit.account.created', 'credit.account.updated'] as const;
export const PUBLIC_RECORD_EVENTS = ['public_record.furnished', 'public_record.updated'] as const;
export const INQUIRY_EVENT = 'credit.inquiry.made';

const p = (k: string) => sql.raw(`e.payload->>'${k}'`);
const clean = sql`(coalesce(${p('previousStatus')}, 'CURRENT') in ('CURRENT', 'PAID'))`;
const wasSevere = sql`(coalesce(${p('previousStatus')}, '') in (${sqlList(SEVERE_STATUSES)}))`;
/** The account's status compare needs previousStatus: a created account has none; an updated one written before it was added fires nothing. */
const knowsPrevious = sql`(e.type = 'credit.account.created' or e.payload->'previousStatus' is not null)`;
const accountVisible = sql`greatest(e.occurred_at, coalesce((${p('heldUntil')})::timestamptz, e.occurred_at))`;
const accountDetail = sql`jsonb_build_object('accountRef', ${p('accountRef')}, 'kind', ${p('kind')}, 'furnisher', ${p('furnisher')},
  'status', ${p('status')}, 'previousStatus', ${p('previousStatus')}, 'balance', ${p('balance')}, 'originalAmount', ${p('originalAmount')},
  'statusMonth', ${p('statusMonth')}, 'heldUntil', ${p('heldUntil')})`;

const threshold = (k: keyof typeof DEFAULT_THRESHOLDS, cast: string) =>
  sql.raw(`coalesce((e.m->>'${k}')::${cast}, '${DEFAULT_THRESHOLDS[k]}'::${cast})`);

function candidate(rule: keyof typeof ALERT_MESSAGES, where: SQL, detail: SQL, message: SQL, visible: SQL, join = sql``): SQL {
  return sql`select e.id as event_id, ${rule}::text as rule, ${ALERT_RULES[rule]}::text as severity, ${detail} as detail,
      ${message} as message, ${visible} as visible_from
    from ev e ${join} where ${where}`;
}

/** Insert the alerts of events with from < seq ≤ to; returns the ids inserted. */
export async function raiseAlerts(tx: Executor, now: Date, from: number, to: number): Promise<string[]> {
  const status = wordsSql(STATUS_NAMES, p('status'));
  const kind = wordsSql(KIND_NAMES, p('kind'));
  const isAccount = sql`e.type in (${sqlList(ACCOUNT_EVENTS)})`;
  const candidates = [
    candidate(
      'DPD_90_ELSEWHERE',
      sql`${isAccount} and ${knowsPrevious} and ${p('status')} in (${sqlList(SEVERE_STATUSES)}) and not ${wasSevere}`,
      accountDetail,
      fillSql(ALERT_MESSAGES.DPD_90_ELSEWHERE, { kind, accountRef: p('accountRef'), status }),
      accountVisible,
    ),
    candidate(
      'NEW_DELINQUENCY',
      sql`${isAccount} and ${knowsPrevious} and ${p('status')} in (${sqlList(EARLY_DELINQUENT_STATUSES)}) and ${clean}`,
      accountDetail,
      fillSql(ALERT_MESSAGES.NEW_DELINQUENCY, { kind, accountRef: p('accountRef'), status }),
      accountVisible,
    ),
    candidate(
      'NEW_BORROWING',
      sql`e.type = 'credit.account.created' and ${p('kind')} = 'LOAN'
        and (${p('originalAmount')})::numeric >= ${threshold('newBorrowingThreshold', 'numeric')}`,
      accountDetail,
      fillSql(ALERT_MESSAGES.NEW_BORROWING, { kind, accountRef: p('accountRef'), amount: p('originalAmount') }),
      accountVisible,
    ),
    candidate(
      'COURT_ENFORCEMENT',
      sql`e.type in (${sqlList(PUBLIC_RECORD_EVENTS)}) and ${p('kind')} in (${sqlList(ENFORCEMENT_KINDS)}) and ${p('status')} = 'ACTIVE'
        and (e.type = 'public_record.furnished' or coalesce(e.payload->'from'->>'status', '') <> 'ACTIVE')`,
      sql`jsonb_build_object('publicRecordId', e.aggregate_id, 'kind', ${p('kind')}, 'caseNumber', ${p('caseNumber')},
        'status', ${p('status')}, 'authorityId', ${p('authorityId')}, 'amount', pr.amount::text, 'decidedOn', pr.decided_on,
        'effectiveOn', pr.effective_on)`,
      fillSql(ALERT_MESSAGES.COURT_ENFORCEMENT, { kind, caseNumber: p('caseNumber') }),
      sql`e.occurred_at`,
      sql`left join public_records pr on pr.id::text = e.aggregate_id`,
    ),
    candidate(
      'INQUIRY_BURST',
      sql`e.type = ${INQUIRY_EVENT}::text and ${p('kind')} = 'HARD'`,
      sql`jsonb_build_object('inquiryId', ${p('inquiryId')}, 'purpose', ${p('purpose')}, 'institutionId', ${p('institutionId')})`,
      sql`null::text`,
      sql`e.occurred_at`,
    ),
  ];
  const burstCount = threshold('inquiryBurstCount', 'int');
  const burstDays = threshold('inquiryBurstDays', 'int');
  const windowStart = sql`c.occurred_at - make_interval(days => c.burst_days)`;
  const inserted = await rows<{ id: string }>(
    tx,
    sql`with ev as materialized (
        select d.id, d.seq, d.type, d.occurred_at, d.borrower_id, d.actor_institution_id, d.aggregate_id, d.payload,
               d.payload->>'furnisher' as furnisher, d.payload->>'accountRef' as account_ref, d.payload->>'source' as source,
               coalesce(pv.version, (select min(version) from programme_parameters)) as version, pv.m
        from domain_events d
        left join lateral (
          select version, document->'monitoring' as m from programme_parameters
          where effective_from <= d.occurred_at order by effective_from desc, version desc limit 1
        ) pv on true
        where d.seq > ${from}::bigint and d.seq <= ${to}::bigint and d.borrower_id is not null
          and d.type in (${sqlList([...ACCOUNT_EVENTS, ...PUBLIC_RECORD_EVENTS, INQUIRY_EVENT])})
      ),
      fired as materialized (${sql.join(candidates, sql` union all `)}),
      fev as materialized (select e.* from ev e where e.id in (select event_id from fired)),
      w as materialized (${watchersSql(sql`fev`)}),
      c as (
        select f.*, e.seq, e.type, e.borrower_id, e.occurred_at, e.version, w.institution_id, w.basis,
               ${burstCount} as burst_count, ${burstDays} as burst_days
        from fired f join fev e on e.id = f.event_id join w on w.event_id = f.event_id
      ),
      counted as (
        select c.*, case when c.rule = 'INQUIRY_BURST' then (
            select count(*)::int from inquiries q
            where q.borrower_id = c.borrower_id and q.deleted_at is null and q.purpose in (${sqlList(HARD_INQUIRY_PURPOSES)})
              and q.institution_id is distinct from c.institution_id
              and q.inquired_at > ${windowStart} and q.inquired_at <= c.occurred_at) end as n
        from c
      ),
      kept as (
        select k.*, row_number() over (partition by k.institution_id, k.borrower_id, k.rule order by k.seq) as nth
        from counted k
        where k.rule <> 'INQUIRY_BURST' or (k.n >= k.burst_count and not exists (
          select 1 from alerts a where a.institution_id = k.institution_id and a.borrower_id = k.borrower_id
            and a.rule = 'INQUIRY_BURST' and a.visible_from > k.occurred_at - make_interval(days => k.burst_days)))
      )
      insert into alerts (institution_id, borrower_id, event_id, event_type, rule, severity, basis, message, detail,
                          parameter_version, created_at, visible_from)
      select k.institution_id, k.borrower_id, k.event_id, k.type, k.rule, k.severity, k.basis,
             case when k.rule = 'INQUIRY_BURST' then ${fillSql(ALERT_MESSAGES.INQUIRY_BURST, { days: sql`k.burst_days`, count: sql`k.n` })}
                  else k.message end,
             case when k.rule = 'INQUIRY_BURST' then k.detail || jsonb_build_object('hardInquiries', k.n, 'windowDays', k.burst_days)
                  else k.detail end,
             k.version, ${now.toISOString()}::timestamptz, k.visible_from
      from kept k
      where k.rule <> 'INQUIRY_BURST' or k.nth = 1
      order by k.seq, k.institution_id, k.rule
      on conflict (institution_id, event_id, rule) do nothing
      returning id`,
  );
  return inserted.map((r) => r.id);
}
