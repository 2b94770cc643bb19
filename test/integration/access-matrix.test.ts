import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildSchema } from '../../src/graphql/schema.js';
import type { Role } from '../../src/domain.js';
import {
  allowFurnishing,
  borrower,
  COMPENSATE,
  consent,
  COURT,
  defaultedDeals,
  DEPOSIT,
  disbursedLoan,
  FILE_CLAIM,
  furnish,
  institution,
  ISSUE,
  key,
  nationalId,
  PAY_CLAIM,
  paidClaim,
  PLEDGE,
  record,
  RECOVER,
  REVIEW,
  SUBMIT,
  type BorrowerHandle,
  type Deal,
  type Inst,
} from '../factories.js';
import { codeOf, useTestApp, type TestApp } from '../helpers/app.js';

/**
 * The role × operation matrix: every Query and Mutation field, called by every role and with
 * no token. Allowed roles get data; others get FORBIDDEN; no token gets UNAUTHENTICATED.
 * A new field without a row here fails the completeness check below.
 */
const ROLES: Role[] = ['BANK', 'INSURER', 'GOVERNMENT', 'BORROWER', 'ADMIN', 'DATA_SOURCE'];
/** Everyone but the public authorities (they furnish public records and answer disputes of them, nothing else). */
const PROGRAMME_ROLES: Role[] = ['BANK', 'INSURER', 'GOVERNMENT', 'BORROWER', 'ADMIN'];

interface Op {
  field: string;
  allowed: Role[];
  doc: string;
  /** Fresh variables for a call by `role` (the fixtures it needs are created here; a refused call gets none). */
  vars?: (role: Role | null, allowed: boolean) => Promise<Record<string, unknown>>;
}

const app = useTestApp({ now: '2026-06-15T02:00:00.000Z' });
let t: TestApp;
let bank: Inst;
let insurer: Inst;
let gov: Inst;
let court: Inst;
let b: BorrowerHandle;
/** b's national id: the court's records name the borrower by it. */
let bNationalId: string;
const tokens = {} as Record<Role, string>;
let n = 0;
let deal: Deal;
let defaulted: Deal[];
const NOWHERE = '00000000-0000-4000-8000-000000000000';
let nextDefaulted = 0;
const aDefaultedLoan = () => defaulted[nextDefaulted++];

/** Small programme fixtures, staged as far as a test needs them. */
async function submitted() {
  const i = { bankId: bank.id, insurerId: insurer.id, amount: '1000.00', termYears: 1, interestRate: '0.04', loanPurpose: 'matrix' };
  return (await t.gql(b.token, SUBMIT, { i, k: key() })).data.submitApplication.id as string;
}
async function approved() {
  const id = await submitted();
  await t.gql(bank.token, REVIEW, { id, d: 'APPROVE', k: key() });
  await t.gql(insurer.token, REVIEW, { id, d: 'APPROVE', k: key() });
  return id;
}
async function issued() {
  return (await t.gql(insurer.token, ISSUE, { a: await approved(), k: key() })).data.issuePolicy.id as string;
}
async function pledged() {
  const id = await issued();
  await t.gql(bank.token, PLEDGE, { p: id, k: key() });
  return id;
}

beforeAll(async () => {
  t = await app();
  bank = await institution(t, 'BANK');
  insurer = await institution(t, 'INSURER');
  gov = await institution(t, 'GOVERNMENT');
  court = await institution(t, 'DATA_SOURCE', undefined, 'COURT');
  bNationalId = nationalId();
  b = await borrower(t, bank, { nationalId: bNationalId });
  // another borrower's loans that default 130 days on; the clock stays there for the rest of the file
  defaulted = await defaultedDeals(t, await borrower(t, bank), bank, insurer, 8);
  await consent(t, b, bank, 'LOAN_APPLICATION');
  // b authorises both to furnish (the furnishCreditRecords row furnishes directly)
  await allowFurnishing(t, b.id, bank);
  await allowFurnishing(t, b.id, insurer);
  await consent(t, b, insurer, 'LOAN_APPLICATION');
  tokens.BANK = bank.token;
  tokens.INSURER = insurer.token;
  tokens.GOVERNMENT = gov.token;
  tokens.BORROWER = b.token;
  tokens.ADMIN = await t.token({ sub: 'admin-1', role: 'ADMIN' });
  tokens.DATA_SOURCE = court.token;
  deal = await disbursedLoan(t, b, bank, insurer, { amount: '2000.00', interestRate: '0.04' });
});

