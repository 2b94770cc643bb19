import { sql as sql2 } from 'drizzle-orm';
import postgres from 'postgres';
import { signDevToken } from '../src/auth/tokens.js';
import { openDatabase } from '../src/db/client.js';
import { DEMO_INSTITUTIONS } from '../src/demo/generate.js';
import { COUNTIES } from '../src/demo/places.js';
import { rebuildCube } from '../src/modules/metrics/cube.js';

import { cpus, loadavg } from 'node:os';
import {
  BENCH_PEPPER,
  BENCH_SECRET,
  BENCH_SERVER_ENV,
  benchDatabase,
  markDataset,
  startProcess,
  stopProcess,
  timedQuery,
  percentile,
  verdict,
  waitForHealth,
} from './common.js';

const MARKER = (loans: number) => `metrics-groups-v2:${loans}`;

export interface MetricsDataset {
  loans: number;
  url: string;
  reused: boolean;
  /** Generation, when not reused: seconds in all and per step. */
  seconds: number;
  steps: [string, number][];
  groupRows: number;
}

/** The database of one dataset size (cs_bench_metrics_1m, …). */
export const metricsDbName = (loans: number) =>
  `cs_bench_metrics_${loans % 1_000_000 === 0 ? `${loans / 1_000_000}m` : loans % 1000 === 0 ? `${loans / 1000}k` : loans}`;

/** The dataset's url (what the scaling section uses). */
export async function ensureMetricsDataset(serverUrl: string, dbName: string, loans: number, fresh: boolean): Promise<string> {
  return (await metricsDataset(serverUrl, dbName, loans, fresh)).url;
}

/**
 * N programme loans, generated inside PostgreSQL, one `insert … select` over generate_series
 * per table (deterministic: attributes come from hashtext of the row number), so linear in N:
 * their applications (5% more, declined), policies (1 in 40 still owed its subsidy by the
 * fund), claims (1 in 33 loans, a third of them with compensation cut short) and the two fund
 * deposits; then the kept groups are rebuilt from them (rebuildCube, one pass). What the funds
 * owe is kept by migration 0012's triggers as the rows go in (they fire in a bulk load too) and
 * checked against a scan here. Reused while the marker matches.
 */
export async function metricsDataset(serverUrl: string, dbName: string, loans: number, fresh: boolean): Promise<MetricsDataset> {
  const { url, reused } = await benchDatabase(serverUrl, dbName, MARKER(loans), fresh);
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  const steps: [string, number][] = [];
  const started = Date.now();
  let lap = started;
  const step = (name: string) => {
    const now = Date.now();
    steps.push([name, (now - lap) / 1000]);
    lap = now;
  };
  try {
    if (!reused) {
      await generate(sql, url, loans, step);
      await markDataset(url, MARKER(loans));
    }
    const [kept] = await sql`select
        (select owed::text from ledger_accounts where id = 'FUND:PREMIUM_SUBSIDY') as subsidy,
        (select owed::text from ledger_accounts where id = 'FUND:RISK_COMPENSATION') as shortfall`;
    const [scan] = await sql`select (select sum(subsidy_amount - subsidy_paid)::numeric(18, 2)::text from policies) as subsidy,
        (select sum(compensation_shortfall)::numeric(18, 2)::text from claims) as shortfall`;
    if (kept.subsidy !== scan.subsidy || kept.shortfall !== scan.shortfall)
      throw new Error(`kept arrears ${JSON.stringify(kept)} differ from the scan ${JSON.stringify(scan)}`);
    const [{ cells }] = await sql`select count(*)::int as cells from metric_groups`;
    return { loans, url, reused, seconds: reused ? 0 : (Date.now() - started) / 1000, steps, groupRows: cells };
  } finally {
    await sql.end();
  }
}

