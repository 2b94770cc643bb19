import { defineLoader } from '../../loaders.js';
import { ownAccountsOf, type AccountView } from './store.js';

/** The calling institution's own accounts, by borrower. */
export const ownAccountsByBorrower = defineLoader(async (ctx, borrowerIds: readonly string[]) => {
  const inst = ctx.actor?.institutionId;
  const byBorrower = new Map<string, AccountView[]>(borrowerIds.map((id) => [id, []]));
  if (inst) for (const a of await ownAccountsOf(ctx.db.orm, inst, borrowerIds)) byBorrower.get(a.borrowerId)?.push(a);
  return borrowerIds.map((id) => byBorrower.get(id) ?? []);
});
