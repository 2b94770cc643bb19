/**
 * The profile statement's SQL, per shape (see profile.ts): the dynamic values are named
 * placeholders, so the text is built once per shape and the read's values are bound to it.
 */
import { sql, type SQL } from 'drizzle-orm';
import { HARD_INQUIRY_PURPOSES } from '../../domain.js';
import { CLOSED_STATUSES, HISTORY_MONTHS, NEGATIVE_STATUSES, STATUS_CODE, STATUS_SEVERITY } from './rules.js';
import type { AccountStatus } from '../../domain.js';
import { openRelationshipSql } from './relationship.js';

/** Statuses from the most to the least severe; CURRENT before PAID where nothing was adverse. */
export const WORST_ORDER = (Object.keys(STATUS_SEVERITY) as AccountStatus[]).sort(
  (a, b) => STATUS_SEVERITY[a] - STATUS_SEVERITY[b] || Number(a === 'CURRENT') - Number(b === 'CURRENT'),
);

/** What changes the statement's text: the gate, whether a page follows a cursor, whether the facts come too. */
export interface Shape {
  gate: 'internal' | 'own' | 'institution' | 'institution, open account';
  after: boolean;
  withFacts: boolean;
}

/** The statement's parameters: placeholders in the text built once, bound per read (see statementFor). */
const SLOTS = [
  'borrowerId',
  'now',
  'requestId',
  'userId',
  'role',
  'borrowerActorId',
  'action',
  'institutionId',
  'purpose',
  'retentionCutoff',
  'currentMonth',
  'limit',
  'limitPlusOne',
  'afterRank',
  'afterOpenedOn',
  'afterId',
  'inquiryWindowStart',
  'inquiryHistoryStart',
] as const;
type Slot = (typeof SLOTS)[number];
export type Values = Record<Slot, string | number | null>;
const v = Object.fromEntries(SLOTS.map((name) => [name, sql.placeholder(name)])) as unknown as Record<Slot, SQL>;

const list = (xs: readonly string[]) =>
  sql.join(
    xs.map((x) => sql`${x}::text`),
    sql`, `,
  );
/** JSON instants carry their offset (ISO 8601); the DateTime scalar normalises them to UTC. */
const iso = (col: SQL) => sql`to_json(${col})`;

/**
 * The domain event `credit.inquiry.made` for the inquiry this statement records, in the same
 * statement (the outbox: it exists if and only if the inquiry does). The monitoring consumer tells
 * the borrower of it and counts hard ones for the inquiry-burst alert. No personal data: ids, purpose, kind.
 */
function inquiryEvent(institutionId: SQL, purpose: SQL): SQL {
  const hard = sql`case when ${purpose} in (${list(HARD_INQUIRY_PURPOSES)}) then 'HARD' else 'SOFT' end`;
  return sql`ev as (
        insert into domain_events (type, occurred_at, request_id, aggregate_type, aggregate_id, borrower_id, actor_institution_id, payload)
        select 'credit.inquiry.made', ${v.now}::timestamptz, ${v.requestId}::text, 'inquiry', ok.id::text,
               ${v.borrowerId}::uuid, ${institutionId},
               jsonb_build_object('inquiryId', ok.id, 'institutionId', ${institutionId}, 'purpose', ${purpose}, 'kind', ${hard})
        from ok
        returning 1
      )`;
}

