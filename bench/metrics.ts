import postgres from 'postgres';
import { signDevToken } from '../src/auth/tokens.js';
import { openDatabase } from '../src/db/client.js';
import { DEMO_INSTITUTIONS } from '../src/demo/generate.js';
import { COUNTIES } from '../src/demo/places.js';
import { rebuildCube } from '../src/modules/metrics/cube.js';
import { BENCH_PEPPER, BENCH_SECRET, benchDatabase, markDataset, startProcess, stopProcess, waitForHealth } from './common.js';

const MARKER = (loans: number) => `metrics-groups:${loans}`;

/**
 * A million programme loans, generated inside PostgreSQL (deterministic: attributes come from
 * hashtext of the row number), with their applications, policies, claims and the two fund
 * deposits; then the cube is rebuilt from them. Reused while the marker matches.
 */
export async function ensureMetricsDataset(serverUrl: string, dbName: string, loans: number, fresh: boolean): Promise<string> {
  const { url, reused } = await benchDatabase(serverUrl, dbName, MARKER(loans), fresh);
  if (reused) return url;
  const started = Date.now();
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  const borrowers = Math.ceil(loans / 4);
  const counties = COUNTIES.map((c) => c.name);
  const banks = DEMO_INSTITUTIONS.filter((i) => i.kind === 'BANK').map((i) => i.id);
  const insurers = DEMO_INSTITUTIONS.filter((i) => i.kind === 'INSURER').map((i) => i.id);
  const h = (salt: string) => `abs(hashtext(g::text || '${salt}'))`;
  await sql.begin(async (tx) => {
    await tx.unsafe(`set local session_replication_role = replica`);
    for (const i of DEMO_INSTITUTIONS)
      await tx`insert into institutions (id, kind, name, created_at) values (${i.id}, ${i.kind}, ${i.name}, now())`;
    await tx.unsafe(`
      insert into borrowers (id, name, category, national_id_hash, national_id_masked, county, sector, registered_on, created_at)
      select md5('b' || g)::uuid, 'bench-' || g,
        (array['STARTUP_MICRO_ENTERPRISE','RURAL_HOUSEHOLD','INDIVIDUAL_ENTREPRENEUR'])[1 + ${h('c')} % 3],
        md5('${BENCH_PEPPER}' || g), '1307**********' || lpad((g % 10000)::text, 4, '0'),
        (array[${counties.map((c) => `'${c}'`).join(',')}])[1 + ${h('k')} % ${counties.length}],
        (array['breeding','planting','pre-school education','retail','tourism','catering','logistics','handicrafts'])[1 + ${h('s')} % 8],
        date '2023-01-01' + (${h('r')} % 1000), now()
      from generate_series(1, ${borrowers}) g`);
    await tx.unsafe(`
      insert into applications (id, borrower_id, bank_id, insurer_id, amount, term_years, interest_rate, repayment_method, loan_purpose,
                                status, submitted_by_role, submitted_by, submitted_at, decided_at, updated_at)
      select md5('a' || g)::uuid, md5('b' || (1 + g % ${borrowers}))::uuid,
        (array[${banks.map((b) => `'${b}'`).join(',')}])[1 + ${h('bk')} % ${banks.length}],
        (array[${insurers.map((b) => `'${b}'`).join(',')}])[1 + ${h('in')} % ${insurers.length}],
        (10 + ${h('amt')} % 190) * 1000, 1, 0.05655, 'INTEREST_ONLY_BULLET', 'bench',
        case when g <= ${loans} then 'DISBURSED' else 'DECLINED' end, 'BORROWER', 'bench',
        timestamptz '2024-01-01 00:00+08' + ((${h('t')} % 1050) || ' days')::interval, now(), now()
      from generate_series(1, ${Math.round(loans * 1.05)}) g`);
    await tx.unsafe(`
      insert into policies (id, policy_number, application_id, insurer_id, bank_id, borrower_id, insured_amount, term_years, premium_rate,
                            premium_amount, borrower_premium, subsidy_amount, subsidy_paid, grade, parameter_version, status, issued_at, updated_at)
      select md5('p' || a.id)::uuid, 'PL-B' || row_number() over (), a.id, a.insurer_id, a.bank_id, a.borrower_id, a.amount, 1, 0.023,
        round(a.amount * 0.023, 2), round(a.amount * 0.023, 2) - round(a.amount * 0.013, 2), round(a.amount * 0.013, 2), round(a.amount * 0.013, 2),
        'C', 1, 'ACTIVE', a.submitted_at + interval '3 days', now()
      from applications a where a.status = 'DISBURSED'`);
    await tx.unsafe(`
      insert into loans (id, loan_number, application_id, policy_id, bank_id, insurer_id, borrower_id, principal, interest_rate, term_years,
                         repayment_method, disbursed_on, maturity_on, outstanding_principal, days_past_due, delinquency, status, parameter_version,
                         defaulted_on, closed_on, updated_at)
      select md5('l' || a.id)::uuid, 'LN-B' || row_number() over (), a.id, md5('p' || a.id)::uuid, a.bank_id, a.insurer_id, a.borrower_id,
        a.amount, 0.05655, 1, 'INTEREST_ONLY_BULLET', (a.submitted_at + interval '5 days')::date, (a.submitted_at + interval '5 days 1 year')::date,
        case when abs(hashtext(a.id::text)) % 3 = 0 then 0 else a.amount end, 0, 'CURRENT',
        case when abs(hashtext(a.id::text || 'd')) % 33 = 0 then 'CLAIMED' when abs(hashtext(a.id::text)) % 3 = 0 then 'REPAID' else 'ACTIVE' end, 1,
        case when abs(hashtext(a.id::text || 'd')) % 33 = 0 then (a.submitted_at + interval '200 days')::date end,
        case when abs(hashtext(a.id::text)) % 3 = 0 then (a.submitted_at + interval '5 days 1 year')::date end, now()
      from applications a where a.status = 'DISBURSED'`);
    await tx.unsafe(`
      insert into claims (id, loan_id, policy_id, bank_id, insurer_id, borrower_id, status, outstanding_principal, insurer_share, insurer_amount,
                          bank_amount, parameter_version, filed_at, filed_by, paid_at, compensation_owed, compensation_paid, compensation_shortfall, updated_at)
      select md5('c' || l.id)::uuid, l.id, l.policy_id, l.bank_id, l.insurer_id, l.borrower_id, 'COMPENSATED', l.principal, 0.8,
        round(l.principal * 0.8, 2), l.principal - round(l.principal * 0.8, 2), 1, now(), 'bench', now(),
        round(l.principal * 0.4, 2), round(l.principal * 0.4, 2), 0, now()
      from loans l where l.status = 'CLAIMED'`);
    for (const [fund, amount] of [
      ['FUND:PREMIUM_SUBSIDY', '50000000.00'],
      ['FUND:RISK_COMPENSATION', '50000000.00'],
    ]) {
      const [t] =
        await tx`insert into ledger_transactions (kind, business_date, at, memo, created_by) values ('FUND_DEPOSIT', '2024-01-01', now(), 'bench', 'bench') returning id`;
      await tx`insert into ledger_entries (transaction_id, account_id, amount) values (${t.id}, ${fund}, ${amount}), (${t.id}, 'BUDGET:GOVERNMENT', ${'-' + amount})`;
      await tx`update ledger_accounts set balance = balance + ${amount}::numeric where id = ${fund}`;
    }
  });
  const d2 = await openDatabase({ url, poolSize: 1 });
  await d2.orm.transaction((tx) => rebuildCube(tx));
  await d2.close();
  await sql`analyze`;
  await markDataset(url, MARKER(loans));
  const [{ n }] = await sql`select count(*)::int as n from loans`;
  const [{ cells }] = await sql`select count(*)::int as cells from metric_groups`;
  await sql.end();
  console.log(
    `  dataset: ${n.toLocaleString('en-US')} loans, ${cells.toLocaleString('en-US')} metric group rows, generated in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  return url;
}

/**
 * What programmeMetrics would cost without kept aggregates: the same groups (the total, each
 * dimension and each pair) straight from the base tables, in one GROUPING SETS scan.
 */
export const NAIVE_SCAN = `
  with app as (
    select a.*, date_trunc('month', (a.submitted_at at time zone 'UTC') + interval '8 hours')::date as month,
           row_number() over (partition by a.borrower_id order by a.submitted_at, a.id) = 1 as first_application
    from applications a
  )
  select b.county, b.category, b.sector, app.bank_id, app.insurer_id, app.month,
    count(*) as applications, count(*) filter (where app.first_application) as new_applicants,
    count(*) filter (where app.status in ('APPROVED', 'POLICY_ISSUED', 'DISBURSED')) as approvals,
    count(*) filter (where app.status = 'DECLINED') as declines,
    count(l.id) as loans, coalesce(sum(l.principal), 0) as disbursed,
    coalesce(sum(l.interest_rate * l.principal), 0) as interest_weighted,
    coalesce(sum(p.premium_rate * l.principal), 0) as premium_rate_weighted,
    coalesce(sum(l.outstanding_principal) filter (where l.status in ('ACTIVE', 'DEFAULTED')), 0) as outstanding,
    count(l.id) filter (where l.defaulted_on is not null) as defaults,
    coalesce(sum(c.insurer_amount), 0) as claims_paid, coalesce(sum(c.compensation_paid), 0) as compensation_paid,
    coalesce(sum(p.premium_amount), 0) as premiums, coalesce(sum(p.subsidy_amount), 0) as subsidy
  from app join borrowers b on b.id = app.borrower_id
  left join policies p on p.application_id = app.id
  left join loans l on l.application_id = app.id
  left join claims c on c.loan_id = l.id
  group by grouping sets ((), (b.county), (b.category), (b.sector), (app.bank_id), (app.insurer_id), (app.month),
    (b.county, b.category), (b.county, b.sector), (b.county, app.bank_id), (b.county, app.insurer_id), (b.county, app.month),
    (b.category, b.sector), (b.category, app.bank_id), (b.category, app.insurer_id), (b.category, app.month),
    (b.sector, app.bank_id), (b.sector, app.insurer_id), (b.sector, app.month),
    (app.bank_id, app.insurer_id), (app.bank_id, app.month), (app.insurer_id, app.month))`;

const DASHBOARD_QUERY = `query($f: MetricsFilter) { programmeMetrics(filter: $f) {
  leverage { creditDisbursed governmentMoney ratio }
  funds { premiumSubsidyFund riskCompensationFund subsidyOwed compensationShortfall riskReserves { insurer { id } balance } }
  totals { ...C } monthly { ...C } byCounty { ...C } byCategory { ...C } bySector { ...C }
  leagueTable { rank institution { id name } cell { ...C } } } }
fragment C on MetricCell { key label suppressed applications approvals approvalRate loans disbursed outstanding borrowersReached
  averageInterestRate averagePremiumRate averageFinancingCost savingsVsGuaranteeCompany defaults defaultedAmount defaultRate
  claimsPaid compensationPaid recoveries premiums premiumSubsidy lossRatio }`;

const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];

export async function benchMetrics(opts: { dbUrl: string; port: number; runs: number }) {
  const child = startProcess(['--import', 'tsx', 'src/main.ts'], {
    DATABASE_URL: opts.dbUrl,
    NODE_ENV: 'production',
    PORT: String(opts.port),
    HOST: '127.0.0.1',
    DEMO_DATA: 'off',
    LOG_LEVEL: 'warn',
    JWT_SECRET: BENCH_SECRET,
    NATIONAL_ID_PEPPER: BENCH_PEPPER,
    RATE_LIMIT_ACTOR_PER_MINUTE: '0',
    RATE_LIMIT_IP_PER_MINUTE: '0',
  });
  const api: number[] = [];
  const naive: number[] = [];
  let answer: any;
  try {
    await waitForHealth(opts.port, child);
    const token = await signDevToken(
      { mode: 'hs256', secret: BENCH_SECRET, isDevSecret: false },
      { sub: 'bench-gov', role: 'GOVERNMENT', inst: 'zjk-finance-bureau' },
    );
    const ask = async (f: object | null) => {
      const t0 = performance.now();
      const r = await fetch(`http://127.0.0.1:${opts.port}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: DASHBOARD_QUERY, variables: { f } }),
      });
      const body = await r.json();
      if (body.errors) throw new Error(JSON.stringify(body.errors));
      return { ms: performance.now() - t0, body };
    };
    for (let i = 0; i < 3; i++) await ask(null); // warm-up
    const filters = [null, { year: 2025 }, { category: 'RURAL_HOUSEHOLD' }, { county: '蔚县' }, null];
    for (let i = 0; i < opts.runs; i++) {
      const r = await ask(filters[i % filters.length]);
      api.push(r.ms);
      if (i === 0) answer = r.body.data.programmeMetrics;
    }
  } finally {
    await stopProcess(child);
  }
  const sql = postgres(opts.dbUrl, { max: 1, onnotice: () => {} });
  try {
    await sql.unsafe(NAIVE_SCAN); // warm
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      await sql.unsafe(NAIVE_SCAN);
      naive.push(performance.now() - t0);
    }
  } finally {
    await sql.end();
  }
  return {
    api: { p50: percentile(api, 50), p99: percentile(api, 99), runs: api.length },
    naive: { p50: percentile(naive, 50), runs: naive.length },
    answer,
  };
}