const instOf = (role: Role | null) => (role === 'INSURER' ? insurer : bank);

const OPS: Op[] = [
  { field: 'me', allowed: ROLES, doc: `{ me { role } }` },
  { field: 'institutions', allowed: ROLES, doc: `{ institutions { id } }` },
  {
    field: 'creditProfile',
    allowed: ['BANK', 'INSURER'],
    doc: `query($b: ID!) { creditProfile(borrowerId: $b, purpose: LOAN_APPLICATION) { borrower { id } } }`,
    vars: async () => ({ b: b.id }),
  },
  { field: 'myCreditProfile', allowed: ['BORROWER'], doc: `{ myCreditProfile { borrower { id } } }` },
  { field: 'myConsents', allowed: ['BORROWER'], doc: `{ myConsents { id } }` },
  { field: 'customers', allowed: ['BANK', 'INSURER'], doc: `{ customers { nodes { borrower { id } } } }` },
  { field: 'myDisputes', allowed: ['BORROWER'], doc: `{ myDisputes { id } }` },
  { field: 'disputesToAnswer', allowed: ['BANK', 'INSURER', 'DATA_SOURCE', 'ADMIN'], doc: `{ disputesToAnswer { id } }` },
  { field: 'overdueDisputes', allowed: ['ADMIN'], doc: `{ overdueDisputes { id } }` },
  { field: 'auditTrail', allowed: ['ADMIN'], doc: `{ auditTrail(first: 5) { entries { id action } } }` },
  {
    field: 'createInstitution',
    allowed: ['ADMIN'],
    doc: `mutation($i: CreateInstitutionInput!) { createInstitution(input: $i) { id } }`,
    vars: async () => ({ i: { id: `matrix-bank-${++n}`, kind: 'BANK', name: 'Matrix Bank' } }),
  },
  {
    field: 'registerBorrower',
    allowed: ['BANK', 'INSURER'],
    doc: `mutation($i: RegisterBorrowerInput!) { registerBorrower(input: $i) { borrowerId } }`,
    vars: async () => ({
      i: {
        name: '矩阵',
        nationalId: nationalId(),
        category: 'RURAL_HOUSEHOLD',
        county: '沽源县',
        sector: 'planting',
        registeredOn: '2020-01-01',
      },
    }),
  },
  {
    field: 'furnishCreditRecords',
    allowed: ['BANK', 'INSURER'],
    doc: `mutation($r: [CreditRecordInput!]!) { furnishCreditRecords(records: $r) { created } }`,
    vars: async (role) => ({ r: [record({ borrowerId: b.id, kind: role === 'INSURER' ? 'INSURANCE_POLICY' : 'LOAN' })] }),
  },
  {
    field: 'grantConsent',
    allowed: ['BORROWER'],
    doc: `mutation($i: ID!) { grantConsent(institutionId: $i, purpose: UNDERWRITING, expiresAt: "2026-12-31T00:00:00Z") { id } }`,
    vars: async () => ({ i: insurer.id }),
  },
  {
    field: 'revokeConsent',
    allowed: ['BORROWER'],
    doc: `mutation($id: ID!) { revokeConsent(id: $id) { id } }`,
    vars: async () => ({ id: await consent(t, b, insurer, 'POST_LOAN_MANAGEMENT') }),
  },
  {
    field: 'fileDispute',
    allowed: ['BORROWER'],
    doc: `mutation($r: ID!) { fileDispute(recordId: $r, reason: "wrong") { id } }`,
    vars: async () => ({ r: (await furnish(t, bank, [{ borrowerId: b.id }])).accounts[0].id }),
  },
  {
    field: 'resolveDispute',
    allowed: ['BANK', 'INSURER', 'DATA_SOURCE', 'ADMIN'],
    doc: `mutation($id: ID!) { resolveDispute(id: $id, outcome: VERIFIED, note: "checked") { id } }`,
    vars: async (role) => ({ id: await disputeFor(role) }),
  },
  {
    field: 'correctCreditRecord',
    allowed: ['BANK', 'INSURER'],
    doc: `mutation($r: ID!, $m: [MonthCorrectionInput!]!) { correctCreditRecord(recordId: $r, months: $m, reason: "our error") { id } }`,
    vars: async (role) => {
      const inst = instOf(role);
      const acc = (
        await furnish(t, inst, [
          {
            borrowerId: b.id,
            kind: inst.kind === 'INSURER' ? 'INSURANCE_POLICY' : 'LOAN',
            openedOn: '2026-01-10',
            statusMonth: '2026-05-01',
          },
        ])
      ).accounts[0].id;
      // April was never reported: the furnisher reports it late, through the marked path
      return { r: acc, m: [{ month: '2026-04-01', status: 'CURRENT' }] };
    },
  },
  { field: 'myNotices', allowed: ['BORROWER'], doc: `{ myNotices { id } }` },
  { field: 'consentPurposes', allowed: ROLES, doc: `{ consentPurposes { purpose maxDays } }` },
  {
    field: 'addPersonalStatement',
    allowed: ['BORROWER'],
    doc: `mutation { addPersonalStatement(text: "本人声明：经营正常。") { id } }`,
  },
  {
    field: 'withdrawPersonalStatement',
    allowed: ['BORROWER'],
    doc: `mutation($id: ID!) { withdrawPersonalStatement(id: $id) { id } }`,
    vars: async () => ({
      id: (await t.gql(b.token, `mutation { addPersonalStatement(text: "本人声明。") { id } }`)).data.addPersonalStatement.id,
    }),
  },
  {
    field: 'furnishPublicRecords',
    allowed: ['DATA_SOURCE'],
    doc: `mutation($r: [PublicRecordInput!]!) { furnishPublicRecords(records: $r) { id } }`,
    vars: async () => ({ r: [publicRecord()] }),
  },
  { field: 'furnishedPublicRecords', allowed: ['DATA_SOURCE'], doc: `{ furnishedPublicRecords { nodes { id } } }` },
  { field: 'myDecisions', allowed: ['BORROWER'], doc: `{ myDecisions { id } }` },
  { field: 'humanReviewsToAnswer', allowed: ['BANK', 'INSURER'], doc: `{ humanReviewsToAnswer { id } }` },
  {
    field: 'requestHumanReview',
    allowed: ['BORROWER'],
    doc: `mutation($a: ID!, $k: String!) { requestHumanReview(applicationId: $a, statement: "请人工复核", idempotencyKey: $k) { id } }`,
    vars: async (_r, allowed) => ({ a: allowed ? await declined('BANK') : NOWHERE, k: key() }),
  },
  {
    field: 'resolveHumanReview',
    allowed: ['BANK', 'INSURER'],
    doc: `mutation($id: ID!, $k: String!) { resolveHumanReview(id: $id, outcome: UPHOLD, justification: "rules stand", idempotencyKey: $k) { id } }`,
    vars: async (role, allowed) => {
      if (!allowed) return { id: NOWHERE, k: key() };
      const app = await declined(role as 'BANK' | 'INSURER');
      const r = await t.gql(
        b.token,
        `mutation($a: ID!, $k: String!) { requestHumanReview(applicationId: $a, statement: "请复核", idempotencyKey: $k) { id } }`,
        {
          a: app,
          k: key(),
        },
      );
      return { id: r.data.requestHumanReview.id, k: key() };
    },
  },
  {
    field: 'deactivateInstitution',
    allowed: ['ADMIN'],
    doc: `mutation($id: ID!) { deactivateInstitution(id: $id, reason: "matrix") { id } }`,
    vars: async (_r, allowed) => ({ id: allowed ? (await institution(t, 'BANK')).id : bank.id }),
  },
  { field: 'programmeParameters', allowed: PROGRAMME_ROLES, doc: `{ programmeParameters { version } }` },
  { field: 'parameterVersions', allowed: PROGRAMME_ROLES, doc: `{ parameterVersions { version } }` },
  {
    field: 'quote',
    allowed: ['BANK', 'INSURER', 'BORROWER'],
    doc: `query($i: QuoteInput!) { quote(input: $i) { eligible } }`,
    vars: async (role) => ({
      i: {
        borrowerId: role === 'BORROWER' ? null : b.id,
        amount: '1000.00',
        termYears: 1,
        interestRate: '0.04',
        purpose: 'LOAN_APPLICATION',
      },
    }),
  },
  {
    field: 'application',
    allowed: ['BANK', 'INSURER', 'BORROWER'],
    doc: `query($id: ID!) { application(id: $id) { id } }`,
    vars: async () => ({ id: deal.applicationId }),
  },
  { field: 'applications', allowed: ['BANK', 'INSURER', 'BORROWER'], doc: `{ applications { id } }` },
  {
    field: 'policy',
    allowed: ['BANK', 'INSURER', 'BORROWER'],
    doc: `query($id: ID!) { policy(id: $id) { id } }`,
    vars: async () => ({ id: deal.policyId }),
  },
  {
    field: 'loan',
    allowed: ['BANK', 'INSURER', 'BORROWER'],
    doc: `query($id: ID!) { loan(id: $id) { id } }`,
    vars: async () => ({ id: deal.loanId }),
  },
  { field: 'loans', allowed: ['BANK', 'INSURER', 'BORROWER'], doc: `{ loans { id } }` },
  {
    field: 'createParameterVersion',
    allowed: ['GOVERNMENT', 'ADMIN'],
    doc: `mutation($k: String!) { createParameterVersion(input: { effectiveFrom: "2030-01-01T00:00:00Z", note: "matrix", changes: {} }, idempotencyKey: $k) { version } }`,
    vars: async () => ({ k: key() }),
  },
  {
    field: 'submitApplication',
    allowed: ['BANK', 'BORROWER'],
    doc: SUBMIT,
    vars: async (role) => ({
      i: {
        borrowerId: role === 'BORROWER' ? null : b.id,
        bankId: bank.id,
        insurerId: insurer.id,
        amount: '1000.00',
        termYears: 1,
        interestRate: '0.04',
        loanPurpose: 'matrix',
      },
      k: key(),
    }),
  },
  {
    field: 'reviewApplication',
    allowed: ['BANK', 'INSURER'],
    doc: REVIEW,
    vars: async () => ({ id: await submitted(), d: 'APPROVE', k: key() }),
  },
  { field: 'issuePolicy', allowed: ['INSURER'], doc: ISSUE, vars: async () => ({ a: await approved(), k: key() }) },
  { field: 'pledgePolicy', allowed: ['BANK'], doc: PLEDGE, vars: async () => ({ p: await issued(), k: key() }) },
  {
    field: 'disburseLoan',
    allowed: ['BANK'],
    doc: `mutation($p: ID!, $k: String!) { disburseLoan(input: { policyId: $p }, idempotencyKey: $k) { id } }`,
    vars: async () => ({ p: await pledged(), k: key() }),
  },
  {
    field: 'recordRepayment',
    allowed: ['BANK'],
    doc: `mutation($l: ID!, $k: String!) { recordRepayment(loanId: $l, amount: "1.00", idempotencyKey: $k) { id } }`,
    vars: async () => ({ l: deal.loanId, k: key() }),
  },
  {
    field: 'settlementQuote',
    allowed: ['BANK', 'INSURER', 'BORROWER'],
    doc: `query($l: ID!) { settlementQuote(loanId: $l) { total } }`,
    vars: async () => ({ l: deal.loanId }),
  },
  {
    field: 'settleLoan',
    allowed: ['BANK'],
    // a fresh 1,000.00 loan settled on its day of disbursement: the principal, nothing accrued
    doc: `mutation($i: SettlementInput!, $k: String!) { settleLoan(input: $i, idempotencyKey: $k) { total } }`,
    vars: async (_r, allowed) => ({
      i: {
        loanId: allowed ? (await disbursedLoan(t, b, bank, insurer, { amount: '1000.00', interestRate: '0.04' })).loanId : NOWHERE,
        amount: '1000.00',
      },
      k: key(),
    }),
  },
  {
    field: 'proposeExtension',
    allowed: ['BANK'],
    // a fresh, current 1,000.00 loan extended by 6 months
    doc: `mutation($i: ExtensionInput!, $k: String!) { proposeExtension(input: $i, idempotencyKey: $k) { id } }`,
    vars: async (_r, allowed) => ({ i: { loanId: allowed ? await freshLoan() : NOWHERE, extraMonths: 6, reason: 'matrix' }, k: key() }),
  },
  {
    field: 'agreeExtension',
    allowed: ['INSURER'],
    doc: `mutation($id: ID!, $k: String!) { agreeExtension(id: $id, idempotencyKey: $k) { id } }`,
    vars: async (_r, allowed) => ({ id: allowed ? await proposedExtension() : NOWHERE, k: key() }),
  },
  {
    field: 'declineExtension',
    allowed: ['INSURER'],
    doc: `mutation($id: ID!, $k: String!) { declineExtension(id: $id, reason: "matrix", idempotencyKey: $k) { id } }`,
    vars: async (_r, allowed) => ({ id: allowed ? await proposedExtension() : NOWHERE, k: key() }),
  },
  { field: 'fundBalances', allowed: ['BANK', 'INSURER', 'GOVERNMENT', 'ADMIN'], doc: `{ fundBalances { premiumSubsidyFund } }` },
  { field: 'ledgerEntries', allowed: ['BANK', 'INSURER', 'GOVERNMENT', 'ADMIN'], doc: `{ ledgerEntries { id } }` },
  { field: 'trialBalance', allowed: ['GOVERNMENT', 'ADMIN'], doc: `{ trialBalance { total } }` },
  { field: 'claims', allowed: ['BANK', 'INSURER', 'GOVERNMENT', 'ADMIN'], doc: `{ claims { id } }` },
  {
    field: 'claim',
    allowed: ['BANK', 'INSURER', 'GOVERNMENT', 'ADMIN'],
    doc: `query($id: ID!) { claim(id: $id) { id } }`,
    vars: async (_r, allowed) => ({ id: allowed ? await claimFixture() : NOWHERE }),
  },
  {
    field: 'depositToFund',
    allowed: ['GOVERNMENT'],
    doc: DEPOSIT,
    vars: async () => ({ f: 'RISK_COMPENSATION', a: '10.00', k: key() }),
  },
  { field: 'ageLoans', allowed: ['ADMIN'], doc: `mutation { ageLoans { examined } }` },
  {
    field: 'fileClaim',
    allowed: ['BANK'],
    doc: FILE_CLAIM,
    vars: async (_r, allowed) => ({ l: allowed ? aDefaultedLoan().loanId : NOWHERE, k: key() }),
  },
  {
    field: 'payClaim',
    allowed: ['INSURER'],
    doc: PAY_CLAIM,
    vars: async (_r, allowed) => ({
      c: allowed ? (await t.gql(bank.token, FILE_CLAIM, { l: aDefaultedLoan().loanId, k: key() })).data.fileClaim.id : NOWHERE,
      k: key(),
    }),
  },
  {
    field: 'confirmNonPerforming',
    allowed: ['BANK', 'INSURER'],
    doc: COURT,
    vars: async (_r, allowed) => ({ l: allowed ? aDefaultedLoan().loanId : NOWHERE, r: 'case', d: '2026-10-23', k: key() }),
  },
  {
    field: 'approveRiskCompensation',
    allowed: ['GOVERNMENT'],
    doc: COMPENSATE,
    vars: async (_r, allowed) => {
      if (!allowed) return { c: NOWHERE, k: key() };
      const d = aDefaultedLoan();
      const c = await paidClaim(t, d, bank, insurer);
      await t.gql(bank.token, COURT, { l: d.loanId, r: 'case', d: '2026-10-23', k: key() });
      return { c, k: key() };
    },
  },
  {
    field: 'writeOffLoss',
    allowed: ['BANK', 'INSURER'],
    doc: `mutation($l: ID!, $k: String!) { writeOffLoss(loanId: $l, idempotencyKey: $k) { id } }`,
    vars: async (_r, allowed) => ({ l: allowed ? await paidClaimLoan() : NOWHERE, k: key() }),
  },
  {
    field: 'recordRecovery',
    allowed: ['BANK', 'INSURER'],
    doc: RECOVER,
    vars: async (_r, allowed) => ({ l: allowed ? (await claimFixture(), claimedLoan!) : NOWHERE, a: '1.00', k: key() }),
  },
  { field: 'programmeMetrics', allowed: ['GOVERNMENT', 'ADMIN'], doc: `{ programmeMetrics { totals { suppressed } } }` },
  // the deprecated spelling, kept for a release
  { field: 'programMetrics', allowed: ['GOVERNMENT', 'ADMIN'], doc: `{ programMetrics { totals { suppressed } } }` },
  // webhooks: a public address (the matrix never runs the delivery worker, so nothing is sent)
  { field: 'webhooks', allowed: ['BANK', 'INSURER'], doc: `{ webhooks { id } }` },
  { field: 'webhookDeliveries', allowed: ['BANK', 'INSURER'], doc: `{ webhookDeliveries { id } }` },
  {
    field: 'registerWebhook',
    allowed: ['BANK', 'INSURER'],
    doc: `mutation($u: String!, $k: String!) { registerWebhook(url: $u, idempotencyKey: $k) { id } }`,
    vars: async () => ({ u: 'https://8.8.8.8/matrix-hook', k: key() }),
  },
  {
    field: 'rotateWebhookSecret',
    allowed: ['BANK', 'INSURER'],
    doc: `mutation($id: ID!, $k: String!) { rotateWebhookSecret(id: $id, idempotencyKey: $k) { id } }`,
    vars: async (role, allowed) => ({
      id: allowed
        ? (
            await t.gql(
              instOf(role).token,
              `mutation($k: String!) { registerWebhook(url: "https://8.8.8.8/matrix-hook", idempotencyKey: $k) { id } }`,
              {
                k: key(),
              },
            )
          ).data.registerWebhook.id
        : NOWHERE,
      k: key(),
    }),
  },
  {
    field: 'replayDeliveries',
    allowed: ['BANK', 'INSURER'],
    doc: `mutation($s: DateTime!, $k: String!) { replayDeliveries(since: $s, idempotencyKey: $k) { queued } }`,
    vars: async () => ({ s: '2026-01-01T00:00:00Z', k: key() }),
  },
  // monitoring: alerts to the watching bank or insurer; the consumers' run to ADMIN
  { field: 'alerts', allowed: ['BANK', 'INSURER'], doc: `{ alerts { edges { node { id } } pageInfo { hasNextPage } } }` },
  {
    field: 'borrowerAlerts',
    allowed: ['BANK', 'INSURER'],
    doc: `query($b: ID!) { borrowerAlerts(borrowerId: $b) { id } }`,
    vars: async () => ({ b: b.id }),
  },
  {
    field: 'acknowledgeAlert',
    allowed: ['BANK', 'INSURER'],
    doc: `mutation($id: ID!, $k: String!) { acknowledgeAlert(id: $id, idempotencyKey: $k) { id acknowledgedAt } }`,
    vars: async (role, allowed) => ({ id: allowed ? await alertFor(instOf(role).id) : NOWHERE, k: key() }),
  },
  { field: 'processEvents', allowed: ['ADMIN'], doc: `mutation { processEvents { events alerts notices } }` },
];

