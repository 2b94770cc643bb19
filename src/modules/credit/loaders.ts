import { defineLoader, groupBy } from '../../loaders.js';
import {
  correctionsOf,
  objectionsOf,
  specialTransactionsOf,
  statementsOf,
  type CorrectionView,
  type ObjectionView,
  type SpecialTransactionView,
  type StatementView,
} from './annotations.js';
import { ownAccountsOf, type AccountView } from './store.js';

/** The calling institution's own accounts, by borrower. */
export const ownAccountsByBorrower = defineLoader(async (ctx, borrowerIds: readonly string[]) => {
  const inst = ctx.actor?.institutionId;
  const byBorrower = new Map<string, AccountView[]>(borrowerIds.map((id) => [id, []]));
  if (inst) for (const a of await ownAccountsOf(ctx.db.orm, inst, borrowerIds)) byBorrower.get(a.borrowerId)?.push(a);
  return borrowerIds.map((id) => byBorrower.get(id) ?? []);
});

/**
 * What travels with a record, for the views that do not carry it (the furnisher's own accounts,
 * a furnishing result): the caller already holds the account, so these key on its id.
 */
export const correctionsByAccount = defineLoader(async (ctx, ids: readonly string[]): Promise<CorrectionView[][]> =>
  groupBy(await correctionsOf(ctx.db.orm, ids), (m) => m.accountId, ids),
);

export const objectionByAccount = defineLoader(async (ctx, ids: readonly string[]): Promise<(ObjectionView | null)[]> => {
  const found = new Map((await objectionsOf(ctx.db.orm, ids)).map((o) => [o.accountId, o]));
  return ids.map((id) => found.get(id) ?? null);
});

export const statementsByAccount = defineLoader(async (ctx, ids: readonly string[]): Promise<StatementView[][]> =>
  groupBy(await statementsOf(ctx.db.orm, ids), (s) => s.recordId, ids),
);

export const specialTransactionsByAccount = defineLoader(async (ctx, ids: readonly string[]): Promise<SpecialTransactionView[][]> =>
  groupBy(await specialTransactionsOf(ctx.db.orm, ids), (s) => s.accountId, ids),
);
