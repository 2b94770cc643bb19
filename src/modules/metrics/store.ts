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

const yuan = (col: string) => sql.raw(`(coalesce(sum(${col}), 0) / 100.0)::numeric(18, 2)::text`);

/** Every group of a scope ('ALL' or a cohort year), its shards summed: a lookup, never a scan of the loans. */
export async function groups(db: Executor, scope: string): Promise<GroupRow[]> {
  return rows<GroupRow>(
    db,
    sql`select key,
      coalesce(sum(applications), 0)::int as applications, coalesce(sum(new_applicants), 0)::int as "newApplicants",
      coalesce(sum(approvals), 0)::int as approvals, coalesce(sum(declines), 0)::int as declines,
      coalesce(sum(loans), 0)::int as loans, coalesce(sum(borrowers_reached), 0)::int as "borrowersReached",
      ${yuan('disbursed')} as disbursed, ${yuan('interest_weighted')} as "interestWeighted",
      ${yuan('premium_rate_weighted')} as "premiumRateWeighted", ${yuan('cost_weighted')} as "costWeighted",
      ${yuan('outstanding')} as outstanding, coalesce(sum(defaults), 0)::int as defaults, ${yuan('defaulted_amount')} as "defaultedAmount",
      ${yuan('claims_paid')} as "claimsPaid", ${yuan('compensation_paid')} as "compensationPaid", ${yuan('recoveries')} as recoveries,
      ${yuan('recovered_insurer')} as "recoveredInsurer", ${yuan('premiums')} as premiums, ${yuan('subsidy')} as subsidy
    from metric_groups where scope = ${scope}
    group by key`,
  );
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
