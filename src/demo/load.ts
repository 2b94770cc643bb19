import { Decimal } from 'decimal.js';
import { sql } from 'drizzle-orm';
import { one, type Database, type Executor } from '../db/client.js';
import { DEMO_INSTITUTIONS, generateBorrowers, type BorrowerBundle, type DemoOptions } from './generate.js';
import { generateProgramme, SEED_PLAN, type ProgrammePlan } from './programme.js';
import { DEMO_DATA_SOURCES, demoPublicRecords, PublicRecordCandidates } from './public-records.js';
import { Rng } from './random.js';
import { rebuildCube } from '../modules/metrics/cube.js';
import { trialBalance } from '../modules/ledger/store.js';
import { parameterVersion } from '../modules/parameters/service.js';

/**
 * One parameter per batch: rows travel as JSON and Postgres expands them (columns named by the
 * rows' keys). Fast on both drivers.
 */
async function insertJson(db: Executor, table: string, rows: object[], onConflictDoNothing = false) {
  if (rows.length === 0) return;
  const cols = sql.raw(
    Object.keys(rows[0])
      .map((c) => `"${c}"`)
      .join(', '),
  );
  for (let i = 0; i < rows.length; i += 5000) {
    const chunk = JSON.stringify(rows.slice(i, i + 5000));
    await db.execute(
      sql`insert into ${sql.identifier(table)} (${cols}) select ${cols} from json_populate_recordset(null::${sql.identifier(table)}, ${chunk}::json)${sql.raw(onConflictDoNothing ? ' on conflict do nothing' : '')}`,
    );
  }
}

export interface DemoSummary {
  borrowers: number;
  accounts: number;
  consents: number;
  inquiries: number;
  /** Public records from the demo's court, tax bureau and market regulator. */
  publicRecords: number;
  /** A borrower with accounts and an active consent, for the printed example. */
  sample?: { borrowerId: string; bankId: string; purpose: string };
  programme?: { applications: number; loans: number; claims: number; disbursed: string };
}

export async function hasData(db: Database): Promise<boolean> {
  const r = await one<{ n: number }>(db.orm, sql`select count(*)::int as n from institutions`);
  return (r?.n ?? 0) > 0;
}

/**
 * Load the demo. With `programme` (the default for the demo, not for benchmarks) the
 * borrowers also get the programme's two years of applications, loans, claims and money.
 */
export async function loadDemoData(
  db: Database,
  opts: DemoOptions & { programme?: ProgrammePlan | false },
  batchSize = 2000,
  onProgress?: (done: number) => void,
): Promise<DemoSummary> {
  const keep: BorrowerBundle[] = [];
  const summary: DemoSummary = { borrowers: 0, accounts: 0, consents: 0, inquiries: 0, publicRecords: 0 };
  const candidates = new PublicRecordCandidates();
  await db.orm.execute(
    sql`insert into institutions (id, kind, name, authority, created_at) select * from json_to_recordset(${JSON.stringify(
      [...DEMO_INSTITUTIONS, ...DEMO_DATA_SOURCES].map((i) => ({ authority: null, ...i, created_at: opts.asOf.toISOString() })),
    )}::json) as x(id text, kind text, name text, authority text, created_at timestamptz) on conflict do nothing`,
  );
  let batch: BorrowerBundle[] = [];
  const flush = async () => {
    if (!batch.length) return;
    const write = async (tx: Executor) => {
      // bulk load of generated rows: no per-row foreign-key triggers (embedded PGlite; ignored where not allowed);
      // test/integration/demo-start.test.ts checks every foreign key of a loaded demo instead
      await tx.execute(sql`set local session_replication_role = replica`).catch(() => {});
      await insertJson(
        tx,
        'borrowers',
        batch.map((b) => b.borrower),
      );
      await insertJson(
        tx,
        'institution_customers',
        batch.flatMap((b) => b.customers),
      );
      await insertJson(
        tx,
        'credit_accounts',
        batch.flatMap((b) => b.accounts.map((a) => ({ ...a, deleted_at: null }))),
      );
      await insertJson(
        tx,
        'consents',
        batch.flatMap((b) => b.consents),
      );
      await insertJson(
        tx,
        'inquiries',
        batch.flatMap((b) => b.inquiries),
      );
    };
    await db.orm.transaction(write);
    summary.borrowers += batch.length;
    onProgress?.(summary.borrowers);
    batch = [];
  };
  for (const b of generateBorrowers(opts)) {
    summary.accounts += b.accounts.length;
    summary.consents += b.consents.length;
    summary.inquiries += b.inquiries.length;
    if (!summary.sample && b.accounts.length > 1) {
      const c = b.consents.find((x) => x.revoked_at === null && x.expires_at > opts.asOf.toISOString() && x.purpose === 'LOAN_APPLICATION');
      if (c) summary.sample = { borrowerId: b.borrower.id, bankId: c.institution_id, purpose: c.purpose };
    }
    candidates.consider(b, opts.asOf);
    batch.push(b);
    if (opts.programme !== false) keep.push(b);
    if (batch.length >= batchSize) await flush();
  }
  await flush();
  if (opts.programme !== false) summary.programme = await loadProgramme(db, keep, opts, opts.programme ?? SEED_PLAN);
  // after the programme: its own accounts decide whose file is still clean enough to show a listing's effect
  const rng = new Rng(opts.seed ^ 0x9b1c);
  const records = demoPublicRecords(await candidates.stillClean(db.orm), { ...opts, uuid: () => rng.uuid() });
  await insertJson(db.orm, 'public_records', records, true);
  summary.publicRecords = records.length;
  return summary;
}

