/**
 * The profile benchmark's data, generated set-wise inside PostgreSQL (`insert … select` over
 * `generate_series`): N borrowers × A furnished accounts (24-month payment pattern), I inquiries
 * and an active read consent to every bench bank and insurer each (a customer row too), the demo
 * institutions. Deterministic: every attribute comes from hashtext of the row number (and the seed),
 * every id from the row number itself (`seqId`), so two runs (and two machines) hold the same rows.
 * Linear in N: each table is one pass over a series, a borrower's rows are written together (as
 * the old per-borrower loader did), and the indexes are built once at the end (faster than loading
 * into indexed tables: see `generateProfileData`). Not src/demo/load.ts: it is per-row JavaScript.
 */
import postgres from 'postgres';
import { DEMO_INSTITUTIONS } from '../src/demo/generate.js';
import { COUNTIES } from '../src/demo/places.js';
import { BENCH_PEPPER, benchDatabase, markDataset } from './common.js';

export interface DatasetSpec {
  borrowers: number;
  accountsPerBorrower: number;
  inquiriesPerBorrower: number;
  seed: number;
  /** One more borrower with this many accounts (the no-cliff check's big file); 0 or absent: none. */
  bigFile?: number;
  /** Lean rows (the cliff's sets): one consent (LOAN_APPLICATION to the first bench bank), no customer rows. */
  lean?: boolean;
}

export interface DatasetReport {
  url: string;
  reused: boolean;
  seconds: number;
  /** Rows written per table. */
  rows: Record<string, number>;
}

/**
 * Ids in generation order (row g, part k), shaped as version-4 UUIDs: the primary keys (kept
 * during the load: other tables' foreign keys hang on them) grow at their right edge instead of
 * taking random inserts. The tag (one hex digit) tells the table.
 */
const seqId = (tag: string, g: string, k: string) =>
  `('${tag}' || lpad(to_hex(${g}), 7, '0') || '-' || lpad(to_hex(${k}), 4, '0') || '-4000-8000-000000000000')::uuid`;

/** The big file's borrower (row 0, so the bench finds it in a reused database). */
export const BIG_BORROWER_ID = 'b0000000-0000-4000-8000-000000000000';

const specKey = (s: DatasetSpec) =>
  `profile-sql:${s.borrowers}x${s.accountsPerBorrower}+${s.inquiriesPerBorrower}@${s.seed}${s.bigFile ? `+big${s.bigFile}` : ''}${s.lean ? '+lean' : ''}`;

const BANKS = DEMO_INSTITUTIONS.filter((i) => i.kind === 'BANK').map((i) => i.id);
const INSURERS = DEMO_INSTITUTIONS.filter((i) => i.kind === 'INSURER').map((i) => i.id);
/** Who a borrower consented to, for what: every bench bank LOAN_APPLICATION, every insurer UNDERWRITING. */
const ALL_READERS = [...BANKS.map((id) => [id, 'LOAN_APPLICATION']), ...INSURERS.map((id) => [id, 'UNDERWRITING'])];
const lit = (xs: readonly string[]) => `array[${xs.map((x) => `'${x.replace(/'/g, "''")}'`).join(',')}]`;

/** The tables the generator fills, with the indexes the migrations give them (dropped and rebuilt around the load). */
const TABLES = ['borrowers', 'institution_customers', 'consents', 'credit_accounts', 'inquiries'];

/**
 * The statements, in two lanes (the accounts; everything else). `h(salt)` is a deterministic
 * non-negative int from the row number `g` (and the seed). Borrower g's accounts are (g, k) for k in
 * 1..A, opened 1–36 months ago: odd k a LOAN at a bank, even k an INSURANCE_POLICY at an insurer; the
 * first carries the borrower's behaviour (80% clean, 9% once 30 days late, 4% 60–90 days late, 3%
 * 30 days overdue now, 4% defaulted: charged off or claim paid, closed 9 months after opening),
 * the others are clean or (10%) once late; accounts older than 12 months are PAID. Each pattern
 * has one code a month since the account opened (at most 24), most recent first.
 */
