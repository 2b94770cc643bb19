/**
 * The profile statement: what every reader of the shared file (an institution under consent, the
 * borrower themself) sees, read in one statement with the consent check, the inquiry and the audit
 * entry it owes. Readers see the held view of an account whose first adverse status waits out its
 * prior notice (条例 Art 15); retention (Art 16) applies to what they see.
 */
import { sql, type SQL } from 'drizzle-orm';
import { rows, type Database, type Executor } from '../../db/client.js';
import { HARD_INQUIRY_PURPOSES, type AccountKind, type AccountStatus, type ConsentPurpose, type InquiryPurpose } from '../../domain.js';
import { CLOSED_STATUSES, HISTORY_MONTHS, NEGATIVE_STATUSES, STATUS_CODE, STATUS_SEVERITY } from './rules.js';
import type { StatementView } from './annotations.js';
import { openRelationshipSql } from './relationship.js';
import type { AccountView, BorrowerView } from './store.js';

export interface InquiryView {
  id: string;
  institution: { id: string; kind: string; name: string } | null;
  purpose: InquiryPurpose;
  kind: 'HARD' | 'SOFT';
  inquiredAt: string;
  userId: string | null;
  disputed: boolean;
}

/**
 * One visible account, slim: every fact a decision rests on (eligibility, scoring), for the whole
 * file and not only the page. The held view and retention are already applied.
 */
export interface AccountFact {
  id: string;
  kind: AccountKind;
  institutionId: string;
  status: AccountStatus;
  openedOn: string;
  closedOn: string | null;
  balance: string;
  originalAmount: string;
  paymentHistory: string;
  statusMonth: string;
  /** An open dispute of the record. */
  disputed: boolean;
  /** A dispute of the record ended UNVERIFIABLE (the objection stays attached). */
  unverifiable: boolean;
}

/** Where a page of accounts ends: the order is rank (open adverse, open, closed), opened_on desc, id. */
export interface PageKey {
  rank: number;
  openedOn: string;
  id: string;
}

export interface ProfileRow {
  inquiry_id: string | null;
  allowed: boolean;
  borrower: BorrowerView | null;
  accounts: AccountView[] | null;
  next_key: string | null;
  facts: AccountFact[] | null;
  inquiry_facts: InquiryFact[] | null;
  summary: { accounts: number; openAccounts: number; totalBalance: string; worstRank: number | null; disputedAccounts: number };
  inquiries: InquiryView[] | null;
  inquiry_counts: { hard: number; soft: number };
  statements: StatementView[] | null;
}

export interface ProfileRead {
  borrowerId: string;
  now: Date;
  /** The current business month, as year * 12 + month - 1. */
  currentMonth: number;
  /** Adverse accounts that closed on or before this date are past retention. */
  retentionCutoff: string;
  inquiryWindowStart: Date;
  inquiryHistoryStart: Date;
  audit: { requestId: string; userId: string; role: string; institutionId: string | null; borrowerActorId: string | null };
  /** Institution read: consent check and inquiry insert folded into the same statement. Absent: the borrower's own access. */
  institutionRead?: {
    institutionId: string;
    purpose: ConsentPurpose;
    /** Post-loan / post-insurance management: only while the institution holds an open account of the borrower. */
    needsOpenAccount: boolean;
  };
  page: { limit: number; after?: PageKey };
  /** Also return the slim facts of every visible account (a decision needs them; a GraphQL read does not). */
  withFacts: boolean;
  /**
   * The platform's own read (a re-quote after a correction): no consent and no inquiry (no
   * institution asked), the audit entry with this action. Absent: an institution's or the borrower's read.
   */
  internalRead?: { action: string };
}

/** Statuses from the most to the least severe; CURRENT before PAID where nothing was adverse. */
export const WORST_ORDER = (Object.keys(STATUS_SEVERITY) as AccountStatus[]).sort(
  (a, b) => STATUS_SEVERITY[a] - STATUS_SEVERITY[b] || Number(a === 'CURRENT') - Number(b === 'CURRENT'),
);

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
function inquiryEvent(p: ProfileRead, institutionId: SQL, purpose: SQL): SQL {
  const hard = sql`case when ${purpose} in (${list(HARD_INQUIRY_PURPOSES)}) then 'HARD' else 'SOFT' end`;
  return sql`ev as (
        insert into domain_events (type, occurred_at, request_id, aggregate_type, aggregate_id, borrower_id, actor_institution_id, payload)
        select 'credit.inquiry.made', ${p.now.toISOString()}::timestamptz, ${p.audit.requestId}::text, 'inquiry', ok.id::text,
               ${p.borrowerId}::uuid, ${institutionId},
               jsonb_build_object('inquiryId', ok.id, 'institutionId', ${institutionId}, 'purpose', ${purpose}, 'kind', ${hard})
        from ok
        returning 1
      )`;
}

