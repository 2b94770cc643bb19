import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../src/db/client.js';
import { allowFurnishing, borrower, FURNISH, furnish, institution, record, type BorrowerHandle, type Inst } from '../factories.js';
import { codeOf, useTestApp, type TestApp } from '../helpers/app.js';
import { steps } from '../helpers/steps.js';

const app = useTestApp({ now: '2026-06-15T02:00:00.000Z' });
let t: TestApp;
let bank: Inst;
let insurer: Inst;
let stranger: Inst;
let b: BorrowerHandle;

beforeAll(async () => {
  t = await app();
  bank = await institution(t, 'BANK');
  insurer = await institution(t, 'INSURER');
  stranger = await institution(t, 'BANK');
  b = await borrower(t, bank);
  await allowFurnishing(t, b.id, bank); // b authorises the bank to report their accounts (FURNISHING consent)
  await borrower(t, insurer); // the insurer registered someone else; b authorised nothing to the insurer
});

const accountCount = async () => (await rows<{ n: number }>(t.tdb.db.orm, sql`select count(*)::int as n from credit_accounts`))[0].n;

/**
 * The accounts the tests furnish and the borrower they register, which later tests refuse to
 * overwrite and the audit test counts: each step is what one test used to do, run once per file,
 * after the step before it (test/helpers/steps.ts).
 */
const step = steps();
const idemRecord = () => ({ borrowerId: b.id, accountRef: 'IDEM-1', statusMonth: '2026-05-01', balance: '90000.00' });
const idemFirst = step(() => furnish(t, bank, [idemRecord()]));
const idemReplay = step(() => furnish(t, bank, [idemRecord()]));
const historyFurnished = step(async () => {
  const base = { borrowerId: b.id, accountRef: 'HIST-1' };
  await furnish(t, bank, [{ ...base, statusMonth: '2026-03-01', status: 'CURRENT' }]);
  await furnish(t, bank, [{ ...base, statusMonth: '2026-04-01', status: 'DPD_30' }]);
  return furnish(t, bank, [{ ...base, statusMonth: '2026-06-01', status: 'DPD_90', balance: '98000.00' }]);
});
const insurerIdem = step(async () => {
  const c = await borrower(t, insurer);
  return furnish(t, insurer, [{ borrowerId: c.id, accountRef: 'IDEM-1', kind: 'INSURANCE_POLICY' }]);
});

describe('furnishCreditRecords', () => {
  it('creates, then updates on replay of the same reference (idempotent)', async () => {
    const first = await idemFirst();
    expect(first).toMatchObject({ created: 1, updated: 0 });
    const n = await accountCount();
    const replay = await idemReplay();
    expect(replay).toMatchObject({ created: 0, updated: 1 });
    expect(replay.accounts[0].id).toBe(first.accounts[0].id);
    expect(replay.accounts[0].paymentPattern).toBe('0');
    expect(await accountCount()).toBe(n);
  });

  it('appends each new month to the 24-month history and updates the account', async () => {
    const r = await historyFurnished();
    expect(r.accounts[0]).toMatchObject({ status: 'DPD_90', paymentPattern: '3-10', balance: '98000.00' });
  });

  it('refuses a month before the last reported one (corrections go through disputes)', async () => {
    await historyFurnished();
    const r = await t.gql(bank.token, FURNISH, { r: [record({ borrowerId: b.id, accountRef: 'HIST-1', statusMonth: '2026-05-01' })] });
    expect(codeOf(r)).toBe('BAD_USER_INPUT');
    expect(r.errors![0].extensions!.problems[0]).toMatchObject({ index: 0, field: 'statusMonth' });
  });

  it('rejects the whole batch when one record is bad, naming its index and reason; nothing is written', async () => {
    const n = await accountCount();
    const r = await t.gql(bank.token, FURNISH, {
      r: [
        record({ borrowerId: b.id, accountRef: 'BATCH-OK-1' }),
        record({ borrowerId: b.id, accountRef: 'BATCH-OK-2' }),
        record({ borrowerId: b.id, accountRef: 'BATCH-BAD', closedOn: '2026-05-01', status: 'CURRENT' }),
      ],
    });
    expect(codeOf(r)).toBe('BAD_USER_INPUT');
    expect(r.errors![0].extensions!.recordIndex).toBe(2);
    expect(r.errors![0].message).toMatch(/record 2: status/);
    expect(await accountCount()).toBe(n);
  });

  it('rejects new accounts for borrowers who gave the furnisher no FURNISHING consent, in the same words as for unknown borrowers', async () => {
    const n = await accountCount();
    const notMine = await t.gql(stranger.token, FURNISH, { r: [record({ borrowerId: b.id })] });
    const unknown = await t.gql(stranger.token, FURNISH, { r: [record({ borrowerId: '3b0c9f27-0000-4000-8000-000000000001' })] });
    expect(codeOf(notMine)).toBe('BAD_USER_INPUT');
    expect(notMine.errors![0].extensions!.problems[0]).toMatchObject({
      field: 'borrowerId',
      reason: expect.stringMatching(/FURNISHING consent/),
    });
    expect(notMine.errors![0]).toEqual(unknown.errors![0]);
    expect(await accountCount()).toBe(n);
  });

  it('rejects a second batch record with a problem found only in the database, writing none of the batch', async () => {
    const n = await accountCount();
    const r = await t.gql(bank.token, FURNISH, {
      r: [record({ borrowerId: b.id, accountRef: 'LATE-OK' }), record({ borrowerId: '3b0c9f27-0000-4000-8000-000000000002' })],
    });
    expect(r.errors![0].extensions!.recordIndex).toBe(1);
    expect(await accountCount()).toBe(n);
  });

  it('refuses to move an account reference to another borrower', async () => {
    await historyFurnished();
    const other = await borrower(t, bank);
    const r = await t.gql(bank.token, FURNISH, { r: [record({ borrowerId: other.id, accountRef: 'IDEM-1' })] });
    expect(r.errors![0].extensions!.problems[0]).toMatchObject({ field: 'accountRef' });
  });

  it('validates amounts, dates, codes and ids at the edge', async () => {
    const bad = async (patch: Record<string, unknown>) =>
      codeOf(await t.gql(bank.token, FURNISH, { r: [{ ...record({ borrowerId: b.id }), ...patch }] }));
    expect(await bad({ balance: '-1.00' })).toBe('BAD_USER_INPUT');
    expect(await bad({ originalAmount: '10.001' })).toBe('BAD_USER_INPUT');
    expect(await bad({ openedOn: '2026-02-30' })).toBe('BAD_USER_INPUT');
    expect(await bad({ status: 'LATE_ISH' })).toBe('BAD_USER_INPUT');
    expect(await bad({ borrowerId: 'not-an-id' })).toBe('BAD_USER_INPUT');
    expect(await bad({ kind: 'INSURANCE_POLICY' })).toBe('BAD_USER_INPUT');
    expect(codeOf(await t.gql(bank.token, FURNISH, { r: [] }))).toBe('BAD_USER_INPUT');
  });

  it('lets the same reference exist at two institutions (keys are per furnisher)', async () => {
    const r = await insurerIdem();
    expect(r.created).toBe(1);
  });

  it('audits every account it creates or changes, and nothing for rejected batches', async () => {
    await insurerIdem();
    const a = await rows<{ action: string; n: number }>(
      t.tdb.db.orm,
      sql`select action, count(*)::int as n from audit_log where action like 'credit.account.%' group by action order by action`,
    );
    // created: IDEM-1, HIST-1, the insurer's IDEM-1; updated: the IDEM-1 replay and two HIST-1 months
    expect(a).toEqual([
      { action: 'credit.account.created', n: 3 },
      { action: 'credit.account.updated', n: 3 },
    ]);
  });
});

