import { inArray } from 'drizzle-orm';
import { borrowers } from '../../db/schema/index.js';
import { defineLoader, firstBy, groupBy } from '../../loaders.js';
import * as store from './store.js';

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
export const policyById = defineLoader(async (ctx, ids: readonly string[]) =>
  firstBy(await store.policiesByIds(ctx.db.orm, ids), (p) => p.id, ids),
);
export const borrowerById = defineLoader(async (ctx, ids: readonly string[]) =>
  firstBy(await ctx.db.orm.select().from(borrowers).where(inArray(borrowers.id, [...ids])), (b) => b.id, ids),
);
