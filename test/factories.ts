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
  kind: 'BANK' | 'INSURER' | 'GOVERNMENT' | 'DATA_SOURCE';
  token: string;
}

/** An institution (straight to the table: setup). A DATA_SOURCE is a court unless `authority` says otherwise. */
export async function institution(
  t: TestApp,
  kind: Inst['kind'],
  id?: string,
  authority: 'COURT' | 'TAX_BUREAU' | 'MARKET_REGULATOR' | null = kind === 'DATA_SOURCE' ? 'COURT' : null,
): Promise<Inst> {
  const instId = id ?? `${kind.toLowerCase().replace('_', '-')}-${process.pid}-${next()}`;
  await t.tdb.db.orm.execute(
    sql`insert into institutions (id, kind, name, authority, created_at) values (${instId}, ${kind}, ${`Test ${kind} ${instId}`}, ${authority}, now())`,
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
  nationalId?: string;
  category?: string;
  county?: string;
  sector?: string;
  registeredOn?: string;
}

/** A borrower onboarded by `by` (registering gives `by` no rights: consents do), with a borrower token. */
export async function borrower(t: TestApp, by: Inst, input: BorrowerInput = {}): Promise<BorrowerHandle> {
  const r = ok(
    await t.gql<{ registerBorrower: { borrowerId: string } }>(
      by.token,
      `mutation($i: RegisterBorrowerInput!) { registerBorrower(input: $i) { borrowerId } }`,
      {
        i: {
          name: input.name ?? `测试借款人${next()}`,
          nationalId: input.nationalId ?? nationalId(),
          category: input.category ?? 'STARTUP_MICRO_ENTERPRISE',
          county: input.county ?? '张北县',
          sector: input.sector ?? 'breeding',
          registeredOn: input.registeredOn ?? '2025-03-01',
        },
      },
    ),
  );
  const id = r.registerBorrower.borrowerId;
  return { id, token: await borrowerToken(t, id) };
}

export const borrowerToken = (t: TestApp, id: string) => t.token({ sub: `borrower-${id.slice(0, 8)}`, role: 'BORROWER', bid: id });

export async function consent(
  t: TestApp,
  b: BorrowerHandle,
  inst: Inst,
  purpose = 'LOAN_APPLICATION',
  expiresAt = new Date(t.now.getTime() + 90 * 86_400_000).toISOString(),
  scope: string[] | null = purpose === 'FURNISHING' ? FURNISHABLE[inst.kind as 'BANK' | 'INSURER'] : null,
): Promise<string> {
  const r = ok(
    await t.gql<{ grantConsent: { id: string } }>(
      b.token,
      `mutation($i: ID!, $p: ConsentPurpose!, $e: DateTime!, $s: [AccountKind!]) { grantConsent(institutionId: $i, purpose: $p, expiresAt: $e, scope: $s) { id } }`,
      { i: inst.id, p: purpose, e: expiresAt, s: scope },
    ),
  );
  return r.grantConsent.id;
}

const FURNISHABLE = { BANK: ['LOAN', 'GUARANTEE'], INSURER: ['INSURANCE_POLICY', 'GUARANTEE'] };

/** Borrower × institution pairs with a FURNISHING consent already granted in this file. */
const furnishingAllowed = new Set<string>();

/** The borrower authorises `inst` to furnish (FURNISHING consent, a year, every kind it may report). */
export async function allowFurnishing(t: TestApp, borrowerId: string, inst: Inst): Promise<string> {
  const b = { id: borrowerId, token: await borrowerToken(t, borrowerId) };
  const id = await consent(t, b, inst, 'FURNISHING', new Date(t.now.getTime() + 365 * 86_400_000).toISOString());
  furnishingAllowed.add(`${inst.id}:${borrowerId}`);
  return id;
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

/**
 * Furnish through GraphQL. Setup: first has each borrower grant `inst` a FURNISHING consent
 * (once per borrower and institution); tests of the right to furnish call FURNISH themselves.
 */
export async function furnish(t: TestApp, inst: Inst, records: RecordInput[]) {
  for (const id of new Set(records.map((r) => r.borrowerId))) {
    if (!furnishingAllowed.has(`${inst.id}:${id}`)) await allowFurnishing(t, id, inst);
  }
  return ok(await t.gql(inst.token, FURNISH, { r: records.map(record) })).furnishCreditRecords as {
    created: number;
    updated: number;
    accounts: { id: string; accountRef: string; status: string; paymentPattern: string; balance: string }[];
  };
}

let keySeq = 0;
/** A fresh idempotency key. */
export const key = (label = 'k') => `${label}-${process.pid}-${Date.now()}-${++keySeq}`;

export const SUBMIT = `mutation($i: ApplicationInput!, $k: String!) { submitApplication(input: $i, idempotencyKey: $k) { id status amount } }`;
export const REVIEW = `mutation($id: ID!, $d: ReviewDecision!, $r: [String!], $k: String!) {
  reviewApplication(id: $id, decision: $d, reasons: $r, idempotencyKey: $k) { id status reviews { reviewerRole decision eligible grade parameterVersion } } }`;
export const ISSUE = `mutation($a: ID!, $k: String!) { issuePolicy(applicationId: $a, idempotencyKey: $k) {
  id policyNumber status insuredAmount premiumRate premiumAmount borrowerPremium subsidyAmount grade parameterVersion } }`;
export const PLEDGE = `mutation($p: ID!, $k: String!) { pledgePolicy(policyId: $p, idempotencyKey: $k) { id status pledgedAt } }`;
export const DISBURSE = `mutation($i: DisbursementInput!, $k: String!) { disburseLoan(input: $i, idempotencyKey: $k) {
  id loanNumber status principal interestRate disbursedOn maturityOn outstandingPrincipal schedule { seq dueOn principalDue interestDue } } }`;
export const REPAY = `mutation($l: ID!, $a: Money!, $d: Date, $k: String!) { recordRepayment(loanId: $l, amount: $a, paidOn: $d, idempotencyKey: $k) {
  id amount allocation { seq interest principal } loan { status outstandingPrincipal daysPastDue delinquency closedOn } } }`;

export interface Deal {
  applicationId: string;
  policyId: string;
  loanId: string;
  loanNumber: string;
  policyNumber: string;
}

/** A programme loan through the whole lifecycle up to disbursement. */
export async function disbursedLoan(
  t: TestApp,
  b: BorrowerHandle,
  bank: Inst,
  insurer: Inst,
  terms: { amount?: string; termYears?: number; interestRate?: string; repaymentMethod?: string; disbursedOn?: string } = {},
): Promise<Deal> {
  const app = ok(
    await t.gql(b.token, SUBMIT, {
      i: {
        bankId: bank.id,
        insurerId: insurer.id,
        amount: terms.amount ?? '100000.00',
        termYears: terms.termYears ?? 1,
        interestRate: terms.interestRate ?? '0.05',
        repaymentMethod: terms.repaymentMethod ?? 'INTEREST_ONLY_BULLET',
        loanPurpose: '扩大养殖规模',
      },
      k: key('submit'),
    }),
  ).submitApplication;
  ok(await t.gql(bank.token, REVIEW, { id: app.id, d: 'APPROVE', k: key('review') }));
  ok(await t.gql(insurer.token, REVIEW, { id: app.id, d: 'APPROVE', k: key('review') }));
  const policy = ok(await t.gql(insurer.token, ISSUE, { a: app.id, k: key('issue') })).issuePolicy;
  ok(await t.gql(bank.token, PLEDGE, { p: policy.id, k: key('pledge') }));
  const loan = ok(
    await t.gql(bank.token, DISBURSE, { i: { policyId: policy.id, disbursedOn: terms.disbursedOn }, k: key('disburse') }),
  ).disburseLoan;
  return { applicationId: app.id, policyId: policy.id, loanId: loan.id, loanNumber: loan.loanNumber, policyNumber: policy.policyNumber };
}

export const AGE = `mutation($d: Date) { ageLoans(asOf: $d) { asOf examined changed defaulted } }`;
export const FILE_CLAIM = `mutation($l: ID!, $k: String!) { fileClaim(loanId: $l, idempotencyKey: $k) { id status outstandingPrincipal insurerAmount bankAmount } }`;
export const PAY_CLAIM = `mutation($c: ID!, $k: String!) { payClaim(claimId: $c, idempotencyKey: $k) { id status paidAt } }`;
export const COURT = `mutation($l: ID!, $r: String!, $d: Date!, $k: String!) { confirmNonPerforming(loanId: $l, courtCaseRef: $r, decidedOn: $d, idempotencyKey: $k) { loanId courtCaseRef decidedOn } }`;
export const COMPENSATE = `mutation($c: ID!, $k: String!) { approveRiskCompensation(claimId: $c, idempotencyKey: $k) {
  id status compensationOwed compensationPaid compensationShortfall } }`;
export const RECOVER = `mutation($l: ID!, $a: Money!, $k: String!) { recordRecovery(loanId: $l, amount: $a, idempotencyKey: $k) { id amount toBank toInsurer toFund } }`;
export const DEPOSIT = `mutation($f: FundKind!, $a: Money!, $k: String!) { depositToFund(fund: $f, amount: $a, memo: "budget", idempotencyKey: $k) { transactionId amount arrearsSettled } }`;

export const adminToken = (t: TestApp) => t.token({ sub: 'admin-1', role: 'ADMIN' });

/**
 * `n` programme loans that default: disbursed now, never repaid, aged on day 40 (the first
 * instalment, due after a month, is missed: the prior notice) and on day 130 (past the 90-day
 * threshold). Moves the clock to day 130 and leaves it there.
 */
export async function defaultedDeals(
  t: TestApp,
  b: BorrowerHandle,
  bank: Inst,
  insurer: Inst,
  n: number,
  terms: { amount?: string; interestRate?: string } = {},
): Promise<Deal[]> {
  const deals: Deal[] = [];
  for (let i = 0; i < n; i++)
    deals.push(await disbursedLoan(t, b, bank, insurer, { amount: terms.amount ?? '1000.00', interestRate: terms.interestRate ?? '0.04' }));
  const start = t.now.getTime();
  // first the missed instalment (about 10 days past due: the borrower's prior notice, 条例 Art 15),
  // then day 130, past the 90-day threshold: the adverse statuses take effect at once
  for (const days of [40, 130]) {
    t.setNow(new Date(start + days * 86_400_000));
    ok(await t.gql(await adminToken(t), AGE, {}));
  }
  return deals;
}

/** File and pay a claim on a defaulted deal; returns the claim id. */
export async function paidClaim(t: TestApp, deal: Deal, bank: Inst, insurer: Inst): Promise<string> {
  const c = ok(await t.gql(bank.token, FILE_CLAIM, { l: deal.loanId, k: key() })).fileClaim;
  ok(await t.gql(insurer.token, PAY_CLAIM, { c: c.id, k: key() }));
  return c.id;
}

/** The ledger must balance after every test: every transaction sums to zero, every account equals its entries. */
export async function expectBalancedLedger(t: TestApp) {
  const { trialBalance } = await import('../src/modules/ledger/store.js');
  const r = await trialBalance(t.tdb.db.orm);
  if (Number(r.total) !== 0 || r.mismatched !== 0 || r.unbalanced !== 0) {
    throw new Error(`ledger out of balance: ${JSON.stringify(r)}`);
  }
}
