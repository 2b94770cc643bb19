import { inArray } from 'drizzle-orm';
import type { Context } from '../../context.js';
import { borrowers } from '../../db/schema/index.js';
import { defineLoader, firstBy, groupBy } from '../../loaders.js';
import * as premiumStore from './premiumStore.js';
import * as store from './store.js';
import { settlementsOf } from './settlementStore.js';
import { latestExtensions } from './extensionStore.js';

export const reviewsByApplication = defineLoader(async (ctx, ids: readonly string[]) =>
  groupBy(await store.reviewsOf(ctx.db.orm, ids), (r) => r.applicationId, ids),
);
export const policyByApplication = defineLoader(async (ctx, ids: readonly string[]) =>
  firstBy(await store.policiesByApplication(ctx.db.orm, ids), (p) => p.applicationId, ids),
);
export const loanByApplication = defineLoader(async (ctx, ids: readonly string[]) =>
  firstBy(await store.loansByApplication(ctx.db.orm, ids), (l) => l.applicationId, ids),
);
export const instalmentsByLoan = defineLoader(async (ctx, ids: readonly string[]) =>
  groupBy(await store.instalmentsOf(ctx.db.orm, ids), (i) => i.loanId, ids),
);
export const repaymentsByLoan = defineLoader(async (ctx, ids: readonly string[]) =>
  groupBy(await store.repaymentsOf(ctx.db.orm, ids), (r) => r.loanId, ids),
);
/** Each policy's years, in year order (Policy.premiumSchedule). */
export const premiumYearsByPolicy = defineLoader(async (ctx, ids: readonly string[]) =>
  groupBy(await premiumStore.premiumYearsOf(ctx.db.orm, ids), (y) => y.policyId, ids),
);
export const settlementByLoan = defineLoader(async (ctx, ids: readonly string[]) =>
  firstBy(await settlementsOf(ctx.db.orm, ids), (s) => s.loanId, ids),
);
/** Each loan's latest extension (Loan.extension). */
export const extensionByLoan = defineLoader(async (ctx, ids: readonly string[]) =>
  firstBy(await latestExtensions(ctx.db.orm, ids), (e) => e.loanId, ids),
);
export const policyById = defineLoader(async (ctx, ids: readonly string[]) =>
  firstBy(await store.policiesByIds(ctx.db.orm, ids), (p) => p.id, ids),
);
export const borrowerById = defineLoader(async (ctx, ids: readonly string[]) =>
  firstBy(
    await ctx.db.orm
      .select()
      .from(borrowers)
      .where(inArray(borrowers.id, [...ids])),
    (b) => b.id,
    ids,
  ),
);

/** The borrower a deal row references (a foreign key guarantees it). */
export async function borrowerOf(ctx: Context, id: string) {
  const b = await borrowerById(ctx).load(id);
  if (!b) throw new Error(`borrower ${id} is referenced but missing`);
  return b;
}

/** The policy a loan references (a foreign key guarantees it). */
export async function policyOf(ctx: Context, id: string) {
  const p = await policyById(ctx).load(id);
  if (!p) throw new Error(`policy ${id} is referenced but missing`);
  return p;
}