function gate(p: ProfileRead): SQL {
  const now = p.now.toISOString();
  const inst = p.institutionRead;
  if (p.internalRead) {
    return sql`
      ok as (select null::uuid as id, null::uuid as consent_id where exists (select 1 from borrowers where id = ${p.borrowerId}::uuid)),
      aud as (
        insert into audit_log (at, request_id, actor_user_id, actor_role, action, target_type, target_id, borrower_id, detail)
        select ${now}::timestamptz, ${p.audit.requestId}::text, ${p.audit.userId}::text, ${p.audit.role}::text,
               ${p.internalRead.action}::text, 'borrower', ${p.borrowerId}::text, ${p.borrowerId}::uuid, '{}'::jsonb
        from ok
        returning 1
      )`;
  }
  if (!inst) {
    // the borrower's own access: a soft SELF_ACCESS inquiry and the audit entry, in this statement
    return sql`
      ok as (
        insert into inquiries (borrower_id, institution_id, user_id, purpose, consent_id, inquired_at)
        select ${p.borrowerId}::uuid, null, ${p.audit.userId}::text, 'SELF_ACCESS', null, ${now}::timestamptz
        where exists (select 1 from borrowers where id = ${p.borrowerId}::uuid)
        returning id
      ),
      aud as (
        insert into audit_log (at, request_id, actor_user_id, actor_role, actor_borrower_id, action, target_type, target_id, borrower_id, detail)
        select ${now}::timestamptz, ${p.audit.requestId}::text, ${p.audit.userId}::text, ${p.audit.role}::text, ${p.audit.borrowerActorId}::uuid,
               'credit.profile.read_own', 'borrower', ${p.borrowerId}::text, ${p.borrowerId}::uuid, jsonb_build_object('inquiryId', ok.id)
        from ok
        returning 1
      ),
      ${inquiryEvent(p, sql`null::text`, sql`'SELF_ACCESS'::text`)}`;
  }
  // "lasts as long as the loan": post-loan / post-insurance reads also need an open account of the reader's
  const holdsAccount = inst.needsOpenAccount
    ? sql`and ${openRelationshipSql(sql`${p.borrowerId}::uuid`, sql`${inst.institutionId}::text`)}`
    : sql``;
  return sql`
      c as (
        select id from consents
        where borrower_id = ${p.borrowerId}::uuid and institution_id = ${inst.institutionId}::text and purpose = ${inst.purpose}::text
          and revoked_at is null and granted_at <= ${now}::timestamptz and expires_at > ${now}::timestamptz ${holdsAccount}
        order by expires_at desc limit 1
      ),
      ok as (
        insert into inquiries (borrower_id, institution_id, user_id, purpose, consent_id, inquired_at)
        select ${p.borrowerId}::uuid, ${inst.institutionId}::text, ${p.audit.userId}::text, ${inst.purpose}::text, c.id, ${now}::timestamptz from c
        returning id, consent_id
      ),
      aud as (
        insert into audit_log (at, request_id, actor_user_id, actor_role, actor_institution_id, action, target_type, target_id, borrower_id, detail)
        select ${now}::timestamptz, ${p.audit.requestId}::text, ${p.audit.userId}::text, ${p.audit.role}::text, ${inst.institutionId}::text,
               'credit.profile.read', 'borrower', ${p.borrowerId}::text, ${p.borrowerId}::uuid,
               jsonb_build_object('purpose', ${inst.purpose}::text, 'consentId', ok.consent_id, 'inquiryId', ok.id)
        from ok
        returning 1
      ),
      ${inquiryEvent(p, sql`${inst.institutionId}::text`, sql`${inst.purpose}::text`)}`;
}

/**
 * The visible accounts as readers see them: the held view while a prior notice runs (a hidden one
 * not at all), not deleted, within retention; each with its page rank (0 open adverse, 1 open, 2 closed).
 */