async function loadProgramme(db: Database, bundles: BorrowerBundle[], opts: DemoOptions, plan: ProgrammePlan) {
  const rng = new Rng(opts.seed ^ 0x1d5);
  const params = await parameterVersion(db, 1);
  const p = generateProgramme(bundles, {
    seed: opts.seed,
    asOf: opts.asOf,
    params: params!.document,
    parameterVersion: 1,
    plan,
    uuid: () => rng.uuid(),
  });
  await db.orm.transaction(async (tx) => {
    // bulk load: the per-row balance trigger is switched off and the trial balance checked below instead
    await tx.execute(sql`set local session_replication_role = replica`).catch(() => {});
    await insertJson(tx, 'institution_customers', p.customers, true);
    await insertJson(tx, 'consents', p.consents);
    await insertJson(tx, 'inquiries', p.inquiries);
    await insertJson(tx, 'applications', p.applications);
    await insertJson(tx, 'application_reviews', p.reviews);
    await insertJson(tx, 'policies', p.policies);
    await insertJson(tx, 'policy_premiums', p.policyPremiums);
    await insertJson(tx, 'loans', p.loans);
    await insertJson(tx, 'loan_instalments', p.instalments);
    await insertJson(tx, 'claims', p.claims);
    await insertJson(tx, 'court_confirmations', p.courtConfirmations);
    await insertJson(tx, 'recoveries', p.recoveries);
    // the programme's own loans and policies: kept by its lifecycle, never furnished by hand
    await insertJson(
      tx,
      'credit_accounts',
      p.accounts.map((a) => ({ ...a, source: 'PROGRAMME' })),
    );
    const accounts = [...p.balances.keys()].filter((a) => a.startsWith('INSTITUTION:') || a.startsWith('RESERVE:'));
    await insertJson(
      tx,
      'ledger_accounts',
      accounts.map((id) => {
        const [kind, inst] = id.split(':');
        return {
          id,
          kind,
          institution_id: inst,
          name: kind === 'RESERVE' ? `Risk reserve of ${inst} (风险准备金)` : `Settlement of ${inst}`,
          balance: '0',
          created_at: opts.asOf.toISOString(),
        };
      }),
      true,
    );
    await insertJson(tx, 'ledger_transactions', p.transactions);
    await insertJson(tx, 'ledger_entries', p.entries);
    await tx.execute(
      sql`update ledger_accounts a set balance = coalesce((select sum(amount) from ledger_entries e where e.account_id = a.id), 0) where a.kind not in ('BUDGET', 'EXTERNAL')`,
    );
    await tx.execute(
      sql`select setval('loan_number_seq', ${p.loans.length + 1}::bigint, false), setval('policy_number_seq', ${p.policies.length + 1}::bigint, false)`,
    );
    await rebuildCube(tx);
    const tb = await trialBalance(tx);
    if (!new Decimal(tb.total).isZero() || tb.mismatched !== 0 || tb.unbalanced !== 0)
      throw new Error(`demo ledger out of balance: ${JSON.stringify(tb)}`);
  });
  return { applications: p.applications.length, loans: p.loans.length, claims: p.claims.length, disbursed: plan.targetDisbursed };
}
