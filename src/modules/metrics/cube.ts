import { Decimal } from 'decimal.js';
import { sql } from 'drizzle-orm';
import { rows, type Executor } from '../../db/client.js';
import { DIMS } from './suppression.js';

/** The additive measures (column names); money ones are kept in fen. */
export const COUNTS = ['applications', 'new_applicants', 'approvals', 'declines', 'loans', 'borrowers_reached', 'defaults'] as const;
export const AMOUNTS = [
  'disbursed',
  'interest_weighted',
  'premium_rate_weighted',
  'cost_weighted',
  'outstanding',
  'defaulted_amount',
  'claims_paid',
  'compensation_paid',
  'recoveries',
  'recovered_insurer',
  'premiums',
  'subsidy',
] as const;
export type Measure = (typeof COUNTS)[number] | (typeof AMOUNTS)[number];
export type Deltas = Partial<Record<Measure, string | number>>;

/** Shards per group: concurrent events rarely wait on the same row. */
export const SHARDS = 8;

/** The cohort month of an application, on the China business calendar. */
export const cohortMonth = (submittedAt: ReturnType<typeof sql>) =>
  sql`date_trunc('month', (${submittedAt} at time zone 'UTC') + interval '8 hours')::date`;

const DIM_SQL: Record<(typeof DIMS)[number], string> = {
  county: `'county=' || d.county`,
  category: `'category=' || d.category`,
  sector: `'sector=' || d.sector`,
  bank: `'bank=' || d.bank_id`,
  insurer: `'insurer=' || d.insurer_id`,
  month: `'month=' || to_char(d.month, 'YYYY-MM')`,
};

/** The total, each dimension and each pair, keyed as suppression.ts keys them (dimension order). */
const GROUP_KEY_LIST = (() => {
  const keys = [`''`, ...DIMS.map((x) => DIM_SQL[x])];
  for (let i = 0; i < DIMS.length; i++)
    for (let j = i + 1; j < DIMS.length; j++) keys.push(`${DIM_SQL[DIMS[i]]} || '|' || ${DIM_SQL[DIMS[j]]}`);
  return keys.map((k) => `(${k})`).join(', ');
})();
const GROUP_KEYS = sql.raw(GROUP_KEY_LIST);

const toStored = (m: Measure, v: string | number) =>
  (AMOUNTS as readonly string[]).includes(m) ? new Decimal(v).mul(100).toFixed(0) : String(v);

/** What one domain event adds to the kept aggregates: the application whose groups move, and by how much. */
export interface MetricChange {
  applicationId: string;
  deltas: Deltas;
}

/** The measures that move (zeros left out), as an event carries them: amounts in yuan (strings), counts as numbers. */
export function nonZero(deltas: Deltas): Deltas {
  const out: Deltas = {};
  for (const m of Object.keys(deltas) as Measure[]) {
    const v = deltas[m];
    if (v === undefined || new Decimal(v).isZero()) continue;
    out[m] = (AMOUNTS as readonly string[]).includes(m) ? new Decimal(v).toFixed(2) : Number(v);
  }
  return out;
}

/** Two sets of deltas added measure by measure (e.g. the policy years one command charges). */
export function addDeltas(a: Deltas, b: Deltas): Deltas {
  const out: Deltas = { ...a };
  for (const m of Object.keys(b) as Measure[]) {
    const sum = new Decimal(out[m] ?? 0).plus(b[m] ?? 0);
    out[m] = (AMOUNTS as readonly string[]).includes(m) ? sum.toFixed(2) : sum.toNumber();
  }
  return out;
}

/**
 * The metrics projector: the kept aggregates follow the domain events. appendEvents (events/store.ts)
 * calls it with the changes it appends, in the same transaction, so no figure moves without its
 * event and no event is written without its figures. The changes of one application are added
 * together first: one statement per application the transaction touched, in the order first met.
 */
export async function projectMetrics(tx: Executor, changes: readonly { metrics?: MetricChange | null }[]) {
  const byApplication = new Map<string, Deltas>();
  for (const c of changes) {
    if (!c.metrics) continue;
    const { applicationId, deltas } = c.metrics;
    byApplication.set(applicationId, addDeltas(byApplication.get(applicationId) ?? {}, deltas));
  }
  for (const [applicationId, deltas] of byApplication) await bump(tx, applicationId, deltas);
}

/**
 * Add `deltas` to every group the application belongs to (all years and its cohort year),
 * inside the caller's transaction: one statement, whatever the event. Only the projector calls it.
 */
