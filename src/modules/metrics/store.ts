import { sql } from 'drizzle-orm';
import { rows, type Executor } from '../../db/client.js';
import { DIMS, type Dim } from './suppression.js';

const COLUMN: Record<Dim, string> = {
  county: 'county',
  category: 'category',
  sector: 'sector',
  bank: 'bank_id',
  insurer: 'insurer_id',
  month: 'month',
};

/** Every 1- and 2-dimension group (and the total): what any filter and breakdown is read from. */
const GROUPING_SETS = (() => {
  const sets = ['()', ...DIMS.map((d) => `(${COLUMN[d]})`)];
  for (let i = 0; i < DIMS.length; i++) for (let j = i + 1; j < DIMS.length; j++) sets.push(`(${COLUMN[DIMS[i]]}, ${COLUMN[DIMS[j]]})`);
  return sets.join(', ');
})();

export interface GroupRow {
  g: Record<Dim, boolean>;
  v: Record<Dim, string | null>;
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

const yearFilter = (year?: number) =>
  year === undefined ? sql`true` : sql`month >= ${`${year}-01-01`}::date and month < ${`${year + 1}-01-01`}::date`;

/** One statement over the cube (a few thousand rows even at a million loans), never the loans. */
export async function groups(db: Executor, year?: number): Promise<GroupRow[]> {
  const present = sql.raw(DIMS.map((d) => `grouping(${COLUMN[d]}) = 0 as "p_${d}"`).join(', '));
  const values = sql.raw(DIMS.map((d) => (d === 'month' ? `to_char(month, 'YYYY-MM') as "v_month"` : `${COLUMN[d]} as "v_${d}"`)).join(', '));
  const raw = await rows<Record<string, any>>(
    db,
    sql`select ${present}, ${values},
      coalesce(sum(applications), 0)::int as applications, coalesce(sum(new_applicants), 0)::int as "newApplicants", coalesce(sum(approvals), 0)::int as approvals,
      coalesce(sum(declines), 0)::int as declines, coalesce(sum(loans), 0)::int as loans, coalesce(sum(borrowers_reached), 0)::int as "borrowersReached",
      coalesce(sum(disbursed), 0)::text as disbursed, coalesce(sum(interest_weighted), 0)::text as "interestWeighted",
      coalesce(sum(premium_rate_weighted), 0)::text as "premiumRateWeighted", coalesce(sum(cost_weighted), 0)::text as "costWeighted",
      coalesce(sum(outstanding), 0)::text as outstanding, coalesce(sum(defaults), 0)::int as defaults, coalesce(sum(defaulted_amount), 0)::text as "defaultedAmount",
      coalesce(sum(claims_paid), 0)::text as "claimsPaid", coalesce(sum(compensation_paid), 0)::text as "compensationPaid", coalesce(sum(recoveries), 0)::text as recoveries,
      coalesce(sum(recovered_insurer), 0)::text as "recoveredInsurer", coalesce(sum(premiums), 0)::text as premiums, coalesce(sum(subsidy), 0)::text as subsidy
    from metric_cells where ${yearFilter(year)}
    group by grouping sets (${sql.raw(GROUPING_SETS)})`,
  );
  return raw.map((r) => ({
    ...r,
    g: Object.fromEntries(DIMS.map((d) => [d, r[`p_${d}`] === true || r[`p_${d}`] === 't'])) as Record<Dim, boolean>,
    v: Object.fromEntries(DIMS.map((d) => [d, r[`v_${d}`]])) as Record<Dim, string | null>,
  })) as GroupRow[];
}

/** Government money committed: deposits into the two funds, in a year or ever. */
export async function governmentMoney(db: Executor, year?: number): Promise<string> {
  const [r] = await rows<{ total: string }>(
    db,
    sql`select coalesce(sum(e.amount), 0)::text as total
        from ledger_entries e join ledger_transactions t on t.id = e.transaction_id
        where t.kind = 'FUND_DEPOSIT' and e.account_id like 'FUND:%'
          and ${year === undefined ? sql`true` : sql`t.business_date >= ${`${year}-01-01`}::date and t.business_date < ${`${year + 1}-01-01`}::date`}`,
  );
  return r.total;
}