export function statements(spec: DatasetSpec): { accounts: string[]; others: string[] } {
  const s = spec.seed;
  const h = (salt: string, g = 'g') => `abs(hashtext(${g}::text || '${salt}${s}'))`;
  const counties = COUNTIES.map((c) => c.name);
  const n = spec.borrowers;
  const a = spec.accountsPerBorrower;
  const inq = spec.inquiriesPerBorrower;
  const bid = (g: string) => seqId('b', g, '0');
  const cid = (g: string, r: string) => seqId('c', g, r);
  const READERS = spec.lean ? ALL_READERS.slice(0, 1) : ALL_READERS;
  const out = [
    `insert into institutions (id, kind, name, created_at)
     select * from unnest(${lit(DEMO_INSTITUTIONS.map((i) => i.id))}, ${lit(DEMO_INSTITUTIONS.map((i) => i.kind))},
                          ${lit(DEMO_INSTITUTIONS.map((i) => i.name))}, array_fill(now(), array[${DEMO_INSTITUTIONS.length}]))
     on conflict do nothing`,
    `insert into borrowers (id, name, category, national_id_hash, national_id_masked, county, sector, registered_on, created_at)
     select ${bid('g')}, 'bench-' || g,
       (array['STARTUP_MICRO_ENTERPRISE','RURAL_HOUSEHOLD','INDIVIDUAL_ENTREPRENEUR'])[1 + ${h('c')} % 3],
       md5('${BENCH_PEPPER}' || g), '1307**********' || lpad((g % 10000)::text, 4, '0'),
       (${lit(counties)})[1 + ${h('k')} % ${counties.length}],
       (array['breeding','planting','pre-school education','retail','tourism','catering','logistics','handicrafts'])[1 + ${h('s')} % 8],
       current_date - (30 + ${h('r')} % 3000), now()
     from generate_series(1, ${n}) g`,
    // every bank LOAN_APPLICATION, every insurer UNDERWRITING: granted 5–120 days ago, for 4 years
    `insert into consents (id, borrower_id, institution_id, purpose, granted_at, expires_at)
     select ${cid('g', 'r.n')}, ${bid('g')}, r.inst, r.purpose,
       now() - ((5 + ${h('cg')} % 116) || ' days')::interval, now() + interval '4 years'
     from generate_series(1, ${n}) g,
          unnest(${lit(READERS.map((r) => r[0]))}, ${lit(READERS.map((r) => r[1]))}) with ordinality r(inst, purpose, n)`,
    spec.lean
      ? ''
      : `insert into institution_customers (institution_id, borrower_id, since)
     select r.inst, ${bid('g')}, now() - interval '120 days'
     from generate_series(1, ${n}) g, unnest(${lit(READERS.map((r) => r[0]))}) r(inst)`,
    // inquiry q of borrower g: under its consent to reader 1 + (g + q) % readers, 1–170 days ago
    `insert into inquiries (id, borrower_id, institution_id, user_id, purpose, consent_id, inquired_at)
     select ${seqId('e', 'g', 'q')}, ${bid('g')}, (${lit(READERS.map((r) => r[0]))})[1 + (g + q) % ${READERS.length}],
       (${lit(READERS.map((r) => r[0]))})[1 + (g + q) % ${READERS.length}] || '-officer-' || (1 + q % 9),
       (${lit(READERS.map((r) => r[1]))})[1 + (g + q) % ${READERS.length}], ${cid('g', `(1 + (g + q) % ${READERS.length})`)},
       now() - ((1 + ${h('qt', "(g || '-' || q)")} % 170) || ' days')::interval
     from generate_series(1, ${n}) g, lateral generate_series(1, ${inq} + 0 * g) q`,
  ];
  const accounts = [
    accountsInsert(
      `generate_series(1, ${n}) g, lateral generate_series(1, ${a} + 0 * g) k`,
      bid('x.g'),
      `'-' || lpad(x.g::text, 7, '0') || '-' || x.k`,
      s,
    ),
  ];
  if (spec.bigFile) {
    const big = spec.bigFile;
    out.push(
      `insert into borrowers (id, name, category, national_id_hash, national_id_masked, county, sector, registered_on, created_at)
       values ('${BIG_BORROWER_ID}', 'bench-big-file', 'STARTUP_MICRO_ENTERPRISE', md5('${BENCH_PEPPER}big'), '1307**********9999',
               '${counties[0]}', 'retail', current_date - 3000, now())`,
      `insert into consents (id, borrower_id, institution_id, purpose, granted_at, expires_at)
       select ${seqId('c', '0', 'r.n')}, '${BIG_BORROWER_ID}', r.inst, r.purpose, now() - interval '30 days', now() + interval '4 years'
       from unnest(${lit(READERS.map((r) => r[0]))}, ${lit(READERS.map((r) => r[1]))}) with ordinality r(inst, purpose, n)`,
    );
    accounts.push(accountsInsert(`(select 0 as g) g, generate_series(1, ${big}) k`, `'${BIG_BORROWER_ID}'::uuid`, `'-BIG-' || x.k`, s));
  }
  return { accounts, others: out.filter(Boolean) };
}

