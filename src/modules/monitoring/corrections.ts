/**
 * Corrections propagate (issue 12 §4). When a record of a borrower's file is corrected or deleted
 * (a dispute's outcome, or the furnisher's own correction), every institution that read the
 * borrower's file in the 12 months before it, while the record existed, gets an ORANGE
 * RECORD_CORRECTED alert naming the correction (basis READ_RECORD), and every open application
 * whose review predates it is re-quoted (./requotes.ts).
 *
 * The monitoring consumer calls `correctionAlerts` inside its batch transaction. The fan-out is one
 * INSERT … SELECT for the whole batch (no query per reader), and both writes are idempotent (the
 * alert's unique (institution, event, rule), the requote's (review, event)): a batch run again
 * after a crash adds nothing.
 */
import { sql } from 'drizzle-orm';
import type { Context } from '../../context.js';
import { rows, type Executor } from '../../db/client.js';
import type { domainEvents } from '../../db/schema/index.js';
import type { AccountStatus } from '../../domain.js';
import { STATUS_WORDS } from '../credit/rules.js';
import { KIND_NAMES } from './rules.js';
import { requoteOpenApplications } from './requotes.js';
import { uuidList } from './store.js';

/** What the consumer hands over: domain_events rows (the rest is read again by id, in the batch's transaction). */
export type CorrectionEvent = Pick<typeof domainEvents.$inferSelect, 'id' | 'type'>;

type RecordType = 'ACCOUNT' | 'PUBLIC_RECORD' | 'IDENTITY';

/** The events that correct or delete a record of the file: which record, which change. */
export const CORRECTION_EVENTS: Readonly<Record<string, { record: RecordType; change: 'CORRECTED' | 'DELETED' }>> = {
  'credit.account.corrected': { record: 'ACCOUNT', change: 'CORRECTED' },
  'credit.account.deleted': { record: 'ACCOUNT', change: 'DELETED' },
  'public_record.corrected': { record: 'PUBLIC_RECORD', change: 'CORRECTED' },
  'public_record.deleted': { record: 'PUBLIC_RECORD', change: 'DELETED' },
  'borrower.identity.corrected': { record: 'IDENTITY', change: 'CORRECTED' },
};

/**
 * Events that change what a decision reads: the corrections, and a deleted inquiry (it no longer
 * counts in the score). An inquiry's deletion alerts nobody: the only institution that read it as
 * its own is the one that answered the dispute.
 */
export const REQUOTE_EVENTS: ReadonlySet<string> = new Set([...Object.keys(CORRECTION_EVENTS), 'credit.inquiry.deleted']);

export const RECORD_CORRECTED = { rule: 'RECORD_CORRECTED', severity: 'ORANGE', basis: 'READ_RECORD' } as const;

/** How far back a read makes an institution one to tell. */
export const READ_LOOKBACK = '12 months';

interface EventFacts {
  id: string;
  type: string;
  borrower_id: string;
  record_id: string | null;
  actor_institution_id: string | null;
  payload: Record<string, unknown>;
  occurred_at: string;
  account_ref: string | null;
  account_kind: string | null;
  account_furnisher: string | null;
  account_created_at: string | null;
  held_until: string | null;
  case_number: string | null;
  record_kind: string | null;
  authority_id: string | null;
  record_created_at: string | null;
}

/** One correction, ready to fan out: who changed it, since when it existed, what to say. */
interface Spec {
  event_id: string;
  event_type: string;
  borrower_id: string;
  occurred_at: string;
  actor: string | null;
  furnisher: string | null;
  existed_from: string | null;
  visible_from: string;
  message: string;
  detail: Record<string, unknown>;
}

const FIELD_WORDS: Record<string, string> = { name: '名称', category: '类别', county: '所在县', sector: '行业', registeredOn: '登记日期' };
const status = (s: unknown) => (typeof s === 'string' ? (STATUS_WORDS[s as AccountStatus] ?? s) : '未报送');
const ym = (month: unknown) => String(month).slice(0, 7);

