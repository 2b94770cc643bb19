import { sql } from 'drizzle-orm';
import { one, type Database, type Executor } from '../db/client.js';
import { DEMO_INSTITUTIONS, generateBorrowers, type BorrowerBundle, type DemoOptions } from './generate.js';

/** One parameter per batch: rows travel as JSON and Postgres expands them. Fast on both drivers. */
async function insertJson(db: Executor, table: string, rows: object[]) {
  if (rows.length === 0) return;
  await db.execute(sql`insert into ${sql.identifier(table)} select * from json_populate_recordset(null::${sql.identifier(table)}, ${JSON.stringify(rows)}::json)`);
}

export interface DemoSummary {
  borrowers: number;
  accounts: number;
  consents: number;
  inquiries: number;
  /** A borrower with accounts and an active consent, for the printed example. */
  sample?: { borrowerId: string; bankId: string; purpose: string };
}

export async function hasData(db: Database): Promise<boolean> {
  const r = await one<{ n: number }>(db.orm, sql`select count(*)::int as n from institutions`);
  return (r?.n ?? 0) > 0;
}

export async function loadDemoData(db: Database, opts: DemoOptions, batchSize = 2000, onProgress?: (done: number) => void): Promise<DemoSummary> {
  const summary: DemoSummary = { borrowers: 0, accounts: 0, consents: 0, inquiries: 0 };
  await db.orm.execute(
    sql`insert into institutions (id, kind, name, created_at) select * from json_to_recordset(${JSON.stringify(
      DEMO_INSTITUTIONS.map((i) => ({ ...i, created_at: opts.asOf.toISOString() })),
    )}::json) as x(id text, kind text, name text, created_at timestamptz) on conflict do nothing`,
  );
  let batch: BorrowerBundle[] = [];
  const flush = async () => {
    if (!batch.length) return;
    const write = async (tx: Executor) => {
      await insertJson(tx, 'borrowers', batch.map((b) => b.borrower));
      await insertJson(tx, 'institution_customers', batch.flatMap((b) => b.customers));
      await insertJson(tx, 'credit_accounts', batch.flatMap((b) => b.accounts.map((a) => ({ ...a, deleted_at: null }))));
      await insertJson(tx, 'consents', batch.flatMap((b) => b.consents));
      await insertJson(tx, 'inquiries', batch.flatMap((b) => b.inquiries));
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
    batch.push(b);
    if (batch.length >= batchSize) await flush();
  }
  await flush();
  return summary;
}