function accountsInsert(from: string, borrower: string, ref: string, s: number) {
  // one hash per account (its bits pick the institution, amount, age, day, a late month, the default kind) and one per borrower (b: its behaviour, 0–99)
  return `insert into credit_accounts (id, institution_id, borrower_id, account_ref, kind, original_amount, balance, opened_on, closed_on,
                                  status, status_month, payment_history, source, created_at, updated_at)
    select ${seqId('a', 'x.g', 'x.k')}, x.inst, ${borrower}, x.prefix || ${ref}, x.kind, x.amount,
      case when x.paid then 0 when x.defaulted then round(x.amount * 0.7, 2) else round(x.amount * (1 - x.age / 13.0), 2) end,
      x.opened_on, x.closed_on,
      case when x.paid then 'PAID' when x.defaulted then x.default_status when x.b between 93 and 95 then 'DPD_30' else 'CURRENT' end,
      date_trunc('month', coalesce(x.closed_on, current_date))::date,
      -- the pattern, most recent first, one code a month since it opened (at most 24)
      left(case
        when x.paid then 'P000000000000'
        when x.defaulted then case x.default_status when 'CHARGED_OFF' then 'L' else 'C' end || '654321000'
        when x.b between 93 and 95 then '1' || repeat('0', 23)
        when x.b between 89 and 92 and x.age >= 4 then '032' || repeat('0', 21)
        when x.b between 80 and 88 and x.age >= 2 then '01' || repeat('0', 22)
        else repeat('0', 24) end, case when x.paid then 13 when x.defaulted then least(x.age, 9) + 1 else least(x.age + 1, 24) end),
      'FURNISHED', now(), now()
    from (
      select y.*, case when y.paid then y.opened_on + 365 when y.defaulted then least(y.opened_on + 273, current_date) end as closed_on
      from (
        select g, k, z.*,
          k = 1 and z.b >= 96 as defaulted, z.age > 12 and not (k = 1 and z.b >= 96) as paid,
          case when k % 2 = 1 then (${lit(BANKS)})[1 + (z.hh & 255) % ${BANKS.length}]
               else (${lit(INSURERS)})[1 + (z.hh & 255) % ${INSURERS.length}] end as inst,
          case when k % 2 = 1 then 'LOAN' else 'INSURANCE_POLICY' end as kind,
          case when k % 2 = 1 then 'LN' else 'PL' end as prefix,
          ((20 + ((z.hh >> 8) & 255) % 180) * 1000)::numeric(18, 2) as amount,
          (current_date - make_interval(months => z.age, days => ((z.hh >> 22) & 31) % 28))::date as opened_on,
          case when (z.hh >> 27) & 1 = 0 or k % 2 = 0 then 'CLAIM_PAID_BY_INSURER' else 'CHARGED_OFF' end as default_status
        from ${from},
        lateral (select hashtext(g || '-' || k || '${s}') as hh offset 0) h0,
        lateral (select h0.hh, 1 + ((h0.hh >> 16) & 63) % 36 as age,
                   case when k = 1 then abs(hashtext(g || 'bh${s}')) % 100 when ((h0.hh >> 28) & 15) % 10 = 0 then 85 else 0 end as b offset 0) z
        offset 0
      ) y
      offset 0
    ) x`;
}

interface Definition {
  table: string;
  name: string;
  /** Primary key or unique constraint: `alter table … add constraint`; otherwise `create index`. */
  constraint: boolean;
  def: string;
}

/**
 * The generated tables' indexes and keys that nothing else depends on (a primary key other
 * tables' foreign keys reference stays: the ids are generated in order, so it grows at its edge).
 */
async function droppableIndexes(sql: postgres.Sql): Promise<Definition[]> {
  const rows = await sql`
    select t.relname as table, i.relname as name, c.conname is not null as constraint,
           coalesce(pg_get_constraintdef(c.oid), pg_get_indexdef(i.oid)) as def
    from pg_index x join pg_class i on i.oid = x.indexrelid join pg_class t on t.oid = x.indrelid
    left join pg_constraint c on c.conindid = i.oid and c.contype in ('p', 'u')
    where t.relnamespace = 'public'::regnamespace and t.relname = any(${TABLES})
      and not exists (select 1 from pg_constraint f where f.contype = 'f' and f.conindid = i.oid)`;
  return rows.map((r) => ({ table: r.table, name: r.name, constraint: r.constraint, def: r.def }));
}

