/**
 * Borrower notices the monitoring consumer gives, set-wise from a batch of domain events:
 *
 * - INQUIRY: every inquiry on the file by an institution, hard or soft (not the borrower's own access);
 * - RECORD_CORRECTED: a furnisher's own correction of a record (a dispute's correction is told
 *   by its DISPUTE_RESOLVED notice);
 * - CONSENT_EXPIRING: once per consent, consentExpiryNoticeDays before it expires. The scheduled
 *   run first appends a `consent.expiring` event for each consent entering that window
 *   (once per consent), and the consumer turns it into the notice.
 *
 * A batch commits with the consumer's cursor, so a batch that is run again was never committed;
 * still, each insert skips a notice already given for the same event (nothing twice).
 */
import { sql } from 'drizzle-orm';
import { rows, type Executor } from '../../db/client.js';
import { DEFAULT_THRESHOLDS, INQUIRY_KIND_NAMES, KIND_NAMES, NOTICE_MESSAGES, PURPOSE_NAMES, STATUS_NAMES } from './rules.js';
import { businessDateSql, fillSql, wordsSql } from './store.js';

export const CONSENT_EXPIRING_EVENT = 'consent.expiring';

const range = (from: number, to: number) => sql`e.seq > ${from}::bigint and e.seq <= ${to}::bigint`;

/** Give the batch's notices; returns how many. */
export async function giveNotices(tx: Executor, now: Date, from: number, to: number): Promise<number> {
  const at = sql`${now.toISOString()}::timestamptz`;
  const inquiry = await rows<{ id: string }>(
    tx,
    sql`insert into notices (borrower_id, kind, institution_id, message, notified_at, effective_at)
      select e.borrower_id, 'INQUIRY', e.actor_institution_id,
             ${fillSql(NOTICE_MESSAGES.INQUIRY, {
               institution: sql`i.name`,
               date: businessDateSql(sql`e.occurred_at`),
               purpose: wordsSql(PURPOSE_NAMES, sql`e.payload->>'purpose'`),
               inquiryKind: wordsSql(INQUIRY_KIND_NAMES, sql`e.payload->>'kind'`),
             })},
             ${at}, e.occurred_at
      from domain_events e join institutions i on i.id = e.actor_institution_id
      where ${range(from, to)} and e.type = 'credit.inquiry.made' and e.borrower_id is not null
        and not exists (select 1 from notices n where n.borrower_id = e.borrower_id and n.kind = 'INQUIRY'
          and n.institution_id = e.actor_institution_id and n.effective_at = e.occurred_at)
      returning id`,
  );
  const corrected = await rows<{ id: string }>(
    tx,
    sql`insert into notices (borrower_id, kind, account_id, institution_id, status, balance, message, notified_at, effective_at)
      select a.borrower_id, 'RECORD_CORRECTED', a.id, a.institution_id, e.payload->'to'->>'status', (e.payload->'to'->>'balance')::numeric,
             ${fillSql(NOTICE_MESSAGES.RECORD_CORRECTED, {
               institution: sql`i.name`,
               kind: wordsSql(KIND_NAMES, sql`a.kind`),
               accountRef: sql`a.account_ref`,
               from: wordsSql(STATUS_NAMES, sql`e.payload->'from'->>'status'`),
               to: wordsSql(STATUS_NAMES, sql`e.payload->'to'->>'status'`),
             })},
             ${at}, e.occurred_at
      from domain_events e join credit_accounts a on a.id::text = e.aggregate_id join institutions i on i.id = a.institution_id
      where ${range(from, to)} and e.type = 'credit.account.corrected' and e.payload->'disputeId' is null
        and not exists (select 1 from notices n where n.account_id = a.id and n.kind = 'RECORD_CORRECTED' and n.effective_at = e.occurred_at)
      returning id`,
  );
  const expiring = await rows<{ id: string }>(
    tx,
    sql`insert into notices (borrower_id, kind, institution_id, message, notified_at, effective_at)
      select x.borrower_id, 'CONSENT_EXPIRING', x.institution_id, x.message, ${at}, x.expires_at
      from (
        select c.borrower_id, c.institution_id, c.expires_at,
               ${fillSql(NOTICE_MESSAGES.CONSENT_EXPIRING, {
                 institution: sql`i.name`,
                 purpose: wordsSql(PURPOSE_NAMES, sql`c.purpose`),
                 date: businessDateSql(sql`c.expires_at`),
               })} as message
        from domain_events e join consents c on c.id::text = e.aggregate_id join institutions i on i.id = c.institution_id
        where ${range(from, to)} and e.type = ${CONSENT_EXPIRING_EVENT}::text and c.revoked_at is null
      ) x
      where not exists (select 1 from notices n where n.borrower_id = x.borrower_id and n.kind = 'CONSENT_EXPIRING'
        and n.institution_id = x.institution_id and n.effective_at = x.expires_at and n.message = x.message)
      returning id`,
  );
  return inquiry.length + corrected.length + expiring.length;
}

/**
 * Append a `consent.expiring` event for each unrevoked consent that expires within
 * consentExpiryNoticeDays of `now` (the parameter version in force now) and ran longer than that
 * window (a short consent's holder knows it is short), once per consent. Returns how many.
 */
export async function markExpiringConsents(tx: Executor, ctx: { now: Date; requestId: string }): Promise<number> {
  const now = sql`${ctx.now.toISOString()}::timestamptz`;
  const days = sql.raw(`coalesce((pv.m->>'consentExpiryNoticeDays')::int, ${DEFAULT_THRESHOLDS.consentExpiryNoticeDays})`);
  const added = await rows<{ seq: number }>(
    tx,
    sql`with pv as (
        select document->'monitoring' as m from programme_parameters
        where effective_from <= ${now} order by effective_from desc, version desc limit 1
      )
      insert into domain_events (type, occurred_at, request_id, aggregate_type, aggregate_id, borrower_id, actor_institution_id, payload)
      select ${CONSENT_EXPIRING_EVENT}::text, ${now}, ${ctx.requestId}::text, 'consent', c.id::text, c.borrower_id, null,
             jsonb_build_object('consentId', c.id, 'institutionId', c.institution_id, 'purpose', c.purpose, 'expiresAt', c.expires_at)
      from consents c left join pv on true
      where c.revoked_at is null and c.expires_at > ${now} and c.expires_at <= ${now} + make_interval(days => ${days})
        and c.expires_at - c.granted_at > make_interval(days => ${days})
        and not exists (select 1 from domain_events d where d.borrower_id = c.borrower_id and d.type = ${CONSENT_EXPIRING_EVENT}::text
          and d.aggregate_id = c.id::text)
      order by c.expires_at, c.id
      returning seq`,
  );
  return added.length;
}
