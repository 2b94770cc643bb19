import { sql } from 'drizzle-orm';
import type { Role } from '../src/domain.js';
import { residentIdCheckDigit } from '../src/identity.js';
import { ok, type TestApp } from './helpers/app.js';

/**
 * Factories: each test builds the world it needs (fresh ids per call), through GraphQL where
 * the path matters and straight to the tables where it is only setup.
 */
let seq = 0;
const next = () => ++seq;

export interface Inst {
  id: string;
  kind: 'BANK' | 'INSURER' | 'GOVERNMENT';
  token: string;
}

export async function institution(t: TestApp, kind: Inst['kind'], id?: string): Promise<Inst> {
  const instId = id ?? `${kind.toLowerCase()}-${process.pid}-${next()}`;
  await t.tdb.db.orm.execute(
    sql`insert into institutions (id, kind, name, created_at) values (${instId}, ${kind}, ${`Test ${kind} ${instId}`}, now())`,
  );
  return { id: instId, kind, token: await t.token({ sub: `${instId}-user`, role: kind as Role, inst: instId }) };
}

/** A valid, unique resident identity number (check digit computed). */
export function nationalId(): string {
  const n = next();
  const birth = `${1960 + (n % 40)}${String(1 + (n % 12)).padStart(2, '0')}${String(1 + (Math.floor(n / 12) % 28)).padStart(2, '0')}`;
  const first17 = `130722${birth}${String(Math.floor(n / 336) % 1000).padStart(3, '0')}`;
  return first17 + residentIdCheckDigit(first17);
}

export interface BorrowerHandle {
  id: string;
  token: string;
}

export interface BorrowerInput {
  name?: string;
  category?: string;
  county?: string;
  sector?: string;
  registeredOn?: string;
}

/** A borrower onboarded by `by` (so `by` may furnish for them), with a borrower token. */
export async function borrower(t: TestApp, by: Inst, input: BorrowerInput = {}): Promise<BorrowerHandle> {
  const r = ok(
    await t.gql<{ registerBorrower: { id: string } }>(
      by.token,
      `mutation($i: RegisterBorrowerInput!) { registerBorrower(input: $i) { id } }`,
      {
        i: {
          name: input.name ?? `测试借款人${next()}`,
          nationalId: nationalId(),
          category: input.category ?? 'STARTUP_MICRO_ENTERPRISE',
          county: input.county ?? '张北县',
          sector: input.sector ?? 'breeding',
          registeredOn: input.registeredOn ?? '2025-03-01',
        },
      },
    ),
  );
  const id = r.registerBorrower.id;
  return { id, token: await t.token({ sub: `borrower-${id.slice(0, 8)}`, role: 'BORROWER', bid: id }) };
}

export async function consent(
  t: TestApp,
  b: BorrowerHandle,
  inst: Inst,
  purpose = 'LOAN_APPLICATION',
  expiresAt = new Date(t.now.getTime() + 90 * 86_400_000).toISOString(),
): Promise<string> {
  const r = ok(
    await t.gql<{ grantConsent: { id: string } }>(
      b.token,
      `mutation($i: ID!, $p: ConsentPurpose!, $e: DateTime!) { grantConsent(institutionId: $i, purpose: $p, expiresAt: $e) { id } }`,
      { i: inst.id, p: purpose, e: expiresAt },
    ),
  );
  return r.grantConsent.id;
}

export interface RecordInput {
  borrowerId: string;
  accountRef?: string;
  kind?: string;
  originalAmount?: string;
  balance?: string;
  openedOn?: string;
  closedOn?: string | null;
  status?: string;
  statusMonth?: string;
}

export const FURNISH = `mutation($r: [CreditRecordInput!]!) {
  furnishCreditRecords(records: $r) { created updated accounts { id accountRef status paymentPattern balance } }
}`;

export function record(r: RecordInput) {
  return {
    accountRef: `ACC-${next()}`,
    kind: 'LOAN',
    originalAmount: '100000.00',
    balance: '100000.00',
    openedOn: '2026-01-10',
    status: 'CURRENT',
    ...r,
  };
}

export async function furnish(t: TestApp, inst: Inst, records: RecordInput[]) {
  return ok(await t.gql(inst.token, FURNISH, { r: records.map(record) })).furnishCreditRecords as {
    created: number;
    updated: number;
    accounts: { id: string; accountRef: string; status: string; paymentPattern: string; balance: string }[];
  };
}