const rebuild = (d: Definition) => (d.constraint ? `alter table ${d.table} add constraint ${d.name} ${d.def}` : d.def);

/**
 * Fill a migrated, empty database. `indexMode` 'rebuild' (the default) drops the generated
 * tables' indexes and keys, loads, and builds them again; 'indexed' loads into the indexed tables
 * (slower: 23.5 s against 14.1–21.0 s for 100k × 10 on a busy 2-core machine). Two sessions work
 * at once: the accounts in one, every other table in the other; BENCH_DEBUG=1 prints each step's
 * time. Foreign keys and triggers are not checked during the load (session_replication_role = replica): the rows are consistent by construction. Not one
 * transaction: a load that dies half-way leaves no marker, and the next run starts afresh.
 */
export async function generateProfileData(url: string, spec: DatasetSpec, indexMode: 'rebuild' | 'indexed' = 'rebuild') {
  const lanes = [0, 1].map(() =>
    postgres(url, {
      max: 1,
      onnotice: () => {},
      connection: { session_replication_role: 'replica', maintenance_work_mem: '256MB', work_mem: '64MB' } as Record<string, string>,
    }),
  );
  const started = performance.now();
  const debug = (label: string, t0: number) =>
    process.env.BENCH_DEBUG && console.log(`    ${label}: ${((performance.now() - t0) / 1000).toFixed(2)} s`);
  const run = async (lane: postgres.Sql, sts: string[]) => {
    for (const st of sts) {
      const t0 = performance.now();
      await lane.unsafe(st);
      debug(st.trim().slice(0, 60).replace(/\s+/g, ' '), t0);
    }
  };
  try {
    const defs = indexMode === 'rebuild' ? await droppableIndexes(lanes[0]) : [];
    for (const d of defs) await lanes[0].unsafe(d.constraint ? `alter table ${d.table} drop constraint ${d.name}` : `drop index ${d.name}`);
    const { accounts, others } = statements(spec);
    await Promise.all([run(lanes[0], accounts), run(lanes[1], others)]);
    const isAccounts = (d: Definition) => d.table === 'credit_accounts';
    await Promise.all([
      run(lanes[0], defs.filter(isAccounts).map(rebuild)),
      run(lanes[1], defs.filter((d) => !isAccounts(d)).map(rebuild)),
    ]);
    await Promise.all([
      run(lanes[0], ['analyze credit_accounts']),
      run(lanes[1], [`analyze ${TABLES.filter((t) => t !== 'credit_accounts').join(', ')}`]),
    ]);
  } finally {
    await Promise.all(lanes.map((l) => l.end()));
  }
  const big = spec.bigFile ? 1 : 0;
  const readers = spec.lean ? 1 : ALL_READERS.length;
  const rows = {
    borrowers: spec.borrowers + big,
    credit_accounts: spec.borrowers * spec.accountsPerBorrower + (spec.bigFile ?? 0),
    consents: (spec.borrowers + big) * readers,
    inquiries: spec.borrowers * spec.inquiriesPerBorrower,
    institution_customers: spec.lean ? 0 : spec.borrowers * readers,
  };
  return { seconds: (performance.now() - started) / 1000, rows };
}

/**
 * The benchmark database on the real server: created and filled set-wise once, then reused while
 * the spec (and the migrations) are unchanged; `fresh` regenerates it.
 */
export async function ensureProfileDataset(serverUrl: string, dbName: string, spec: DatasetSpec, fresh: boolean): Promise<string> {
  return (await profileDataset(serverUrl, dbName, spec, fresh)).url;
}

/** As ensureProfileDataset, with how long the generation took and what it wrote (reused: nothing). */
export async function profileDataset(serverUrl: string, dbName: string, spec: DatasetSpec, fresh: boolean): Promise<DatasetReport> {
  const { url, reused } = await benchDatabase(serverUrl, dbName, specKey(spec), fresh);
  if (reused) return { url, reused, seconds: 0, rows: {} };
  const { seconds, rows } = await generateProfileData(url, spec);
  await markDataset(url, specKey(spec));
  return { url, reused, seconds, rows };
}
