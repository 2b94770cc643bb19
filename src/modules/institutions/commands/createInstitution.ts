import { z } from 'zod';
import { defineCommand } from '../../../command.js';
import { INSTITUTION_KINDS } from '../../../domain.js';
import { conflict } from '../../../errors.js';
import { institutionId, parse, text } from '../../../validation.js';
import { institutionPolicy } from '../policy.js';
import * as store from '../store.js';

const createInput = z.object({ id: institutionId, kind: z.enum(INSTITUTION_KINDS), name: text(200) });

/** Onboard a bank, insurer or government body; its id is the slug its tokens carry. */
export const createInstitution = defineCommand({
  name: 'createInstitution',
  gate: (ctx) => institutionPolicy.gate(ctx, 'create'),
  parse: (args: { input: unknown }) => parse(createInput, args.input, 'input'),
  idempotent: false,
  async run({ tx, now, record }, i) {
    const created = await store.insertInstitution(tx, { ...i, createdAt: now });
    if (!created) throw conflict(`Institution ${i.id} already exists`);
    record({ action: 'institution.created', targetType: 'institution', targetId: i.id, detail: i });
    return created;
  },
});