function gate(p: Shape): SQL {
  const now = v.now;
  if (p.gate === 'internal') {
    return sql`
      ok as (select null::uuid as id, null::uuid as consent_id where exists (select 1 from borrowers where id = ${v.borrowerId}::uuid)),
      aud as (
        insert into audit_log (at, request_id, actor_user_id, actor_role, action, target_type, target_id, borrower_id, detail)
        select ${now}::timestamptz, ${v.requestId}::text, ${v.userId}::text, ${v.role}::text,
               ${v.action}::text, 'borrower', ${v.borrowerId}::text, ${v.borrowerId}::uuid, '{}'::jsonb
        from ok
        returning 1
      )`;
  }
  if (p.gate === 'own') {
    // the borrower's own access: a soft SELF_ACCESS inquiry and the audit entry, in this statement
    return sql`
      ok as (
        insert into inquiries (borrower_id, institution_id, user_id, purpose, consent_id, inquired_at)
        select ${v.borrowerId}::uuid, null, ${v.userId}::text, 'SELF_ACCESS', null, ${now}::timestamptz
        where exists (select 1 from borrowers where id = ${v.borrowerId}::uuid)
        returning id
      ),
      aud as (
        insert into audit_log (at, request_id, actor_user_id, actor_role, actor_borrower_id, action, target_type, target_id, borrower_id, detail)
        select ${now}::timestamptz, ${v.requestId}::text, ${v.userId}::text, ${v.role}::text, ${v.borrowerActorId}::uuid,
               'credit.profile.read_own', 'borrower', ${v.borrowerId}::text, ${v.borrowerId}::uuid, jsonb_build_object('inquiryId', ok.id)
        from ok
        returning 1
      ),
      ${inquiryEvent(sql`null::text`, sql`'SELF_ACCESS'::text`)}`;
  }
  // "lasts as long as the loan": post-loan / post-insurance reads also need an open account of the reader's
  const holdsAccount =
    p.gate === 'institution, open account'
      ? sql`and ${openRelationshipSql(sql`${v.borrowerId}::uuid`, sql`${v.institutionId}::text`)}`
      : sql``;
  return sql`
      c as (
        select id from consents
        where borrower_id = ${v.borrowerId}::uuid and institution_id = ${v.institutionId}::text and purpose = ${v.purpose}::text
          and revoked_at is null and granted_at <= ${now}::timestamptz and expires_at > ${now}::timestamptz ${holdsAccount}
        order by expires_at desc limit 1
      ),
      ok as (
        insert into inquiries (borrower_id, institution_id, user_id, purpose, consent_id, inquired_at)
        select ${v.borrowerId}::uuid, ${v.institutionId}::text, ${v.userId}::text, ${v.purpose}::text, c.id, ${now}::timestamptz from c
        returning id, consent_id
      ),
      aud as (
        insert into audit_log (at, request_id, actor_user_id, actor_role, actor_institution_id, action, target_type, target_id, borrower_id, detail)
        select ${now}::timestamptz, ${v.requestId}::text, ${v.userId}::text, ${v.role}::text, ${v.institutionId}::text,
               'credit.profile.read', 'borrower', ${v.borrowerId}::text, ${v.borrowerId}::uuid,
               jsonb_build_object('purpose', ${v.purpose}::text, 'consentId', ok.consent_id, 'inquiryId', ok.id)
        from ok
        returning 1
      ),
      ${inquiryEvent(sql`${v.institutionId}::text`, sql`${v.purpose}::text`)}`;
}

/**
 * The visible accounts as readers see them: the held view while a prior notice runs (a hidden one
 * not at all), not deleted, within retention; each with its page rank (0 open adverse, 1 open, 2 closed).
 */
function visibleAccounts(): SQL {
  const now = v.now;
  const held = (col: string, cast: string, truth: string) =>
    sql.raw(`case when a.is_held then (a.held->>'${col}')${cast} else a.${truth} end`);
  return sql`
      vis as materialized (
        select x.*, case when x.open and x.status in (${list(NEGATIVE_STATUSES)}) then 0 when x.open then 1 else 2 end as rank
        from (
          select h.*, h.closed_on is null and h.status not in (${list(CLOSED_STATUSES)}) as open
          from (
            select a.id, a.account_ref, a.kind, a.institution_id, a.original_amount, a.opened_on, a.source,
                   ${held('status', '', 'status')} as status, ${held('balance', '::numeric(18,2)', 'balance')} as balance,
                   ${held('closedOn', '::date', 'closed_on')} as closed_on, ${held('statusMonth', '::date', 'status_month')} as status_month,
                   ${held('paymentHistory', '', 'payment_history')} as payment_history
            from (select *, coalesce(held_until > ${now}::timestamptz, false) as is_held from credit_accounts
                  where borrower_id = ${v.borrowerId}::uuid and deleted_at is null) a
            where exists (select 1 from ok) and not (a.is_held and coalesce((a.held->>'hidden')::boolean, false))
          ) h
          where h.status not in (${list(NEGATIVE_STATUSES)}) or h.closed_on is null or h.closed_on > ${v.retentionCutoff}::date
        ) x
      ),
      od as (
        select account_id, id, status, filed_at, due_at from disputes
        where borrower_id = ${v.borrowerId}::uuid and account_id is not null and status = 'OPEN'
      ),
      uv as (
        select distinct on (account_id) account_id, id, reason, resolution_note, resolved_at from disputes
        where borrower_id = ${v.borrowerId}::uuid and account_id is not null and outcome = 'UNVERIFIABLE'
        order by account_id, resolved_at desc, id
      )`;
}

/**
 * The worst status of the file in the 24 months ending this month, as its place in WORST_ORDER
 * (1-based): each account's window of its payment history, all windows in one string, each code
 * looked for once, worst first.
 */
