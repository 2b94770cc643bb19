import { z } from 'zod';
import { forgetInstitution } from '../../../auth/known-actors.js';
import { defineCommand } from '../../../command.js';
import type { Context } from '../../../context.js';
import { conflict, notFound } from '../../../errors.js';
import { institutionId, parse, text } from '../../../validation.js';
import { institutionPolicy } from '../policy.js';
import * as store from '../store.js';

const deactivateArgs = z.object({ id: institutionId, reason: text(500) });

/**
 * Deactivate an institution: from then on its tokens are refused (every API process checks
 * within a minute, see src/auth/known-actors.ts). Its records, history and audit trail stay.
 */
export const deactivateInstitutionCommand = defineCommand({
  name: 'deactivateInstitution',
  gate: (ctx) => institutionPolicy.gate(ctx, 'deactivate'),
  parse: (a: z.input<typeof deactivateArgs>) => parse(deactivateArgs, a),
  idempotent: false,
  async run({ tx, now, record }, a) {
    const inst = await store.lockInstitution(tx, a.id);
    if (!inst) throw notFound('Institution');
    if (inst.deactivatedAt) throw conflict(`Institution ${a.id} is already inactive`, { currentState: 'INACTIVE' });
    const updated = await store.updateInstitution(tx, a.id, { deactivatedAt: now });
    record({ action: 'institution.deactivated', targetType: 'institution', targetId: a.id, detail: { reason: a.reason } });
    return updated;
  },
});

/** After the commit, this process forgets the institution at once (a request racing the commit may have cached it as active). */
export async function deactivateInstitution(ctx: Context, args: z.input<typeof deactivateArgs>) {
  const inst = await deactivateInstitutionCommand(ctx, args);
  forgetInstitution(inst.id);
  return inst;
}
