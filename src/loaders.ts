import DataLoader from 'dataloader';
import type { Context } from './context.js';

type BatchFn<K, V> = (ctx: Context, keys: readonly K[]) => Promise<V[]>;

/** One cache a request: each defined loader is made once per request, on first use. */
export class LoaderCache {
  #made = new Map<symbol, unknown>();
  get<T>(id: symbol, make: () => T): T {
    let l = this.#made.get(id) as T | undefined;
    if (!l) this.#made.set(id, (l = make()));
    return l;
  }
}

/**
 * A module's own per-request loader: `const byLoan = defineLoader(batch)`, then
 * `byLoan(ctx).load(id)`. Nested lists cost one statement per level, not one per parent.
 */
export function defineLoader<K, V>(batch: BatchFn<K, V>) {
  const id = Symbol();
  return (ctx: Context): DataLoader<K, V> => ctx.loaders.get(id, () => new DataLoader<K, V>((keys) => batch(ctx, keys)));
}

/** Group rows by a key, in the order of `keys` (what a DataLoader batch returns). */
export function groupBy<T, K>(rows: T[], key: (r: T) => K, keys: readonly K[]): T[][] {
  const m = new Map<K, T[]>(keys.map((k) => [k, []]));
  for (const r of rows) m.get(key(r))?.push(r);
  return keys.map((k) => m.get(k) ?? []);
}

export function firstBy<T, K>(rows: T[], key: (r: T) => K, keys: readonly K[]): (T | null)[] {
  const m = new Map<K, T>(rows.map((r) => [key(r), r]));
  return keys.map((k) => m.get(k) ?? null);
}