async function generate(sql: postgres.Sql, url: string, loans: number, step: (name: string) => void) {
  const borrowers = Math.ceil(loans / 4);
  const counties = COUNTIES.map((c) => c.name);
  const banks = DEMO_INSTITUTIONS.filter((i) => i.kind === 'BANK').map((i) => i.id);
  const insurers = DEMO_INSTITUTIONS.filter((i) => i.kind === 'INSURER').map((i) => i.id);
  const h = (salt: string) => `abs(hashtext(g::text || '${salt}'))`;
  await sql.begin(async (tx) => {
    // foreign keys unchecked (the rows are consistent by construction); migration 0012's ALWAYS triggers still fire
    await tx.unsafe(`set local session_replication_role = replica`);
    await tx.unsafe(`set local work_mem = '256MB'`);
    await tx.unsafe(`set local maintenance_work_mem = '512MB'`);
    // the big tables' secondary indexes and unique constraints (none an FK depends on) come off during the load and are
    // built once at the end: a sorted build instead of N random inserts into each btree
    const tables = `('borrowers', 'applications', 'policies', 'loans')`;
    const uniques = await tx.unsafe<{ t: string; name: string; def: string }[]>(`
      select conrelid::regclass::text as t, conname as name, pg_get_constraintdef(oid) as def from pg_constraint c
      where contype = 'u' and conrelid::regclass::text in ${tables}
        and not exists (select 1 from pg_constraint f where f.contype = 'f' and f.conindid = c.conindid)`);
    const indexes = await tx.unsafe<{ name: string; def: string }[]>(`
      select indexrelid::regclass::text as name, pg_get_indexdef(indexrelid) as def from pg_index i
      where indrelid::regclass::text in ${tables} and not exists (select 1 from pg_constraint c where c.conindid = i.indexrelid)`);
    for (const u of uniques) await tx.unsafe(`alter table ${u.t} drop constraint ${u.name}`);
    for (const i of indexes) await tx.unsafe(`drop index ${i.name}`);
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
    step('borrowers');
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
    step('applications');
    // a policy and its loan per disbursed application g (ids from g, as the application's): no join back to applications
    const app = (salt: string) => `abs(hashtext(md5('a' || g)::uuid::text${salt ? ` || '${salt}'` : ''}))`;
    const cols = `md5('a' || g)::uuid as app_id, md5('b' || (1 + g % ${borrowers}))::uuid as borrower_id,
        (array[${banks.map((b) => `'${b}'`).join(',')}])[1 + ${h('bk')} % ${banks.length}] as bank_id,
        (array[${insurers.map((b) => `'${b}'`).join(',')}])[1 + ${h('in')} % ${insurers.length}] as insurer_id,
        ((10 + ${h('amt')} % 190) * 1000)::numeric as amount,
        timestamptz '2024-01-01 00:00+08' + ((${h('t')} % 1050) || ' days')::interval as submitted_at,
        ${app('')} % 3 = 0 as repaid, ${app('d')} % 33 = 0 as claimed, g`;
    await tx.unsafe(`
      insert into policies (id, policy_number, application_id, insurer_id, bank_id, borrower_id, insured_amount, term_years, premium_rate,
                            premium_amount, borrower_premium, subsidy_amount, subsidy_paid, grade, parameter_version, status, issued_at, updated_at)
      select md5('p' || a.app_id)::uuid, 'PL-B' || a.g, a.app_id, a.insurer_id, a.bank_id, a.borrower_id, a.amount, 1, 0.023,
        round(a.amount * 0.023, 2), round(a.amount * 0.023, 2) - round(a.amount * 0.013, 2), round(a.amount * 0.013, 2),
        case when a.g % 40 = 0 then 0 else round(a.amount * 0.013, 2) end,
        'C', 1, 'ACTIVE', a.submitted_at + interval '3 days', now()
      from (select ${cols} from generate_series(1, ${loans}) g) a`);
    step('policies');
    await tx.unsafe(`
      insert into loans (id, loan_number, application_id, policy_id, bank_id, insurer_id, borrower_id, principal, interest_rate, term_years,
                         repayment_method, disbursed_on, maturity_on, outstanding_principal, days_past_due, delinquency, status, parameter_version,
                         defaulted_on, closed_on, updated_at)
      select md5('l' || a.app_id)::uuid, 'LN-B' || a.g, a.app_id, md5('p' || a.app_id)::uuid, a.bank_id, a.insurer_id, a.borrower_id,
        a.amount, 0.05655, 1, 'INTEREST_ONLY_BULLET', (a.submitted_at + interval '5 days')::date, (a.submitted_at + interval '5 days 1 year')::date,
        case when a.repaid then 0 else a.amount end, 0, 'CURRENT',
        case when a.claimed then 'CLAIMED' when a.repaid then 'REPAID' else 'ACTIVE' end, 1,
        case when a.claimed then (a.submitted_at + interval '200 days')::date end,
        case when a.repaid then (a.submitted_at + interval '5 days 1 year')::date end, now()
      from (select ${cols} from generate_series(1, ${loans}) g) a`);
    step('loans');
    await tx.unsafe(`
      insert into claims (id, loan_id, policy_id, bank_id, insurer_id, borrower_id, status, outstanding_principal, insurer_share, insurer_amount,
                          bank_amount, parameter_version, filed_at, filed_by, paid_at, compensation_owed, compensation_paid, compensation_shortfall, updated_at)
      select md5('c' || l.id)::uuid, l.id, l.policy_id, l.bank_id, l.insurer_id, l.borrower_id, 'COMPENSATED', l.principal, 0.8,
        round(l.principal * 0.8, 2), l.principal - round(l.principal * 0.8, 2), 1, now(), 'bench', now(),
        round(l.principal * 0.4, 2), round(l.principal * 0.4, 2) - s.short, s.short, now()
      from loans l cross join lateral (select case when abs(hashtext(l.id::text || 's')) % 3 = 0 then round(l.principal * 0.1, 2) else 0 end as short) s
      where l.status = 'CLAIMED'`);
    step('claims');
    for (const u of uniques) await tx.unsafe(`alter table ${u.t} add constraint ${u.name} ${u.def}`);
    for (const i of indexes) await tx.unsafe(i.def);
    step('indexes');
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
  try {
    await d2.orm.transaction(async (tx) => {
      await tx.execute(sql2`set local work_mem = '256MB'`);
      await rebuildCube(tx);
    });
  } finally {
    await d2.close();
  }
  step('kept groups (rebuildCube)');
  await sql`analyze`;
  step('analyze');
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

export const DASHBOARD_QUERY = `query($f: MetricsFilter) { programmeMetrics(filter: $f) {
  leverage { creditDisbursed governmentMoney ratio }
  funds { premiumSubsidyFund riskCompensationFund subsidyOwed compensationShortfall riskReserves { insurer { id } balance } }
  totals { ...C } monthly { ...C } byCounty { ...C } byCategory { ...C } bySector { ...C }
  leagueTable { rank institution { id name } cell { ...C } } } }
fragment C on MetricCell { key label suppressed applications approvals approvalRate loans disbursed outstanding borrowersReached
  averageInterestRate averagePremiumRate averageFinancingCost savingsVsGuaranteeCompany defaults defaultedAmount defaultRate
  claimsPaid compensationPaid recoveries premiums premiumSubsidy lossRatio }`;

export interface MetricsPoint {
  loans: number;
  /** Requests at an unchanged version of the aggregates (the per-version view cached). */
  steady: { p50: number; p99: number; runs: number };
  /** The first request after the aggregates changed (a new version: groups read, suppression decided again). */
  changed: { p50: number; p99: number; runs: number };
  answer: any;
}

/**
 * programmeMetrics over HTTP against one server per dataset, interleaved: round after round,
 * each server answers a steady request (filters rotating: none, a year, a category, a county),
 * and every other round a request right after its aggregates' version moved (a revision bumped,
 * as every change to the kept groups does), which misses the per-version cache. Then the naive
 * scan (the same groups and the funds' arrears from the base tables) on `naiveOn`.
 */
export async function benchMetrics(opts: {
  sets: MetricsDataset[];
  port: number;
  runs: number;
  naiveOn?: MetricsDataset;
  naiveRuns: number;
}) {
  const servers = opts.sets.map((d, i) => ({
    d,
    port: opts.port + i,
    child: startProcess(['--import', 'tsx', 'src/main.ts'], { ...BENCH_SERVER_ENV, DATABASE_URL: d.url, PORT: String(opts.port + i) }),
    sql: postgres(d.url, { max: 1, onnotice: () => {} }),
    steady: [] as number[],
    changed: [] as number[],
    answer: undefined as any,
  }));
  const loadAverages: number[] = [];
  try {
    const token = await signDevToken(
      { mode: 'hs256', secret: BENCH_SECRET, isDevSecret: false },
      { sub: 'bench-gov', role: 'GOVERNMENT', inst: 'zjk-finance-bureau' },
    );
    const ask = (port: number, f: object | null) => timedQuery(port, token, DASHBOARD_QUERY, { f });
    const filters = [null, { year: 2025 }, { category: 'RURAL_HOUSEHOLD' }, { county: '蔚县' }, null];
    for (const s of servers) {
      await waitForHealth(s.port, s.child);
      for (const f of filters) await ask(s.port, f); // warm-up: every view built once
    }
    for (let i = 0; i < opts.runs; i++) {
      const f = filters[i % filters.length];
      for (let j = 0; j < servers.length; j++) {
        const s = servers[(i + j) % servers.length];
        const r = await ask(s.port, f);
        s.steady.push(r.ms);
        if (i === 0) s.answer = r.body.data.programmeMetrics;
        if (i % 2 === 0) {
          await s.sql`update metric_groups set revision = revision + 1
            where scope = 'ALL' and key = '' and shard = (select min(shard) from metric_groups where scope = 'ALL' and key = '')`;
          s.changed.push((await ask(s.port, f)).ms);
        }
      }
      if (i % 10 === 9) loadAverages.push(loadavg()[0]);
    }
  } finally {
    for (const s of servers) {
      await stopProcess(s.child);
      await s.sql.end();
    }
  }
  const naive: number[] = [];
  if (opts.naiveOn && opts.naiveRuns > 0) {
    const sql = postgres(opts.naiveOn.url, { max: 1, onnotice: () => {} });
    try {
      for (let i = 0; i < opts.naiveRuns; i++) {
        const t0 = performance.now();
        await sql.unsafe(NAIVE_SCAN);
        await sql.unsafe(NAIVE_ARREARS);
        naive.push(performance.now() - t0);
      }
    } finally {
      await sql.end();
    }
  }
  const stat = (xs: number[]) => ({ p50: percentile(xs, 50), p99: percentile(xs, 99), runs: xs.length });
  return {
    points: servers.map((s): MetricsPoint => ({ loans: s.d.loans, steady: stat(s.steady), changed: stat(s.changed), answer: s.answer })),
    naive: naive.length ? { loans: opts.naiveOn!.loans, ...stat(naive) } : null,
    loadAverages,
  };
}

/** What fundBalances used to do on every read: sum what the funds owe over every policy and claim. */
export const NAIVE_ARREARS = `select (select coalesce(sum(subsidy_amount - subsidy_paid), 0) from policies) as subsidy,
  (select coalesce(sum(compensation_shortfall), 0) from claims) as shortfall`;

/**
 * The metrics section of `npm run bench`: one dataset per size (generated set-wise or reused),
 * the interleaved measurement, the naive scan at `naiveAt` loans, and the verdicts. Sizes above
 * `maxDefault` loans are generated only when asked (`--metrics-sizes`), the output says so.
 */
export async function runMetricsSection(o: {
  serverUrl: string;
  sizes: number[];
  naiveAt: number;
  port: number;
  runs: number;
  naiveRuns: number;
  fresh: boolean;
  fmt: (n: number, d?: number) => string;
}) {
  const { fmt } = o;
  const sectionStart = Date.now();
  const sets: MetricsDataset[] = [];
  for (const n of o.sizes) {
    const d = await metricsDataset(o.serverUrl, metricsDbName(n), n, o.fresh);
    sets.push(d);
    console.log(
      `  data: ${fmt(n)} loans (${metricsDbName(n)}), ${fmt(d.groupRows)} kept group rows: ${
        d.reused
          ? 'reused (--fresh regenerates)'
          : `generated in ${d.seconds.toFixed(1)} s = ${((d.seconds * 100_000) / n).toFixed(2)} s per 100k loans (${d.steps.map(([s, t]) => `${s} ${t.toFixed(1)}`).join(', ')}), load average ${loadavg()[0].toFixed(1)}`
      }`,
    );
  }
  const naiveOn = sets.find((d) => d.loans === o.naiveAt);
  const m = await benchMetrics({ sets, port: o.port, runs: o.runs, naiveOn, naiveRuns: o.naiveRuns });
  console.log(
    `  load: one server per dataset (NODE_ENV=production), ${o.runs} rounds; each round asks every server in turn (order rotating) for the full dashboard query, every other round once more right after its aggregates' version moved; load average ${m.loadAverages.map((l) => l.toFixed(1)).join(', ')} (every 10 rounds, on ${cpus().length} CPUs shared by servers, PostgreSQL and client)\n`,
  );
  console.log('| loans | p50 ms | p99 ms | runs | after a change: p50 ms | p99 ms | runs |');
  console.log('| --- | --- | --- | --- | --- | --- | --- |');
  for (const p of m.points)
    console.log(
      `| ${fmt(p.loans)} | ${p.steady.p50.toFixed(1)} | ${p.steady.p99.toFixed(1)} | ${p.steady.runs} | ${p.changed.p50.toFixed(1)} | ${p.changed.p99.toFixed(1)} | ${p.changed.runs} |`,
    );
  const at = m.points.find((p) => p.loans === o.naiveAt);
  if (m.naive && at) {
    console.log(
      `| naive scan at ${fmt(m.naive.loans)}: the same groups and the funds' arrears from the base tables (SQL only) | ${m.naive.p50.toFixed(0)} | ${m.naive.p99.toFixed(0)} | ${m.naive.runs} | | | |`,
    );
    const ratio = m.naive.p50 / at.steady.p50;
    console.log(
      `\n  at ${fmt(o.naiveAt)} loans: p50 ${at.steady.p50.toFixed(1)} ms (target < 50 ms: ${verdict(at.steady.p50 < 50)}); after a change ${at.changed.p50.toFixed(1)} ms; naive ÷ kept = ${fmt(ratio, 0)}× (target ≥ 100×: ${verdict(ratio >= 100)}); naive ÷ kept after a change = ${fmt(m.naive.p50 / at.changed.p50, 0)}×`,
    );
  }
  if (m.points.length >= 2) {
    const [first, last] = [m.points[0], m.points[m.points.length - 1]];
    const ratio = last.steady.p50 / first.steady.p50;
    console.log(
      `  flat: p50 at ${fmt(last.loans)} ÷ p50 at ${fmt(first.loans)} = ${ratio.toFixed(2)}× (after a change ${(last.changed.p50 / first.changed.p50).toFixed(2)}×) for ${fmt(last.loans / first.loans)}× the loans (target ≤ 1.5×: ${verdict(ratio <= 1.5)})`,
    );
  }
  if (!o.sizes.some((n) => n >= 5_000_000))
    console.log(
      `  5,000,000 loans: not measured in the default run (generating them does not fit its 10-minute budget on 2 cores); add it with --metrics-sizes 100000,1000000,5000000`,
    );
  const a = at?.answer ?? m.points[0]?.answer;
  if (a)
    console.log(
      `  answer: ${a.totals.loans} loans, disbursed ${a.totals.disbursed}, leverage ${a.leverage?.ratio}×, subsidy owed ${a.funds.subsidyOwed}, shortfall ${a.funds.compensationShortfall}`,
    );
  console.log(`  section time ${((Date.now() - sectionStart) / 1000).toFixed(0)} s`);
}
