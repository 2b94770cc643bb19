import { defineLoader, firstBy, groupBy } from '../../loaders.js';
import { loansByIds } from '../lending/api.js';
import * as store from './store.js';

export const courtConfirmationByLoan = defineLoader(async (ctx, ids: readonly string[]) =>
  firstBy(await store.courtConfirmationsOf(ctx.db.orm, ids), (c) => c.loanId, ids),
);
export const recoveriesByClaim = defineLoader(async (ctx, ids: readonly string[]) =>
  groupBy(await store.recoveriesOf(ctx.db.orm, ids), (r) => r.claimId, ids),
);
/** The loan a claim is on (for its number), batched per request. */
export const claimedLoanById = defineLoader(async (ctx, ids: readonly string[]) =>
  firstBy(await loansByIds(ctx.db.orm, ids), (l) => l.id, ids),
);