/** An alert to `institutionId` about b (straight to the table: setup; test/integration/monitoring.test.ts raises real ones). */
async function alertFor(institutionId: string): Promise<string> {
  const r = await t.tdb.db.orm.execute(
    sql`insert into alerts (institution_id, borrower_id, event_id, event_type, rule, severity, basis, message, detail, parameter_version, created_at, visible_from)
        values (${institutionId}, ${b.id}::uuid, gen_random_uuid(), 'credit.account.updated', 'NEW_DELINQUENCY', 'ORANGE', 'LIVE_LOAN', 'matrix', '{}'::jsonb, 1,
                ${t.now.toISOString()}::timestamptz, ${t.now.toISOString()}::timestamptz) returning id`,
  );
  const rows = (Array.isArray(r) ? r : (r as unknown as { rows: { id: string }[] }).rows) as { id: string }[];
  return rows[0].id;
}

let writeOffLoan: string | undefined;
/** One paid claim the bank and the insurer each write their share off. */
async function paidClaimLoan() {
  if (!writeOffLoan) {
    const d = aDefaultedLoan();
    await paidClaim(t, d, bank, insurer);
    writeOffLoan = d.loanId;
  }
  return writeOffLoan;
}

let caseSeq = 0;
/** A court's public record on b. */
function publicRecord() {
  return {
    nationalId: bNationalId,
    subjectName: '矩阵',
    kind: 'COURT_JUDGMENT',
    caseNumber: `(2026)冀07民初${++caseSeq}号`,
    title: '借款合同纠纷',
    amount: '1000.00',
    decidedOn: '2026-03-01',
    effectiveOn: '2026-03-15',
    status: 'ACTIVE',
  };
}