async function bump(tx: Executor, applicationId: string, deltas: Deltas) {
  const cols = (Object.keys(deltas) as Measure[]).filter((m) => Number(deltas[m]) !== 0);
  if (cols.length === 0) return;
  const names = sql.raw(cols.join(', '));
  const values = sql.join(
    cols.map((c) => sql`${toStored(c, deltas[c]!)}::bigint`),
    sql`, `,
  );
  // every row it touches counts one more revision: the programme total's shards carry the version (store.ts)
  const updates = sql.raw(
    [...cols.map((c) => `${c} = metric_groups.${c} + excluded.${c}`), 'revision = metric_groups.revision + 1'].join(', '),
  );
  await tx.execute(sql`
    with d as (
      select ${cohortMonth(sql`a.submitted_at`)} as month, b.county, b.category, b.sector, a.bank_id, a.insurer_id,
             abs(hashtext(a.id::text)) % ${SHARDS} as shard
      from applications a join borrowers b on b.id = a.borrower_id where a.id = ${applicationId}::uuid
    )
    insert into metric_groups (scope, key, shard, ${names}, revision)
    select s.scope, k.key, d.shard, ${values}, 1
    from d
    cross join lateral (values ('ALL'), ('Y' || to_char(d.month, 'YYYY'))) as s(scope)
    cross join lateral (values ${GROUP_KEYS}) as k(key)
    on conflict (scope, key, shard) do update set ${updates}`);
}

/** The rebuild's columns of each dimension (REBUILT_KEY builds the same keys as GROUP_KEY_LIST, from GROUPING SETS). */
const REBUILT_COL: Record<(typeof DIMS)[number], [string, string]> = {
  county: ['x.county', 'x.county'],
  category: ['x.category', 'x.category'],
  sector: ['x.sector', 'x.sector'],
  bank: ['x.bank_id', 'x.bank_id'],
  insurer: ['x.insurer_id', 'x.insurer_id'],
  month: ['x.month', `to_char(x.month, 'YYYY-MM')`],
};
/** The total, each dimension and each pair, as grouping sets. */
const REBUILT_SETS = [
  '()',
  ...DIMS.map((x) => `(${REBUILT_COL[x][0]})`),
  ...DIMS.flatMap((x, i) => DIMS.slice(i + 1).map((y) => `(${REBUILT_COL[x][0]}, ${REBUILT_COL[y][0]})`)),
].join(', ');
/** A grouping set's key, dimensions in suppression.ts's order: 'county=蔚县|month=2025-03', '' for the total. */
const REBUILT_KEY = `concat_ws('|', ${DIMS.map((x) => `case when grouping(${REBUILT_COL[x][0]}) = 0 then '${x}=' || ${REBUILT_COL[x][1]} end`).join(', ')})`;

/**
 * Recompute every group from the base tables: what the incremental updates must always equal
 * (tests compare the two), how bulk-loaded demo and benchmark data get their metrics, and, in
 * `npm run bench`, the naive scan the metrics are compared with.
 */
