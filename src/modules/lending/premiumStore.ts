import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { rows, type Executor } from '../../db/client.js';
import { policyPremiums } from '../../db/schema/index.js';
import type { PremiumYear } from '../underwriting/pricing.js';

export type PremiumYearRow = typeof policyPremiums.$inferSelect;

/** A policy's years, SCHEDULED until charged. */
export async function insertScheduledYears(tx: Executor, policyId: string, years: PremiumYear[]) {
  if (!years.length) return [];
  const values = years.map((y) => ({
    policyId,
    year: y.year,
    startsOn: y.startsOn,
    months: y.months,
    insuredBalance: y.insuredBalance,
    premium: y.premium,
    subsidy: y.subsidy,
    borrowerPremium: y.borrowerPremium,
    status: 'SCHEDULED',
  }));
  return tx.insert(policyPremiums).values(values).returning();
}

/** Every policy year of the policies, in year order. */
export async function premiumYearsOf(db: Executor, policyIds: readonly string[]) {
  if (!policyIds.length) return [];
  return db
    .select()
    .from(policyPremiums)
    .where(inArray(policyPremiums.policyId, [...policyIds]))
    .orderBy(asc(policyPremiums.policyId), asc(policyPremiums.year));
}

/** One policy's years, locked (the caller holds the policy row's lock too). */
export async function lockPremiumYears(tx: Executor, policyId: string) {
  return tx.select().from(policyPremiums).where(eq(policyPremiums.policyId, policyId)).orderBy(asc(policyPremiums.year)).for('update');
}

export async function updatePremiumYear(tx: Executor, policyId: string, year: number, set: Partial<typeof policyPremiums.$inferInsert>) {
  const [r] = await tx
    .update(policyPremiums)
    .set(set)
    .where(and(eq(policyPremiums.policyId, policyId), eq(policyPremiums.year, year)))
    .returning();
  return r;
}

/** A scheduled policy year ageing acts on: due (its loan ACTIVE, started by `asOf`) or to cancel (its loan ended). */
export interface PremiumDue {
  policy_id: string;
  year: number;
  loan_id: string;
  loan_status: string;
}

/**
 * The scheduled years of disbursed policies that ageing must act on as of `asOf`: those of active
 * loans that have started, and every one of loans no longer active. A policy not yet disbursed is
 * left alone (its years are re-based at disbursement).
 */
export const premiumsDue = (db: Executor, asOf: string) =>
  rows<PremiumDue>(
    db,
    sql`select pp.policy_id, pp.year, l.id as loan_id, l.status as loan_status
        from policy_premiums pp join loans l on l.policy_id = pp.policy_id
        where pp.status = 'SCHEDULED' and (l.status <> 'ACTIVE' or pp.starts_on <= ${asOf}::date)
        order by pp.policy_id, pp.year`,
  );

/** The policy years not charged yet are never charged: the loan ended before they started. */
export async function cancelScheduledYears(tx: Executor, policyId: string) {
  return tx
    .update(policyPremiums)
    .set({ status: 'CANCELLED' })
    .where(and(eq(policyPremiums.policyId, policyId), eq(policyPremiums.status, 'SCHEDULED')))
    .returning({ year: policyPremiums.year })
    .then((ys) => ys.sort((x, y) => x.year - y.year));
}