/** An application `role`'s institution declined (the other one has not reviewed). */
async function declined(role: 'BANK' | 'INSURER') {
  const id = await submitted();
  await t.gql(instOf(role).token, REVIEW, { id, d: 'DECLINE', r: ['matrix'], k: key() });
  return id;
}

/** An open dispute the role answers: a record it furnished, a public record it furnished, b's identity (ADMIN). */
async function disputeFor(role: Role | null): Promise<string> {
  const file = async (arg: string, v: Record<string, unknown>) =>
    (await t.gql(b.token, `mutation($x: ID) { fileDispute(${arg}: $x, reason: "x") { id } }`, v)).data.fileDispute.id as string;
  if (role === 'DATA_SOURCE') {
    const r = await t.gql(court.token, `mutation($r: [PublicRecordInput!]!) { furnishPublicRecords(records: $r) { id } }`, {
      r: [publicRecord()],
    });
    return file('publicRecordId', { x: r.data.furnishPublicRecords[0].id });
  }
  if (role === 'ADMIN') {
    const open = (await t.gql(b.token, `{ myDisputes { id subject status } }`)).data.myDisputes.find(
      (d: { subject: string; status: string }) => d.subject === 'IDENTITY' && d.status === 'OPEN',
    );
    if (open) return open.id;
    return (await t.gql(b.token, `mutation { fileDispute(identity: true, reason: "my county is wrong") { id } }`)).data.fileDispute.id;
  }
  const inst = instOf(role);
  const acc = (await furnish(t, inst, [{ borrowerId: b.id, kind: inst.kind === 'INSURER' ? 'INSURANCE_POLICY' : 'LOAN' }])).accounts[0].id;
  return file('recordId', { x: acc });
}

