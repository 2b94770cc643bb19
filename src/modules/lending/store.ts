import { and, asc, desc, eq, inArray, isNull, or, sql, type SQL } from 'drizzle-orm';
import { one, rows, type Executor } from '../../db/client.js';
import { applicationReviews, applications, loanInstalments, loans, policies, repayments } from '../../db/schema/index.js';

export type ApplicationRow = typeof applications.$inferSelect;
export type ReviewRow = typeof applicationReviews.$inferSelect;
export type PolicyRow = typeof policies.$inferSelect;
export type LoanRow = typeof loans.$inferSelect;
export type InstalmentRow = typeof loanInstalments.$inferSelect;
export type RepaymentRow = typeof repayments.$inferSelect;

export async function insertApplication(tx: Executor, v: typeof applications.$inferInsert) {
  const [a] = await tx.insert(applications).values(v).returning();
  return a;
}

export async function lockApplication(tx: Executor, id: string) {
  const [a] = await tx.select().from(applications).where(eq(applications.id, id)).for('update');
  return a;
}

export async function applicationById(db: Executor, id: string) {
  const [a] = await db.select().from(applications).where(eq(applications.id, id));
  return a;
}

export async function updateApplication(tx: Executor, id: string, set: Partial<typeof applications.$inferInsert>) {
  const [a] = await tx.update(applications).set(set).where(eq(applications.id, id)).returning();
  return a;
}

/** What an actor may list: a bank or insurer its own applications, a borrower theirs. */
export function applicationScope(who: { institutionId?: string; borrowerId?: string }): SQL | undefined {
  if (who.borrowerId) return eq(applications.borrowerId, who.borrowerId);
  return or(eq(applications.bankId, who.institutionId!), eq(applications.insurerId, who.institutionId!));
}

export async function listApplications(db: Executor, scope: SQL | undefined, status: string | undefined, limit: number) {
  return db
    .select()
    .from(applications)
    .where(and(scope, status ? eq(applications.status, status) : undefined))
    .orderBy(desc(applications.submittedAt))
    .limit(limit);
}

export async function insertReview(tx: Executor, v: typeof applicationReviews.$inferInsert) {
  const [r] = await tx.insert(applicationReviews).values(v).returning();
  return r;
}

/** The reviews in force (one per role at most): a review a human review replaced is left out (myDecisions shows it). */
export async function reviewsOf(db: Executor, applicationIds: readonly string[]) {
  if (!applicationIds.length) return [];
  return db
    .select()
    .from(applicationReviews)
    .where(and(inArray(applicationReviews.applicationId, [...applicationIds]), isNull(applicationReviews.supersededAt)))
    .orderBy(asc(applicationReviews.reviewedAt));
}

export async function insertPolicy(tx: Executor, v: typeof policies.$inferInsert) {
  const [p] = await tx.insert(policies).values(v).returning();
  return p;
}

export async function lockPolicy(tx: Executor, id: string) {
  const [p] = await tx.select().from(policies).where(eq(policies.id, id)).for('update');
  return p;
}

export async function policiesByApplication(db: Executor, applicationIds: readonly string[]) {
  if (!applicationIds.length) return [];
  return db
    .select()
    .from(policies)
    .where(inArray(policies.applicationId, [...applicationIds]));
}

export async function policiesByIds(db: Executor, ids: readonly string[]) {
  if (!ids.length) return [];
  return db
    .select()
    .from(policies)
    .where(inArray(policies.id, [...ids]));
}

export async function policyById(db: Executor, id: string) {
  const [p] = await db.select().from(policies).where(eq(policies.id, id));
  return p;
}

export async function updatePolicy(tx: Executor, id: string, set: Partial<typeof policies.$inferInsert>) {
  const [p] = await tx.update(policies).set(set).where(eq(policies.id, id)).returning();
  return p;
}

export async function insertLoan(tx: Executor, v: typeof loans.$inferInsert) {
  const [l] = await tx.insert(loans).values(v).returning();
  return l;
}

export async function lockLoan(tx: Executor, id: string) {
  const [l] = await tx.select().from(loans).where(eq(loans.id, id)).for('update');
  return l;
}

export async function loanById(db: Executor, id: string) {
  const [l] = await db.select().from(loans).where(eq(loans.id, id));
  return l;
}

export async function loansByIds(db: Executor, ids: readonly string[]) {
  if (!ids.length) return [];
  return db
    .select()
    .from(loans)
    .where(inArray(loans.id, [...ids]));
}

export async function loansByApplication(db: Executor, applicationIds: readonly string[]) {
  if (!applicationIds.length) return [];
  return db
    .select()
    .from(loans)
    .where(inArray(loans.applicationId, [...applicationIds]));
}

export async function listLoans(
  db: Executor,
  who: { institutionId?: string; borrowerId?: string },
  status: string | undefined,
  limit: number,
) {
  const scope = who.borrowerId
    ? eq(loans.borrowerId, who.borrowerId)
    : or(eq(loans.bankId, who.institutionId!), eq(loans.insurerId, who.institutionId!));
  return db
    .select()
    .from(loans)
    .where(and(scope, status ? eq(loans.status, status) : undefined))
    .orderBy(desc(loans.disbursedOn), asc(loans.loanNumber))
    .limit(limit);
}