type Side = { status?: string; balance?: string; endedOn?: string | null };
type MonthChange = { month: string; from: string | null; to: string | null };

/** Plain Chinese naming the correction, the detail without any personal identifier (refs, statuses, amounts, dates). */
export function describe(f: EventFacts): Pick<Spec, 'message' | 'detail'> {
  const { record, change } = CORRECTION_EVENTS[f.type];
  const p = f.payload;
  const disputeId = typeof p.disputeId === 'string' ? p.disputeId : null;
  const source = disputeId ? 'DISPUTE' : 'FURNISHER';
  const by = disputeId ? '（借款人异议处理结果）' : '（报送机构更正）';
  const lead = '贵机构近 12 个月内查询过该借款人的信用报告，';
  const tail = '请复核依据原记录作出的决定。';
  const base = { recordType: record, change, source, disputeId, correctedAt: f.occurred_at };
  if (record === 'ACCOUNT') {
    const what = `${KIND_NAMES[f.account_kind ?? ''] ?? ''}账户 ${f.account_ref}`;
    const detail = { ...base, recordId: f.record_id, accountRef: f.account_ref, kind: f.account_kind, furnisherId: f.account_furnisher };
    if (change === 'DELETED') return { message: `${lead}其中的${what}已被删除${by}。${tail}`, detail };
    const from = (p.from ?? {}) as Side;
    const to = (p.to ?? {}) as Side;
    const months = (p.months ?? []) as MonthChange[];
    const parts: string[] = [];
    if (from.status !== to.status) parts.push(`状态由“${status(from.status)}”改为“${status(to.status)}”`);
    if (from.balance !== to.balance) parts.push(`余额由 ${from.balance} 元改为 ${to.balance} 元`);
    for (const m of months) parts.push(`${ym(m.month)} 的还款状态由“${status(m.from)}”改为“${status(m.to)}”`);
    return { message: `${lead}其中的${what}已更正${by}：${parts.join('；')}。${tail}`, detail: { ...detail, from, to, months } };
  }
  if (record === 'PUBLIC_RECORD') {
    const what = `公共记录 ${f.case_number}`;
    const detail = { ...base, recordId: f.record_id, caseNumber: f.case_number, kind: f.record_kind, furnisherId: f.authority_id };
    if (change === 'DELETED') return { message: `${lead}其中的${what}已被删除${by}。${tail}`, detail };
    const from = (p.from ?? {}) as Side;
    const to = (p.to ?? {}) as Side;
    const ended = to.endedOn ? `，终结日期 ${to.endedOn}` : '';
    return {
      message: `${lead}其中的${what}已更正${by}：状态由 ${from.status} 改为 ${to.status}${ended}。${tail}`,
      detail: { ...detail, from, to },
    };
  }
  // identity: which fields changed, never their values (a name is not the watcher's to learn this way)
  const fields = Object.keys((p.to ?? {}) as Record<string, unknown>);
  return {
    message: `${lead}其身份信息（${fields.map((k) => FIELD_WORDS[k] ?? k).join('、')}）已更正${by}。${tail}`,
    detail: { ...base, fields },
  };
}

async function eventFacts(tx: Executor, ids: readonly string[]): Promise<EventFacts[]> {
  return rows<EventFacts>(
    tx,
    sql`select e.id, e.type, e.borrower_id, e.aggregate_id as record_id, e.actor_institution_id, e.payload, to_json(e.occurred_at) #>> '{}' as occurred_at,
          a.account_ref, a.kind as account_kind, a.institution_id as account_furnisher,
          to_json(a.created_at) #>> '{}' as account_created_at, to_json(a.held_until) #>> '{}' as held_until,
          p.case_number, p.kind as record_kind, p.authority_id, to_json(p.created_at) #>> '{}' as record_created_at
        from domain_events e
        left join credit_accounts a on e.type like 'credit.account.%' and a.id::text = e.aggregate_id
        left join public_records p on e.type like 'public_record.%' and p.id::text = e.aggregate_id
        where e.id in (${uuidList(ids)}) and e.borrower_id is not null
        order by e.seq`,
  );
}

