import DataLoader from 'dataloader';
import type { Ctx } from './context.js';
import { institutionsByIds, type InstitutionRow } from '../modules/institutions/store.js';
import { ownAccountsOf, type AccountView } from '../modules/credit/store.js';

/** Per-request batching: nested lists cost one statement per level, not one per parent. */
export class Loaders {
  #ctx: Ctx;
  #institution?: DataLoader<string, InstitutionRow | null>;
  #ownAccounts?: DataLoader<string, AccountView[]>;

  constructor(ctx: Ctx) {
    this.#ctx = ctx;
  }

  get institution() {
    return (this.#institution ??= new DataLoader(async (ids) => {
      const found = new Map((await institutionsByIds(this.#ctx.db.orm, ids)).map((i) => [i.id, i]));
      return ids.map((id) => found.get(id) ?? null);
    }));
  }

  /** The calling institution's own accounts, by borrower. */
  get ownAccounts() {
    return (this.#ownAccounts ??= new DataLoader(async (borrowerIds) => {
      const inst = this.#ctx.actor?.institutionId;
      if (!inst) return borrowerIds.map(() => []);
      const byBorrower = new Map<string, AccountView[]>(borrowerIds.map((id) => [id, []]));
      for (const a of await ownAccountsOf(this.#ctx.db.orm, inst, borrowerIds)) byBorrower.get(a.borrowerId)?.push(a);
      return borrowerIds.map((id) => byBorrower.get(id)!);
    }));
  }
}