export async function updateLoan(tx: Executor, id: string, set: Partial<typeof loans.$inferInsert>) {
  const [l] = await tx.update(loans).set(set).where(eq(loans.id, id)).returning();
  return l;
}

export async function insertInstalments(tx: Executor, rows: (typeof loanInstalments.$inferInsert)[]) {
  if (rows.length) await tx.insert(loanInstalments).values(rows);
}

export async function instalmentsOf(db: Executor, loanIds: readonly string[]) {
  if (!loanIds.length) return [];
  return db
    .select()
    .from(loanInstalments)
    .where(inArray(loanInstalments.loanId, [...loanIds]))
    .orderBy(asc(loanInstalments.loanId), asc(loanInstalments.seq));
}

export async function addToInstalment(tx: Executor, loanId: string, seq: number, principal: string, interest: string) {
  await tx
    .update(loanInstalments)
    .set({
      principalPaid: sql`${loanInstalments.principalPaid} + ${principal}::numeric`,
      interestPaid: sql`${loanInstalments.interestPaid} + ${interest}::numeric`,
    })
    .where(and(eq(loanInstalments.loanId, loanId), eq(loanInstalments.seq, seq)));
}

export async function isFirstApplication(db: Executor, borrowerId: string, applicationId: string) {
  const [r] = await db
    .select({ id: applications.id })
    .from(applications)
    .where(and(eq(applications.borrowerId, borrowerId), sql`${applications.id} <> ${applicationId}::uuid`))
    .limit(1);
  return !r;
}

export async function isFirstLoan(db: Executor, borrowerId: string, loanId: string) {
  const [r] = await db
    .select({ id: loans.id })
    .from(loans)
    .where(and(eq(loans.borrowerId, borrowerId), sql`${loans.id} <> ${loanId}::uuid`))
    .limit(1);
  return !r;
}

export async function insertRepayment(tx: Executor, v: typeof repayments.$inferInsert) {
  const [r] = await tx.insert(repayments).values(v).returning();
  return r;
}

export async function repaymentsOf(db: Executor, loanIds: readonly string[]) {
  if (!loanIds.length) return [];
  return db
    .select()
    .from(repayments)
    .where(inArray(repayments.loanId, [...loanIds]))
    .orderBy(asc(repayments.paidOn), asc(repayments.recordedAt));
}

/**
 * What the programme already knows of a borrower: exposure (outstanding principal of open
 * loans plus approved applications not yet disbursed, other than `excludeApplicationId`) and
 * the record of earlier programme loans.
 */
export async function programmeFacts(db: Executor, borrowerId: string, excludeApplicationId?: string) {
  const exclude = excludeApplicationId ?? '00000000-0000-0000-0000-000000000000';
  const r = await one<{ exposure: string; repaid: number; defaulted: number }>(
    db,
    sql`select
      coalesce((select sum(outstanding_principal) from loans where borrower_id = ${borrowerId}::uuid and status in ('ACTIVE', 'DEFAULTED', 'CLAIMED')), 0)
      + coalesce((select sum(amount) from applications where borrower_id = ${borrowerId}::uuid and status in ('APPROVED', 'POLICY_ISSUED')
                  and id <> ${exclude}::uuid), 0) as exposure,
      (select count(*)::int from loans where borrower_id = ${borrowerId}::uuid and status = 'REPAID') as repaid,
      (select count(*)::int from loans where borrower_id = ${borrowerId}::uuid and defaulted_on is not null) as defaulted`,
  );
  return { exposure: String(r!.exposure), repaid: r!.repaid, defaulted: r!.defaulted };
}

/** An active loan as ageing sees it: its oldest instalment unpaid before `asOf`, and the month last reported. */
export interface AgeingCandidate {
  id: string;
  loan_number: string;
  bank_id: string;
  borrower_id: string;
  principal: string;
  outstanding_principal: string;
  disbursed_on: string;
  days_past_due: number;
  delinquency: string;
  parameter_version: number;
  oldest_unpaid: string | null;
  reported_month: string | null;
}

export const ageingCandidates = (db: Executor, asOf: string) =>
  rows<AgeingCandidate>(
    db,
    sql`select l.id, l.loan_number, l.bank_id, l.borrower_id, l.principal::text, l.outstanding_principal::text, l.disbursed_on::text,
          l.days_past_due, l.delinquency, l.parameter_version,
          (select min(i.due_on)::text from loan_instalments i where i.loan_id = l.id and i.due_on < ${asOf}::date
             and (i.principal_paid < i.principal_due or i.interest_paid < i.interest_due)) as oldest_unpaid,
          (select a.status_month::text from credit_accounts a where a.institution_id = l.bank_id and a.account_ref = l.loan_number) as reported_month
        from loans l where l.status = 'ACTIVE' order by l.id`,
  );
