import { z } from 'zod';
import { requireActor, requireRole } from '../../auth/policy.js';
import { INSTITUTION_KINDS, type InstitutionKind } from '../../domain.js';
import { conflict } from '../../errors.js';
import type { Context } from '../../context.js';
import { institutionId, parse, text } from '../../validation.js';
import { appendAudit } from '../audit/store.js';
import * as store from './store.js';

export async function institutions(ctx: Context, args: { kind?: InstitutionKind | null }) {
  requireActor(ctx);
  return store.listInstitutions(ctx.db.orm, args.kind ?? undefined);
}

const createInput = z.object({ id: institutionId, kind: z.enum(INSTITUTION_KINDS), name: text(200) });

export async function createInstitution(ctx: Context, input: unknown) {
  requireRole(ctx, 'ADMIN');
  const i = parse(createInput, input, 'input');
  return ctx.db.orm.transaction(async (tx) => {
    const created = await store.insertInstitution(tx, { ...i, createdAt: ctx.now });
    if (!created) throw conflict(`Institution ${i.id} already exists`);
    await appendAudit(tx, ctx, { action: 'institution.created', targetType: 'institution', targetId: i.id, detail: i });
    return created;
  });
}
