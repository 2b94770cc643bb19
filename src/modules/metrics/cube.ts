import { Decimal } from 'decimal.js';
import { sql } from 'drizzle-orm';
import type { Executor } from '../../db/client.js';

/** The cube's additive measures (column names). */
export const MEASURES = [
  'applications',
  'new_applicants',
  'approvals',
  'declines',
  'loans',
  'borrowers_reached',
  'disbursed',
  'interest_weighted',
  'premium_rate_weighted',
  'cost_weighted',
  'outstanding',
  'defaults',
  'defaulted_amount',
  'claims_paid',
  'compensation_paid',
  'recoveries',
  'recovered_insurer',
  'premiums',
  'subsidy',
] as const;
export type Measure = (typeof MEASURES)[number];
export type Deltas = Partial<Record<Measure, string | number>>;

/** The cohort month of an application, on the China business calendar. */
export const cohortMonth = (submittedAt: ReturnType<typeof sql>) =>
  sql`date_trunc('month', (${submittedAt} at time zone 'UTC') + interval '8 hours')::date`;

/**
 * Add `deltas` to the cell of the application's cohort, inside the caller's transaction:
 * one statement, whatever the event.
 */
export async function bump(tx: Executor, applicationId: string, deltas: Deltas) {
  const cols = (Object.keys(deltas) as Measure[]).filter((m) => MEASURES.includes(m) && Number(deltas[m]) !== 0);
  if (cols.length === 0) return;
  const names = sql.raw(cols.join(', '));
  const values = sql.join(cols.map((c) => sql`${String(deltas[c])}::numeric`), sql`, `);
  const updates = sql.raw(cols.map((c) => `${c} = metric_cells.${c} + excluded.${c}`).join(', '));
  await tx.execute(sql`
    insert into metric_cells (month, county, category, sector, bank_id, insurer_id, ${names})
    select ${cohortMonth(sql`a.submitted_at`)}, b.county, b.category, b.sector, a.bank_id, a.insurer_id, ${values}
    from applications a join borrowers b on b.id = a.borrower_id
    where a.id = ${applicationId}::uuid
    on conflict (month, county, category, sector, bank_id, insurer_id) do update set ${updates}`);
}

/**
 * Rebuild the cube from the base tables: what the incremental updates must always equal
 * (tests compare the two), and how bulk-loaded demo and benchmark data get their cube.
 */
export async function rebuildCube(tx: Executor) {
  await tx.execute(sql`delete from metric_cells`);
  await tx.execute(sql`
    with app as (
      select a.*, ${cohortMonth(sql`a.submitted_at`)} as month,
             row_number() over (partition by a.borrower_id order by a.submitted_at, a.id) = 1 as first_application
      from applications a
    ),
    loan as (
      select l.*, p.premium_rate, p.borrower_premium, p.premium_amount as policy_premium,
             row_number() over (partition by l.borrower_id order by l.disbursed_on, l.id) = 1 as first_loan,
             c.status as claim_status, c.insurer_amount, c.compensation_paid, c.recovered_insurer,
             c.recovered_bank + c.recovered_insurer + c.recovered_fund as recovered
      from loans l join policies p on p.id = l.policy_id left join claims c on c.loan_id = l.id
    )
    insert into metric_cells
    select app.month, b.county, b.category, b.sector, app.bank_id, app.insurer_id,
      count(*)::int,
      count(*) filter (where app.first_application)::int,
      count(*) filter (where app.status in ('APPROVED', 'POLICY_ISSUED', 'DISBURSED'))::int,
      count(*) filter (where app.status = 'DECLINED')::int,
      count(loan.id)::int,
      count(loan.id) filter (where loan.first_loan)::int,
      coalesce(sum(loan.principal), 0),
      coalesce(sum(round(loan.interest_rate * loan.principal, 2)), 0),
      coalesce(sum(round(loan.premium_rate * loan.principal, 2)), 0),
      coalesce(sum(round(loan.interest_rate * loan.principal, 2) + round(loan.borrower_premium / loan.term_years, 2)), 0),
      coalesce(sum(loan.outstanding_principal) filter (where loan.status in ('ACTIVE', 'DEFAULTED')), 0),
      count(loan.id) filter (where loan.defaulted_on is not null)::int,
      coalesce(sum(loan.outstanding_principal) filter (where loan.defaulted_on is not null), 0),
      coalesce(sum(loan.insurer_amount) filter (where loan.claim_status in ('PAID', 'COMPENSATED')), 0),
      coalesce(sum(loan.compensation_paid), 0),
      coalesce(sum(loan.recovered), 0),
      coalesce(sum(loan.recovered_insurer), 0),
      coalesce(sum(p.premium_amount), 0),
      coalesce(sum(p.subsidy_amount), 0)
    from app
    join borrowers b on b.id = app.borrower_id
    left join policies p on p.application_id = app.id
    left join loan on loan.application_id = app.id
    group by 1, 2, 3, 4, 5, 6`);
}

/**
 * The weighted sums a disbursement adds, rounded exactly as the rebuild rounds them: the
 * amount-weighted averages are Σ(rate × amount) ÷ Σ amount, the financing cost's weight being
 * rate × amount + the borrower's premium a year.
 */
export function disbursementWeights(a: { principal: string; interestRate: string; premiumRate: string; borrowerPremium: string; termYears: number }) {
  const P = new Decimal(a.principal);
  const interest = P.mul(a.interestRate).toDecimalPlaces(2, Decimal.ROUND_HALF_UP);
  return {
    interest_weighted: interest.toFixed(2),
    premium_rate_weighted: P.mul(a.premiumRate).toDecimalPlaces(2, Decimal.ROUND_HALF_UP).toFixed(2),
    cost_weighted: interest.plus(new Decimal(a.borrowerPremium).div(a.termYears).toDecimalPlaces(2, Decimal.ROUND_HALF_UP)).toFixed(2),
  };
}