function worstRank(): SQL {
  const lag = sql`(${v.currentMonth}::int - (extract(year from v.status_month)::int * 12 + extract(month from v.status_month)::int - 1))`;
  const window = sql`substr(v.payment_history, greatest(-${lag}, 0) + 1, greatest(${HISTORY_MONTHS}::int - greatest(${lag}, 0), 0))`;
  const cases = sql.join(
    WORST_ORDER.map((s, i) => sql`when strpos(w.win, ${STATUS_CODE[s]}::text) > 0 then ${i + 1}::int`).reverse(),
    sql` `,
  );
  return sql`(select case ${cases} else null end from (select string_agg(${window}, '') as win from vis v) w)`;
}

function pageOf(p: Shape): SQL {
  const after = p.after
    ? sql`where (v.rank > ${v.afterRank}::int or (v.rank = ${v.afterRank}::int and (v.opened_on < ${v.afterOpenedOn}::date
            or (v.opened_on = ${v.afterOpenedOn}::date and v.id > ${v.afterId}::uuid))))`
    : sql``;
  // one more than the page: whether there is a next page
  return sql`
      pg0 as (select v.* from vis v ${after} order by v.rank, v.opened_on desc, v.id limit ${v.limitPlusOne}::int),
      pg as (select v.*, row_number() over (order by v.rank, v.opened_on desc, v.id) as rn from pg0 v)`;
}

/** Every visible account, slim, in no particular order (a decision reads the whole file). */
const factsOf = sql`(select json_agg(json_build_object(
          'id', v.id, 'kind', v.kind, 'institutionId', v.institution_id, 'status', v.status, 'openedOn', v.opened_on,
          'closedOn', v.closed_on, 'balance', v.balance::text, 'originalAmount', v.original_amount::text,
          'paymentHistory', v.payment_history, 'statusMonth', v.status_month,
          'disputed', od.id is not null, 'unverifiable', uv.id is not null))
        from vis v left join od on od.account_id = v.id left join uv on uv.account_id = v.id)`;

/**
 * Every hard inquiry since the inquiry window began, however many reads the file has had: the
 * score counts them, and the profile's list of inquiries is capped at 100 (soft ones included).
 */
const hardInquiryFactsOf = sql`(select json_agg(json_build_object(
          'institutionId', q.institution_id, 'purpose', q.purpose, 'inquiredAt', ${iso(sql`q.inquired_at`)},
          'disputed', exists (select 1 from disputes d where d.inquiry_id = q.id and d.status = 'OPEN')))
        from inquiries q where q.borrower_id = ${v.borrowerId}::uuid and q.deleted_at is null
          and q.purpose in (${list(HARD_INQUIRY_PURPOSES)})
          and q.inquired_at >= ${v.inquiryWindowStart}::timestamptz and q.inquired_at <= ${v.now}::timestamptz
          and exists (select 1 from ok))`;

const statementJson = sql`json_build_object('id', s.id, 'recordId', s.account_id, 'publicRecordId', s.public_record_id, 'text', s.body,
          'createdAt', ${iso(sql`s.created_at`)}, 'withdrawnAt', ${iso(sql`s.withdrawn_at`)})`;

/** A special transaction (提前结清, 展期) as the SpecialTransaction type shows it. */
const specialJson = sql`json_build_object('kind', x.kind, 'occurredOn', x.occurred_on, 'amount', x.amount::text, 'months', x.months,
          'newMaturityOn', x.new_maturity_on, 'detail', x.detail)`;

const accountJson = sql`json_build_object(
          'id', v.id, 'accountRef', v.account_ref, 'kind', v.kind, 'institutionId', v.institution_id,
          'furnisher', json_build_object('id', i.id, 'kind', i.kind, 'name', i.name), 'source', v.source,
          'originalAmount', v.original_amount::text, 'balance', v.balance::text,
          'openedOn', v.opened_on, 'closedOn', v.closed_on, 'status', v.status, 'statusMonth', v.status_month,
          'paymentHistory', v.payment_history,
          'dispute', case when od.id is null then null else json_build_object(
              'id', od.id, 'status', od.status, 'filedAt', ${iso(sql`od.filed_at`)}, 'dueAt', ${iso(sql`od.due_at`)}) end,
          'objection', case when uv.id is null then null else json_build_object(
              'disputeId', uv.id, 'statement', uv.reason, 'checkNote', coalesce(uv.resolution_note, ''), 'recordedAt', ${iso(sql`uv.resolved_at`)}) end,
          'corrections', coalesce((select json_agg(json_build_object(
              'month', m.month, 'from', m.from_status, 'to', m.to_status, 'source', m.source, 'disputeId', m.dispute_id,
              'reason', m.reason, 'correctedAt', ${iso(sql`m.corrected_at`)}) order by m.corrected_at, m.month, m.id)
            from correction_marks m where m.account_id = v.id), '[]'::json),
          'statements', coalesce((select json_agg(${statementJson} order by s.created_at, s.id)
            from personal_statements s where s.borrower_id = ${v.borrowerId}::uuid and s.account_id = v.id and s.withdrawn_at is null), '[]'::json),
          'specialTransactions', coalesce((select json_agg(${specialJson} order by x.occurred_on, x.created_at, x.id)
            from credit_special_transactions x where x.account_id = v.id), '[]'::json))`;