/** A fresh, current loan of b's (disbursed today), and an extension of one proposed by its bank. */
const freshLoan = async () => (await disbursedLoan(t, b, bank, insurer, { amount: '1000.00', interestRate: '0.04' })).loanId;
async function proposedExtension(): Promise<string> {
  const r = await t.gql(
    bank.token,
    `mutation($i: ExtensionInput!, $k: String!) { proposeExtension(input: $i, idempotencyKey: $k) { id } }`,
    {
      i: { loanId: await freshLoan(), extraMonths: 6, reason: 'matrix' },
      k: key(),
    },
  );
  return r.data.proposeExtension.id;
}

let claimed: string | undefined;
let claimedLoan: string | undefined;
/** One paid claim, shared by the read and recovery rows. */
async function claimFixture() {
  if (!claimed) {
    const d = aDefaultedLoan();
    claimed = await paidClaim(t, d, bank, insurer);
    claimedLoan = d.loanId;
  }
  return claimed;
}

describe('role × operation matrix', () => {
  it('covers every Query and Mutation field of the schema', () => {
    const schema = buildSchema();
    const fields = [...Object.keys(schema.getQueryType()!.getFields()), ...Object.keys(schema.getMutationType()!.getFields())];
    expect(OPS.map((o) => o.field).sort()).toEqual(fields.sort());
  });

  for (const op of OPS) {
    describe(op.field, () => {
      it('without a token: UNAUTHENTICATED', async () => {
        const r = await t.gql(null, op.doc, op.vars ? await op.vars(null, false) : {});
        expect(codeOf(r)).toBe('UNAUTHENTICATED');
        expect(r.data?.[op.field] ?? null).toBeNull();
      });
      for (const role of ROLES) {
        const allowed = op.allowed.includes(role);
        it(`${role}: ${allowed ? 'data' : 'FORBIDDEN'}`, async () => {
          const r = await t.gql(tokens[role], op.doc, op.vars ? await op.vars(role, allowed) : {});
          if (allowed) {
            expect(r.errors).toBeUndefined();
            expect(r.data?.[op.field]).toBeTruthy();
          } else {
            expect(codeOf(r)).toBe('FORBIDDEN');
            expect(r.data?.[op.field] ?? null).toBeNull();
          }
        });
      }
    });
  }
});