describe('registerBorrower', () => {
  const REG = `mutation($i: RegisterBorrowerInput!) {
    registerBorrower(input: $i) { borrowerId name nationalIdMasked category county sector registeredOn } }`;
  const input = {
    name: '李秀英',
    nationalId: '11010519491231002X',
    category: 'INDIVIDUAL_ENTREPRENEUR',
    county: '宣化区',
    sector: 'retail',
    registeredOn: '2025-01-01',
  };

  /** A story of its own: one person registered by the bank, then by the insurer. */
  const registration = steps();
  const registered = registration(() => t.gql(bank.token, REG, { i: input }));
  const again = registration(() => t.gql(insurer.token, REG, { i: { ...input, nationalId: '11010519491231002x' } }));

  it('registers once; registering the same person again answers the same and links no one', async () => {
    const first = await registered();
    expect(first.data.registerBorrower).toEqual({
      borrowerId: expect.any(String),
      name: '李秀英',
      nationalIdMasked: '1101**********002X',
      category: 'INDIVIDUAL_ENTREPRENEUR',
      county: '宣化区',
      sector: 'retail',
      registeredOn: '2025-01-01',
    });
    expect(await again()).toEqual(first);
    const links = await rows(
      t.tdb.db.orm,
      sql`select 1 from institution_customers where borrower_id = ${first.data.registerBorrower.borrowerId as string}::uuid`,
    );
    expect(links).toHaveLength(0);
  });

  it('answers a different name on a registered id like any registration (writing nothing), and refuses invalid ids', async () => {
    const first = await again();
    const other = await t.gql(bank.token, REG, { i: { ...input, name: '别人' } });
    expect(other).toEqual({ data: { registerBorrower: { ...first.data.registerBorrower, name: '别人' } } });
    const [stored] = await rows<{ name: string }>(
      t.tdb.db.orm,
      sql`select name from borrowers where id = ${first.data.registerBorrower.borrowerId as string}::uuid`,
    );
    expect(stored.name).toBe('李秀英');
    expect(codeOf(await t.gql(bank.token, REG, { i: { ...input, nationalId: '110105194912310021' } }))).toBe('BAD_USER_INPUT');
    expect(codeOf(await t.gql(bank.token, REG, { i: { ...input, registeredOn: '2027-01-01' } }))).toBe('BAD_USER_INPUT');
  });

  it('never stores the national id itself', async () => {
    await again();
    const leaked = await rows(
      t.tdb.db.orm,
      sql`select 1 from borrowers where national_id_hash like '%1231002X%' or national_id_masked = '11010519491231002X'`,
    );
    expect(leaked).toHaveLength(0);
  });
});