export const BASE_GROUPS = sql.raw(`
  with app as (
    select a.*, date_trunc('month', (a.submitted_at at time zone 'UTC') + interval '8 hours')::date as month,
           row_number() over (partition by a.borrower_id order by a.submitted_at, a.id) = 1 as first_application,
           abs(hashtext(a.id::text)) % ${SHARDS} as shard
    from applications a
  ),
  loan as (
    select l.*, p.premium_rate, p.borrower_premium, p.annualised_cost,
           row_number() over (partition by l.borrower_id order by l.disbursed_on, l.id) = 1 as first_loan,
           c.status as claim_status, c.insurer_amount, c.compensation_paid, c.recovered_insurer,
           c.recovered_bank + c.recovered_insurer + c.recovered_fund as recovered
    from loans l join policies p on p.id = l.policy_id left join claims c on c.loan_id = l.id
  ),
  d as (
    select app.month, app.shard, b.county, b.category, b.sector, app.bank_id, app.insurer_id,
      1 as applications, app.first_application::int as new_applicants,
      (app.status in ('APPROVED', 'POLICY_ISSUED', 'DISBURSED'))::int as approvals, (app.status = 'DECLINED')::int as declines,
      (loan.id is not null)::int as loans, coalesce(loan.first_loan, false)::int as borrowers_reached,
      (coalesce(loan.principal, 0) * 100)::bigint as disbursed,
      (coalesce(round(loan.interest_rate * loan.principal, 2), 0) * 100)::bigint as interest_weighted,
      (coalesce(round(loan.premium_rate * loan.principal, 2), 0) * 100)::bigint as premium_rate_weighted,
      (coalesce(round(loan.annualised_cost * loan.principal, 2),
               round(loan.interest_rate * loan.principal, 2) + round(loan.borrower_premium / loan.term_years, 2), 0) * 100)::bigint as cost_weighted,
      (case when loan.status in ('ACTIVE', 'DEFAULTED') then loan.outstanding_principal else 0 end * 100)::bigint as outstanding,
      (loan.defaulted_on is not null)::int as defaults,
      (case when loan.defaulted_on is not null then loan.outstanding_principal else 0 end * 100)::bigint as defaulted_amount,
      (case when loan.claim_status in ('PAID', 'COMPENSATED') then loan.insurer_amount else 0 end * 100)::bigint as claims_paid,
      (coalesce(loan.compensation_paid, 0) * 100)::bigint as compensation_paid,
      (coalesce(loan.recovered, 0) * 100)::bigint as recoveries,
      (coalesce(loan.recovered_insurer, 0) * 100)::bigint as recovered_insurer,
      (coalesce(p.premium_amount, 0) * 100)::bigint as premiums,
      (coalesce(p.subsidy_amount, 0) * 100)::bigint as subsidy
    from app join borrowers b on b.id = app.borrower_id
    left join policies p on p.application_id = app.id
    left join loan on loan.application_id = app.id
  ),
  x as (select d.*, to_char(d.month, 'YYYY') as year from d)
  select case when grouping(x.year) = 0 then 'Y' || x.year else 'ALL' end as scope, ${REBUILT_KEY} as key, x.shard,
    sum(applications)::int as applications, sum(new_applicants)::int as new_applicants, sum(approvals)::int as approvals,
    sum(declines)::int as declines, sum(loans)::int as loans, sum(borrowers_reached)::int as borrowers_reached,
    sum(disbursed)::bigint as disbursed, sum(interest_weighted)::bigint as interest_weighted,
    sum(premium_rate_weighted)::bigint as premium_rate_weighted, sum(cost_weighted)::bigint as cost_weighted,
    sum(outstanding)::bigint as outstanding, sum(defaults)::int as defaults, sum(defaulted_amount)::bigint as defaulted_amount,
    sum(claims_paid)::bigint as claims_paid, sum(compensation_paid)::bigint as compensation_paid, sum(recoveries)::bigint as recoveries,
    sum(recovered_insurer)::bigint as recovered_insurer, sum(premiums)::bigint as premiums, sum(subsidy)::bigint as subsidy
  from x
  group by x.shard, grouping sets ((x.year), ()), grouping sets (${REBUILT_SETS})`);

/** Whether the server knows the `jit` setting (PostgreSQL does; an embedded build may not). */
async function hasJit(tx: Executor) {
  const r = await rows<{ n: number }>(tx, sql`select count(*)::int as n from pg_settings where name = 'jit'`);
  return r[0].n > 0;
}

export async function rebuildCube(tx: Executor) {
  const [{ v }] = await rows<{ v: string }>(
    tx,
    sql`select coalesce(sum(revision), 0)::text as v from metric_groups where scope = 'ALL' and key = ''`,
  );
  // one pass over every application: compiling it (PostgreSQL's JIT, seconds of CPU for 44 grouping sets) costs more than it saves
  if (await hasJit(tx)) await tx.execute(sql`set local jit = off`);
  await tx.execute(sql`delete from metric_groups`);
  await tx.execute(sql`insert into metric_groups (scope, key, shard, applications, new_applicants, approvals, declines, loans, borrowers_reached,
    disbursed, interest_weighted, premium_rate_weighted, cost_weighted, outstanding, defaults, defaulted_amount, claims_paid,
    compensation_paid, recoveries, recovered_insurer, premiums, subsidy) ${BASE_GROUPS}`);
  // the version moves past every earlier one, never back to a number a reader may have cached
  await tx.execute(sql`update metric_groups set revision = ${v}::bigint + 1
    where scope = 'ALL' and key = '' and shard = (select min(shard) from metric_groups where scope = 'ALL' and key = '')`);
}

/**
 * The weighted sums a disbursement adds, rounded exactly as the rebuild rounds them: the
 * amount-weighted averages are Σ(rate × amount) ÷ Σ amount, the financing cost's weight being
 * the loan's annualised all-in cost (IRR, policies.annualised_cost as stored at disbursement) ×
 * amount. (A policy issued before the annualised cost was stored has none: the rebuild then keeps
 * the weight it was given then, rate × amount + the borrower's premium a year.)
 */
export function disbursementWeights(a: { principal: string; interestRate: string; premiumRate: string; annualisedCost: string }) {
  const P = new Decimal(a.principal);
  const fen = (rate: string) => P.mul(rate).toDecimalPlaces(2, Decimal.ROUND_HALF_UP).toFixed(2);
  return {
    interest_weighted: fen(a.interestRate),
    premium_rate_weighted: fen(a.premiumRate),
    cost_weighted: fen(a.annualisedCost),
  };
}
