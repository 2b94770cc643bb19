import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIGRATIONS_DIR, openDatabase, rows } from '../../src/db/client.js';
import { migrateDatabase } from '../../src/db/migrate.js';
import { generateBorrowers } from '../../src/demo/generate.js';
import { loadDemoData } from '../../src/demo/load.js';
import { generateProgramme, SEED_PLAN } from '../../src/demo/programme.js';
import { Rng } from '../../src/demo/random.js';
import { buildTemplate, seedFromTemplate, templateDir } from '../../src/demo/template.js';
import { SEED_PARAMETERS, type Grade, type ProgrammeParameters } from '../../src/modules/parameters/rules.js';
import { price, type Price } from '../../src/modules/underwriting/pricing.js';
import { businessDate } from '../../src/time.js';
import { useTestApp, type TestApp } from '../helpers/app.js';

/**
 * What makes the embedded first start fast must not change what it starts with: a new database
 * copied from the migrated template has every migration applied, as the journal says; the
 * demo's pricer (one `price` per distinct terms) gives what `price` gives on every request; and
 * the bulk load without per-row foreign-key checks leaves no row pointing at nothing.
 */
const scratch = mkdtempSync(path.join(tmpdir(), 'cs-demo-start-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('the migrated PGlite template', () => {
  it('a new data directory starts as its copy, with every migration of the journal applied; an existing one is left alone', async () => {
    const cache = path.join(scratch, 'cache');
    const dir = await buildTemplate(cache);
    expect(dir).toBe(templateDir(cache));
    const dataDir = path.join(scratch, 'data', 'pglite');
    expect(await seedFromTemplate(dataDir, cache)).toBe('seeded');
    expect(existsSync(path.join(dataDir, 'PG_VERSION'))).toBe(true);
    expect(await seedFromTemplate(dataDir, cache)).toBe('exists');
    const db = await openDatabase({ dataDir });
    try {
      const journal = JSON.parse(readFileSync(path.join(MIGRATIONS_DIR, 'meta/_journal.json'), 'utf8')) as { entries: { when: number }[] };
      const applied = await rows<{ created_at: string }>(
        db.orm,
        sql`select created_at::text from drizzle.__drizzle_migrations order by id`,
      );
      expect(applied.map((r) => Number(r.created_at))).toEqual(journal.entries.map((e) => e.when));
      const before = applied.length;
      await migrateDatabase(db); // nothing left to do
      expect(await rows(db.orm, sql`select 1 from drizzle.__drizzle_migrations`)).toHaveLength(before);
      // the seed parameters (migration 0003) are there
      expect(await rows(db.orm, sql`select version from programme_parameters where version = 1`)).toHaveLength(1);
    } finally {
      await db.close();
    }
  }, 120_000);
});

describe('the demo’s pricer', () => {
  it('every review stores the price `price` gives on its request, and every loan the financing cost', () => {
    const asOf = new Date('2026-11-27T02:00:00.000Z');
    const opts = { seed: 20140601, borrowers: 2000, asOf, pepper: 'demo-start-pepper' };
    const bundles = [...generateBorrowers(opts)];
    const rng = new Rng(opts.seed ^ 0x1d5);
    const p: ProgrammeParameters = SEED_PARAMETERS;
    const out = generateProgramme(bundles, { ...opts, params: p, parameterVersion: 1, plan: SEED_PLAN, uuid: () => rng.uuid() });
    const apps = new Map(out.applications.map((a) => [a.id as string, a]));
    const grades = new Set<string>();
    for (const r of out.reviews) {
      const a = apps.get(r.application_id as string)!;
      const request = {
        amount: a.amount as string,
        termYears: a.term_years as number,
        interestRate: a.interest_rate as string,
        repaymentMethod: a.repayment_method as 'INTEREST_ONLY_BULLET' | 'EQUAL_INSTALMENTS',
        grade: r.grade as Grade,
        date: businessDate(new Date(a.submitted_at as string)),
      };
      grades.add(request.grade);
      expect(JSON.parse(r.price as string)).toEqual(JSON.parse(JSON.stringify(price(p, request))));
    }
    expect(out.reviews.length).toBeGreaterThan(3800);
    expect(grades.size).toBeGreaterThan(2);
    const reviewed = new Map(out.reviews.map((r) => [r.application_id as string, JSON.parse(r.price as string) as Price]));
    for (const pol of out.policies) expect(pol.annualised_cost).toBe(reviewed.get(pol.application_id as string)!.financingCostRate);
  }, 120_000);
});

describe('the demo’s bulk load', () => {
  const app = useTestApp({ now: '2026-11-27T02:00:00.000Z' });
  let t: TestApp;
  beforeAll(async () => {
    t = await app();
    await loadDemoData(t.tdb.db, {
      seed: 7,
      borrowers: 200,
      asOf: t.now,
      pepper: t.config.nationalIdPepper,
      programme: { targetDisbursed: '25000000.00', premiumSubsidyDeposit: '500000.00', riskCompensationDeposit: '500000.00' },
    });
  }, 120_000);

  it('no row points at nothing: every foreign key holds', async () => {
    const fks = await rows<{ tbl: string; cols: string[] | string; ref: string; refcols: string[] | string }>(
      t.tdb.db.orm,
      sql`select c.conrelid::regclass::text as tbl, c.confrelid::regclass::text as ref,
                 array_to_json(array(select attname from unnest(c.conkey) with ordinality k(n, i) join pg_attribute a on a.attrelid = c.conrelid and a.attnum = k.n order by k.i)) as cols,
                 array_to_json(array(select attname from unnest(c.confkey) with ordinality k(n, i) join pg_attribute a on a.attrelid = c.confrelid and a.attnum = k.n order by k.i)) as refcols
          from pg_constraint c where c.contype = 'f' and c.connamespace = 'public'::regnamespace`,
    );
    expect(fks.length).toBeGreaterThan(10);
    const list = (x: string[] | string) => (typeof x === 'string' ? (JSON.parse(x) as string[]) : x);
    const loaded = await rows<{ n: number }>(t.tdb.db.orm, sql`select count(*)::int as n from loans`);
    expect(loaded[0].n).toBeGreaterThan(100);
    for (const fk of fks) {
      const cols = list(fk.cols);
      const refcols = list(fk.refcols);
      const on = cols.map((c, i) => `r."${refcols[i]}" = x."${c}"`).join(' and ');
      const notNull = cols.map((c) => `x."${c}" is not null`).join(' and ');
      const orphans = await rows<{ n: number }>(
        t.tdb.db.orm,
        sql.raw(`select count(*)::int as n from ${fk.tbl} x where ${notNull} and not exists (select 1 from ${fk.ref} r where ${on})`),
      );
      expect({ fk: `${fk.tbl}(${cols}) → ${fk.ref}`, orphans: orphans[0].n }).toEqual({ fk: `${fk.tbl}(${cols}) → ${fk.ref}`, orphans: 0 });
    }
  });
});