function specOf(f: EventFacts): Spec {
  const { message, detail } = describe(f);
  // an adverse month a correction introduced is held by prior notice: the alert waits as readers do
  const held = f.held_until && f.held_until > f.occurred_at ? f.held_until : null;
  return {
    event_id: f.id,
    event_type: f.type,
    borrower_id: f.borrower_id,
    occurred_at: f.occurred_at,
    actor: f.actor_institution_id,
    furnisher: f.account_furnisher ?? f.authority_id,
    existed_from: f.account_created_at ?? f.record_created_at,
    visible_from: held ?? f.occurred_at,
    message,
    detail,
  };
}

/**
 * The alerts for a batch, set-wise: every (correction, institution) pair where the institution
 * read the borrower's file (an inquiry, not deleted) in the 12 months up to the correction and not
 * before the record existed; never the institution that made the change or furnished the record.
 * Thresholds come from the parameter version in force at the event. Returns the alerts written.
 */
async function insertAlerts(tx: Executor, ctx: Pick<Context, 'now'>, specs: Spec[]): Promise<number> {
  if (!specs.length) return 0;
  const written = await rows<{ id: string }>(
    tx,
    sql`with s as (
          select * from jsonb_to_recordset(${JSON.stringify(specs)}::jsonb) as s(
            event_id uuid, event_type text, borrower_id uuid, occurred_at timestamptz, actor text, furnisher text,
            existed_from timestamptz, visible_from timestamptz, message text, detail jsonb)
        ),
        r as (
          select s.event_id, q.institution_id, max(q.inquired_at) as last_read_at
          from s join inquiries q on q.borrower_id = s.borrower_id
          where q.institution_id is not null and q.deleted_at is null
            and q.inquired_at <= s.occurred_at and q.inquired_at > s.occurred_at - ${READ_LOOKBACK}::interval
            and (s.existed_from is null or q.inquired_at >= s.existed_from)
            and q.institution_id is distinct from s.actor and q.institution_id is distinct from s.furnisher
          group by s.event_id, q.institution_id
        )
        insert into alerts (institution_id, borrower_id, event_id, event_type, rule, severity, basis, message, detail,
                            parameter_version, created_at, visible_from)
        select r.institution_id, s.borrower_id, s.event_id, s.event_type, ${RECORD_CORRECTED.rule}, ${RECORD_CORRECTED.severity},
               ${RECORD_CORRECTED.basis}, s.message, s.detail || jsonb_build_object('lastReadAt', r.last_read_at),
               pv.version, ${ctx.now.toISOString()}::timestamptz, s.visible_from
        from r join s on s.event_id = r.event_id
        cross join lateral (select version from programme_parameters where effective_from <= s.occurred_at
                            order by effective_from desc, version desc limit 1) pv
        on conflict (institution_id, event_id, rule) do nothing
        returning id`,
  );
  return written.length;
}

/**
 * The consumer's hook for a batch of domain events (any types: the others are ignored): the
 * RECORD_CORRECTED alerts and the re-quotes of open applications. Counts what it wrote.
 */
export async function correctionAlerts(
  tx: Executor,
  ctx: Context,
  events: readonly CorrectionEvent[],
): Promise<{ alerts: number; requotes: number }> {
  const corrections = events.filter((e) => e.type in CORRECTION_EVENTS).map((e) => e.id);
  const facts = corrections.length ? await eventFacts(tx, corrections) : [];
  const alerts = await insertAlerts(tx, ctx, facts.map(specOf));
  const requotes = await requoteOpenApplications(
    tx,
    ctx,
    events.filter((e) => REQUOTE_EVENTS.has(e.type)).map((e) => e.id),
  );
  return { alerts, requotes };
}
