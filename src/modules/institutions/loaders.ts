import type { Context } from '../../context.js';
import { defineLoader } from '../../loaders.js';
import { institutionsByIds, type InstitutionRow } from './store.js';

/** Institutions by id, batched per request; null for an id that names none. */
export const institutionById = defineLoader(async (ctx, ids: readonly string[]) => {
  const found = new Map((await institutionsByIds(ctx.db.orm, ids)).map((i) => [i.id, i]));
  return ids.map((id) => found.get(id) ?? null);
});

/** An institution a row references (a foreign key guarantees it): the furnisher, bank or insurer field. */
export async function institutionOf(ctx: Context, id: string): Promise<InstitutionRow> {
  const inst = await institutionById(ctx).load(id);
  if (!inst) throw new Error(`institution ${id} is referenced but missing`);
  return inst;
}