describe('tokens', () => {
  it('refuses an expired token, a malformed header and a forged signature with UNAUTHENTICATED', async () => {
    const expired = await t.token({ sub: 'x', role: 'BANK', inst: bank.id }, -10);
    const r1 = await t.gql(expired, `{ me { role } }`);
    expect(codeOf(r1)).toBe('UNAUTHENTICATED');
    expect(r1.errors![0].message).toMatch(/expired/);
    const ctx = await t.app.contextFor('Token abc');
    const r2 = await t.app.apollo.executeOperation({ query: `{ me { role } }` }, { contextValue: ctx });
    expect((r2.body as any).singleResult.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    const [h, p] = tokens.BANK.split('.');
    const forged = `${h}.${p}.${'A'.repeat(43)}`;
    expect(codeOf(await t.gql(forged, `{ me { role } }`))).toBe('UNAUTHENTICATED');
  });

  it('refuses tokens whose claims do not fit the role', async () => {
    const { SignJWT } = await import('jose');
    const sign = (claims: Record<string, unknown>) =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject('u')
        .setExpirationTime('1h')
        .sign(new TextEncoder().encode(t.config.jwt.mode === 'hs256' ? t.config.jwt.secret : ''));
    expect(codeOf(await t.gql(await sign({ role: 'BANK' }), `{ me { role } }`))).toBe('UNAUTHENTICATED');
    expect(codeOf(await t.gql(await sign({ role: 'BORROWER', bid: 'nope' }), `{ me { role } }`))).toBe('UNAUTHENTICATED');
    expect(codeOf(await t.gql(await sign({ role: 'ROOT' }), `{ me { role } }`))).toBe('UNAUTHENTICATED');
  });

  it('refuses an HS256 token signed with another secret and an unsigned (alg none) token', async () => {
    const { SignJWT, UnsecuredJWT } = await import('jose');
    const other = await new SignJWT({ role: 'ADMIN' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('u')
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode('another-secret-another-secret-123456'));
    expect(codeOf(await t.gql(other, `{ auditTrail { entries { id } } }`))).toBe('UNAUTHENTICATED');
    const none = new UnsecuredJWT({ role: 'ADMIN' }).setSubject('u').setExpirationTime('1h').encode();
    expect(codeOf(await t.gql(none, `{ auditTrail { entries { id } } }`))).toBe('UNAUTHENTICATED');
  });
});

describe('government and admin never receive personal credit records', () => {
  it('gates every root field that can reach a personal type with the personal-data roles (test/unit/root-gates.test.ts: the rule)', async () => {
    const { coarseRules } = await import('../../src/permissions.js');
    const rules = coarseRules(buildSchema()) as any;
    // the gate sits on the roots only; nested types carry no rule of their own
    expect(Object.keys(rules).sort()).toEqual(['Mutation', 'Query', 'Subscription']);
    for (const f of ['creditProfile', 'myCreditProfile', 'customers', 'application', 'loans', 'quote'])
      expect(rules.Query[f].name).toBe('role:BANK|INSURER|BORROWER');
    // signed-in roots whose answers are personal: narrowed by what they return
    for (const f of ['registerBorrower', 'furnishCreditRecords', 'grantConsent', 'submitApplication', 'recordRepayment'])
      expect(rules.Mutation[f].name).toBe('role:BANK|INSURER|BORROWER');
    for (const f of ['addPersonalStatement', 'furnishPublicRecords'])
      expect(rules.Mutation[f].name).toBe('role:BANK|INSURER|BORROWER|DATA_SOURCE');
    expect(rules.Query.furnishedPublicRecords.name).toBe('role:BANK|INSURER|BORROWER|DATA_SOURCE');
    expect(rules.Query.programmeMetrics.name).toBe('role:GOVERNMENT|ADMIN');
  });

  it('refuses a personal read to GOVERNMENT and ADMIN before it runs: no inquiry, no audit entry', async () => {
    const before = await t.tdb.db.orm.execute(sql`select count(*)::int as n from inquiries where borrower_id = ${b.id}::uuid`);
    for (const role of ['GOVERNMENT', 'ADMIN'] as const) {
      const r = await t.gql(
        tokens[role],
        `query($b: ID!) { creditProfile(borrowerId: $b, purpose: LOAN_APPLICATION) { borrower { id } } }`,
        { b: b.id },
      );
      expect(codeOf(r)).toBe('FORBIDDEN');
      expect(r.data?.creditProfile ?? null).toBeNull();
    }
    const after = await t.tdb.db.orm.execute(sql`select count(*)::int as n from inquiries where borrower_id = ${b.id}::uuid`);
    expect(JSON.stringify(after)).toBe(JSON.stringify(before));
  });
});
