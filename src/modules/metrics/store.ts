import { sql } from 'drizzle-orm';
import { rows, type Executor } from '../../db/client.js';

export interface GroupRow {
  key: string;
  applications: number;
  newApplicants: number;
  approvals: number;
  declines: number;
  loans: number;
  borrowersReached: number;
  disbursed: string;
  interestWeighted: string;
  premiumRateWeighted: string;
  costWeighted: string;
  outstanding: string;
  defaults: number;
  defaultedAmount: string;
  claimsPaid: string;
  compensationPaid: string;
  recoveries: string;
  recoveredInsurer: string;
  premiums: string;
  subsidy: string;
}

/** A group of one scope, its shards summed. */
export type ScopedGroupRow = GroupRow & { scope: string };

/** Fen (a bigint sum as text) to yuan with two decimals, exactly: string arithmetic, no rounding. */
export function yuanOf(fen: string): string {
  const neg = fen.startsWith('-');
  const digits = (neg ? fen.slice(1) : fen).padStart(3, '0');
  return `${neg ? '-' : ''}${digits.slice(0, -2)}.${digits.slice(-2)}`;
}

const AMOUNT_FIELDS = [
  ['disbursed', 'disbursed'],
  ['interest_weighted', 'interestWeighted'],
  ['premium_rate_weighted', 'premiumRateWeighted'],
  ['cost_weighted', 'costWeighted'],
  ['outstanding', 'outstanding'],
  ['defaulted_amount', 'defaultedAmount'],
  ['claims_paid', 'claimsPaid'],
  ['compensation_paid', 'compensationPaid'],
  ['recoveries', 'recoveries'],
  ['recovered_insurer', 'recoveredInsurer'],
  ['premiums', 'premiums'],
  ['subsidy', 'subsidy'],
] as const;
const COUNT_FIELDS = [
  ['applications', 'applications'],
  ['new_applicants', 'newApplicants'],
  ['approvals', 'approvals'],
  ['declines', 'declines'],
  ['loans', 'loans'],
  ['borrowers_reached', 'borrowersReached'],
  ['defaults', 'defaults'],
] as const;

const SUMS = sql.raw(
  [
    ...COUNT_FIELDS.map(([c, f]) => `sum(${c})::int as "${f}"`),
    // fen as integer text; yuanOf formats it (no numeric division per cell in SQL)
    ...AMOUNT_FIELDS.map(([c, f]) => `sum(${c})::text as "${f}"`),
  ].join(', '),
);

/** The aggregates' version: the revisions of the programme total's shards, summed (every update moves it). */
const VERSION = sql`(select coalesce(sum(revision), 0)::bigint from metric_groups where scope = 'ALL' and key = '')`;

/** The kept aggregates' version, read per request: at most one row per shard, by primary key. */
export async function version(db: Executor): Promise<number> {
  const [r] = await rows<{ v: string }>(db, sql`select ${VERSION}::text as v`);
  return Number(r.v);
}

/**
 * Every group of the given scopes ('ALL' and/or a cohort year), its shards summed, and the
 * version they are at: one statement over the primary key's range (one snapshot for both), never
 * a scan of the loans.
 */
export async function groups(db: Executor, scopes: string[]): Promise<{ version: number; rows: ScopedGroupRow[] }> {
  const list = sql.join(
    scopes.map((x) => sql`${x}`),
    sql`, `,
  );
  // the version is an uncorrelated subquery: evaluated once, in the statement's snapshot
  const out = await rows<ScopedGroupRow & { v?: string }>(
    db,
    sql`select scope, key, ${SUMS}, ${VERSION}::text as v from metric_groups where scope in (${list}) group by scope, key`,
  );
  // no row of any scope: no group exists, not even the programme total, whose shards carry the version
  const v = out.length ? Number(out[0].v) : 0;
  for (const r of out) {
    delete r.v;
    for (const [, f] of AMOUNT_FIELDS) r[f] = yuanOf(r[f]);
  }
  return { version: v, rows: out };
}

export interface FundsPaidIn {
  premiumSubsidy: string;
  riskCompensation: string;
  /** The first deposit's business date; null before any. */
  firstDeposit: string | null;
}

/** Government money paid into each fund up to and including a business date, and the first deposit's date (ever). */
export async function fundsPaidIn(db: Executor, through: string): Promise<FundsPaidIn> {
  const [r] = await rows<FundsPaidIn>(
    db,
    sql`select
          coalesce(sum(e.amount) filter (where e.account_id = 'FUND:PREMIUM_SUBSIDY' and t.business_date <= ${through}::date), 0)::numeric(18, 2)::text as "premiumSubsidy",
          coalesce(sum(e.amount) filter (where e.account_id = 'FUND:RISK_COMPENSATION' and t.business_date <= ${through}::date), 0)::numeric(18, 2)::text as "riskCompensation",
          min(t.business_date)::text as "firstDeposit"
        from ledger_entries e join ledger_transactions t on t.id = e.transaction_id
        where t.kind = 'FUND_DEPOSIT' and e.account_id like 'FUND:%'`,
  );
  return r;
}
