import DataLoader from 'dataloader';
import type { Ctx } from './context.js';
import { institutionsByIds, type InstitutionRow } from '../modules/institutions/store.js';
import { ownAccountsOf, type AccountView } from '../modules/credit/store.js';

type BatchFn<K, V> = (ctx: Ctx, keys: readonly K[]) => Promise<V[]>;

/**
 * A module's own per-request loader: `const byLoan = defineLoader(batch)`, then
 * `byLoan(ctx).load(id)`. One DataLoader per request and definition.
 */
export function defineLoader<K, V>(batch: BatchFn<K, V>) {
  const id = Symbol();
  return (ctx: Ctx): DataLoader<K, V> => ctx.loaders.get(id, () => new DataLoader<K, V>((keys) => batch(ctx, keys)));
}

/** Group rows by a key, in the order of `keys` (what a DataLoader batch returns). */
export function groupBy<T, K>(rows: T[], key: (r: T) => K, keys: readonly K[]): T[][] {
  const m = new Map<K, T[]>(keys.map((k) => [k, []]));
  for (const r of rows) m.get(key(r))?.push(r);
  return keys.map((k) => m.get(k)!);
}

export function firstBy<T, K>(rows: T[], key: (r: T) => K, keys: readonly K[]): (T | null)[] {
  const m = new Map<K, T>(rows.map((r) => [key(r), r]));
  return keys.map((k) => m.get(k) ?? null);
}

/** Per-request batching: nested lists cost one statement per level, not one per parent. */
export class Loaders {
  #ctx: Ctx;
  #defined = new Map<symbol, unknown>();

  get<T>(id: symbol, make: () => T): T {
    let l = this.#defined.get(id) as T | undefined;
    if (!l) this.#defined.set(id, (l = make()));
    return l;
  }
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