/**
 * The whole profile in one statement: the consent check, the inquiry record and the audit entry it
 * owes (data-modifying CTEs), then the borrower, one page of accounts, the slim facts and the
 * summary of every visible account, the inquiries and the file's statements, as JSON. Without an
 * active consent nothing is written and nothing is read.
 */
export function statementFor(p: Shape): SQL {
  const now = v.now;
  const showUser = p.gate.startsWith('institution') ? sql`null` : sql`q.user_id`;
  return sql`with ${gate(p)}, ${visibleAccounts()}, ${pageOf(p)}
    select
      (select id from ok) as inquiry_id,
      exists (select 1 from ok) as allowed,
      (select json_build_object(
          'id', b.id, 'name', b.name, 'category', b.category, 'county', b.county, 'sector', b.sector,
          'registeredOn', b.registered_on, 'nationalIdMasked', b.national_id_masked)
        from borrowers b where b.id = ${v.borrowerId}::uuid and exists (select 1 from ok)) as borrower,
      (select json_agg(${accountJson} order by v.rn)
        from pg v join institutions i on i.id = v.institution_id
        left join od on od.account_id = v.id left join uv on uv.account_id = v.id
        where v.rn <= ${v.limit}::int) as accounts,
      (select concat_ws('|', v.rank, v.opened_on, v.id) from pg v
        where v.rn = ${v.limit}::int and exists (select 1 from pg where rn > ${v.limit}::int)) as next_key,
      ${p.withFacts ? factsOf : sql`null::json`} as facts,
      ${p.withFacts ? hardInquiryFactsOf : sql`null::json`} as inquiry_facts,
      (select json_build_object('accounts', count(*), 'openAccounts', count(*) filter (where v.open),
          'totalBalance', coalesce(sum(v.balance) filter (where v.open), 0)::numeric(18,2)::text,
          'worstRank', ${worstRank()}, 'disputedAccounts', count(od.id))
        from vis v left join od on od.account_id = v.id) as summary,
      (select json_agg(json_build_object(
          'id', q.id, 'institution', case when i.id is null then null else json_build_object('id', i.id, 'kind', i.kind, 'name', i.name) end,
          'purpose', q.purpose, 'kind', case when q.purpose in (${list(HARD_INQUIRY_PURPOSES)}) then 'HARD' else 'SOFT' end,
          'inquiredAt', ${iso(sql`q.inquired_at`)}, 'userId', ${showUser},
          'disputed', exists (select 1 from disputes d where d.inquiry_id = q.id and d.status = 'OPEN')
        ) order by q.inquired_at desc, q.id)
        from (select * from inquiries where borrower_id = ${v.borrowerId}::uuid and deleted_at is null
              and inquired_at >= ${v.inquiryHistoryStart}::timestamptz and inquired_at <= ${now}::timestamptz
              and exists (select 1 from ok) order by inquired_at desc, id limit 100) q
        left join institutions i on i.id = q.institution_id) as inquiries,
      (select json_build_object('hard', count(*) filter (where purpose in (${list(HARD_INQUIRY_PURPOSES)})),
          'soft', count(*) filter (where purpose not in (${list(HARD_INQUIRY_PURPOSES)})))
        from inquiries where borrower_id = ${v.borrowerId}::uuid and deleted_at is null
          and inquired_at >= ${v.inquiryWindowStart}::timestamptz and inquired_at <= ${now}::timestamptz
          and exists (select 1 from ok)) as inquiry_counts,
      (select json_agg(${statementJson} order by s.created_at, s.id)
        from personal_statements s where s.borrower_id = ${v.borrowerId}::uuid and s.account_id is null
          and s.public_record_id is null and s.withdrawn_at is null and exists (select 1 from ok)) as statements`;
}