function visibleAccounts(p: ProfileRead): SQL {
  const now = p.now.toISOString();
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
                  where borrower_id = ${p.borrowerId}::uuid and deleted_at is null) a
            where exists (select 1 from ok) and not (a.is_held and coalesce((a.held->>'hidden')::boolean, false))
          ) h
          where h.status not in (${list(NEGATIVE_STATUSES)}) or h.closed_on is null or h.closed_on > ${p.retentionCutoff}::date
        ) x
      ),
      od as (
        select account_id, id, status, filed_at, due_at from disputes
        where borrower_id = ${p.borrowerId}::uuid and account_id is not null and status = 'OPEN'
      ),
      uv as (
        select distinct on (account_id) account_id, id, reason, resolution_note, resolved_at from disputes
        where borrower_id = ${p.borrowerId}::uuid and account_id is not null and outcome = 'UNVERIFIABLE'
        order by account_id, resolved_at desc, id
      )`;
}

/**
 * The worst status of the file in the 24 months ending this month, as its place in WORST_ORDER
 * (1-based): each account's window of its payment history, all windows in one string, each code
 * looked for once, worst first.
 */
function worstRank(p: ProfileRead): SQL {
  const lag = sql`(${p.currentMonth}::int - (extract(year from v.status_month)::int * 12 + extract(month from v.status_month)::int - 1))`;
  const window = sql`substr(v.payment_history, greatest(-${lag}, 0) + 1, greatest(${HISTORY_MONTHS}::int - greatest(${lag}, 0), 0))`;
  const cases = sql.join(
    WORST_ORDER.map((s, i) => sql`when strpos(w.win, ${STATUS_CODE[s]}::text) > 0 then ${i + 1}::int`).reverse(),
    sql` `,
  );
  return sql`(select case ${cases} else null end from (select string_agg(${window}, '') as win from vis v) w)`;
}

function pageOf(p: ProfileRead): SQL {
  const a = p.page.after;
  const after = a
    ? sql`where (v.rank > ${a.rank}::int or (v.rank = ${a.rank}::int and (v.opened_on < ${a.openedOn}::date
            or (v.opened_on = ${a.openedOn}::date and v.id > ${a.id}::uuid))))`
    : sql``;
  // one more than the page: whether there is a next page
  return sql`
      pg0 as (select v.* from vis v ${after} order by v.rank, v.opened_on desc, v.id limit ${p.page.limit + 1}::int),
      pg as (select v.*, row_number() over (order by v.rank, v.opened_on desc, v.id) as rn from pg0 v)`;
}

/** Every visible account, slim, in no particular order (a decision reads the whole file). */
const factsOf = sql`(select json_agg(json_build_object(
          'id', v.id, 'kind', v.kind, 'institutionId', v.institution_id, 'status', v.status, 'openedOn', v.opened_on,
          'closedOn', v.closed_on, 'balance', v.balance::text, 'originalAmount', v.original_amount::text,
          'paymentHistory', v.payment_history, 'statusMonth', v.status_month,
          'disputed', od.id is not null, 'unverifiable', uv.id is not null))
        from vis v left join od on od.account_id = v.id left join uv on uv.account_id = v.id)`;

/** A hard inquiry as a decision weighs it. */
export interface InquiryFact {
  institutionId: string | null;
  purpose: InquiryPurpose;
  inquiredAt: string;
  disputed: boolean;
}

/**
 * Every hard inquiry since the inquiry window began, however many reads the file has had: the
 * score counts them, and the profile's list of inquiries is capped at 100 (soft ones included).
 */
const hardInquiryFactsOf = (p: ProfileRead) => sql`(select json_agg(json_build_object(
          'institutionId', q.institution_id, 'purpose', q.purpose, 'inquiredAt', ${iso(sql`q.inquired_at`)},
          'disputed', exists (select 1 from disputes d where d.inquiry_id = q.id and d.status = 'OPEN')))
        from inquiries q where q.borrower_id = ${p.borrowerId}::uuid and q.deleted_at is null
          and q.purpose in (${list(HARD_INQUIRY_PURPOSES)})
          and q.inquired_at >= ${p.inquiryWindowStart.toISOString()}::timestamptz and q.inquired_at <= ${p.now.toISOString()}::timestamptz
          and exists (select 1 from ok))`;

const statementJson = sql`json_build_object('id', s.id, 'recordId', s.account_id, 'publicRecordId', s.public_record_id, 'text', s.body,
          'createdAt', ${iso(sql`s.created_at`)}, 'withdrawnAt', ${iso(sql`s.withdrawn_at`)})`;

/** A special transaction (提前结清, 展期) as the SpecialTransaction type shows it. */
const specialJson = sql`json_build_object('kind', x.kind, 'occurredOn', x.occurred_on, 'amount', x.amount::text, 'months', x.months,
          'newMaturityOn', x.new_maturity_on, 'detail', x.detail)`;

const accountJson = (p: ProfileRead) => sql`json_build_object(
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
            from personal_statements s where s.borrower_id = ${p.borrowerId}::uuid and s.account_id = v.id and s.withdrawn_at is null), '[]'::json),
          'specialTransactions', coalesce((select json_agg(${specialJson} order by x.occurred_on, x.created_at, x.id)
            from credit_special_transactions x where x.account_id = v.id), '[]'::json))`;

/**
 * The whole profile in one statement: the consent check, the inquiry record and the audit entry it
 * owes (data-modifying CTEs), then the borrower, one page of accounts, the slim facts and the
 * summary of every visible account, the inquiries and the file's statements, as JSON. Without an
 * active consent nothing is written and nothing is read.
 */
export function profileStatement(p: ProfileRead): SQL {
  const now = p.now.toISOString();
  const showUser = p.institutionRead ? sql`null` : sql`q.user_id`;
  return sql`with ${gate(p)}, ${visibleAccounts(p)}, ${pageOf(p)}
    select
      (select id from ok) as inquiry_id,
      exists (select 1 from ok) as allowed,
      (select json_build_object(
          'id', b.id, 'name', b.name, 'category', b.category, 'county', b.county, 'sector', b.sector,
          'registeredOn', b.registered_on, 'nationalIdMasked', b.national_id_masked)
        from borrowers b where b.id = ${p.borrowerId}::uuid and exists (select 1 from ok)) as borrower,
      (select json_agg(${accountJson(p)} order by v.rn)
        from pg v join institutions i on i.id = v.institution_id
        left join od on od.account_id = v.id left join uv on uv.account_id = v.id
        where v.rn <= ${p.page.limit}::int) as accounts,
      (select concat_ws('|', v.rank, v.opened_on, v.id) from pg v
        where v.rn = ${p.page.limit}::int and exists (select 1 from pg where rn > ${p.page.limit}::int)) as next_key,
      ${p.withFacts ? factsOf : sql`null::json`} as facts,
      ${p.withFacts ? hardInquiryFactsOf(p) : sql`null::json`} as inquiry_facts,
      (select json_build_object('accounts', count(*), 'openAccounts', count(*) filter (where v.open),
          'totalBalance', coalesce(sum(v.balance) filter (where v.open), 0)::numeric(18,2)::text,
          'worstRank', ${worstRank(p)}, 'disputedAccounts', count(od.id))
        from vis v left join od on od.account_id = v.id) as summary,
      (select json_agg(json_build_object(
          'id', q.id, 'institution', case when i.id is null then null else json_build_object('id', i.id, 'kind', i.kind, 'name', i.name) end,
          'purpose', q.purpose, 'kind', case when q.purpose in (${list(HARD_INQUIRY_PURPOSES)}) then 'HARD' else 'SOFT' end,
          'inquiredAt', ${iso(sql`q.inquired_at`)}, 'userId', ${showUser},
          'disputed', exists (select 1 from disputes d where d.inquiry_id = q.id and d.status = 'OPEN')
        ) order by q.inquired_at desc, q.id)
        from (select * from inquiries where borrower_id = ${p.borrowerId}::uuid and deleted_at is null
              and inquired_at >= ${p.inquiryHistoryStart.toISOString()}::timestamptz and inquired_at <= ${now}::timestamptz
              and exists (select 1 from ok) order by inquired_at desc, id limit 100) q
        left join institutions i on i.id = q.institution_id) as inquiries,
      (select json_build_object('hard', count(*) filter (where purpose in (${list(HARD_INQUIRY_PURPOSES)})),
          'soft', count(*) filter (where purpose not in (${list(HARD_INQUIRY_PURPOSES)})))
        from inquiries where borrower_id = ${p.borrowerId}::uuid and deleted_at is null
          and inquired_at >= ${p.inquiryWindowStart.toISOString()}::timestamptz and inquired_at <= ${now}::timestamptz
          and exists (select 1 from ok)) as inquiry_counts,
      (select json_agg(${statementJson} order by s.created_at, s.id)
        from personal_statements s where s.borrower_id = ${p.borrowerId}::uuid and s.account_id is null
          and s.public_record_id is null and s.withdrawn_at is null and exists (select 1 from ok)) as statements`;
}

/** Prepared on its own; inside a caller's transaction when `tx` is given. */
export async function readProfile(db: Database, p: ProfileRead, tx?: Executor): Promise<ProfileRow | undefined> {
  const stmt = profileStatement(p);
  return (tx ? await rows<ProfileRow>(tx, stmt) : await db.prepared<ProfileRow>(stmt))[0];
}
