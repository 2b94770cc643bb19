import { z } from 'zod';
import { defineCommand } from '../../../command.js';
import { AUTHORITY_KINDS, INSTITUTION_KINDS } from '../../../domain.js';
import { badInput, conflict } from '../../../errors.js';
import { institutionId, parse, text } from '../../../validation.js';
import { institutionPolicy } from '../policy.js';
import * as store from '../store.js';

const createInput = z.object({
  id: institutionId,
  kind: z.enum(INSTITUTION_KINDS),
  name: text(200),
  authority: z.enum(AUTHORITY_KINDS).nullish(),
});

/** Onboard a bank, insurer, government body or data source; its id is the slug its tokens carry. */
export const createInstitution = defineCommand({
  name: 'createInstitution',
  gate: (ctx) => institutionPolicy.gate(ctx, 'create'),
  parse(args: { input: unknown }) {
    const i = parse(createInput, args.input, 'input');
    if ((i.kind === 'DATA_SOURCE') !== !!i.authority) {
      throw badInput('input.authority is required for a DATA_SOURCE and not allowed otherwise', { field: 'input.authority' });
    }
    return { ...i, authority: i.authority ?? null };
  },
  idempotent: false,
  async run({ tx, now, record }, i) {
    const created = await store.insertInstitution(tx, { ...i, createdAt: now });
    if (!created) throw conflict(`Institution ${i.id} already exists`);
    record({ action: 'institution.created', targetType: 'institution', targetId: i.id, detail: i });
    return created;
  },
});
