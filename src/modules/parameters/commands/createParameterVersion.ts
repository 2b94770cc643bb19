import { z } from 'zod';
import { defineCommand } from '../../../command.js';
import { badInput } from '../../../errors.js';
import { text } from '../../../validation.js';
import { applyChanges, changesSchema } from '../changes.js';
import { parameterPolicy } from '../policy.js';
import { parametersSchema } from '../rules.js';
import { toVersion } from '../versions.js';
import * as store from '../store.js';

const createInput = z.object({ effectiveFrom: z.date(), note: text(500), changes: changesSchema });

/**
 * A new version of the programme's parameters: changes on top of the latest version, taking
 * effect at `effectiveFrom` (never in the past: decisions already taken keep the version they used).
 */
export const createParameterVersion = defineCommand({
  name: 'createParameterVersion',
  gate: (ctx) => parameterPolicy.gate(ctx, 'createParameterVersion'),
  parse(args: { input: unknown }, { now }) {
    const parsed = createInput.safeParse(args.input);
    if (!parsed.success)
      throw badInput(`input.${parsed.error.issues[0].path.join('.')} ${parsed.error.issues[0].message}`, { field: 'input' });
    const input = parsed.data;
    if (input.effectiveFrom.getTime() < now.getTime()) {
      throw badInput('input.effectiveFrom must not be in the past: decisions already taken keep the version they used', {
        field: 'input.effectiveFrom',
      });
    }
    return input;
  },
  idempotent: true,
  async run({ ctx, tx, actor, record }, input) {
    const base = toVersion(await store.latest(tx));
    const doc = parametersSchema.safeParse(applyChanges(base.document, input.changes));
    if (!doc.success) {
      const i = doc.error.issues[0];
      throw badInput(`input.changes.${i.path.join('.')} ${i.message}`, { field: `input.changes.${i.path.join('.')}` });
    }
    const row = await store.insertVersion(tx, {
      effectiveFrom: input.effectiveFrom,
      document: doc.data,
      note: input.note,
      createdAt: ctx.now,
      createdBy: `${actor.role}:${actor.userId}`,
    });
    record({
      action: 'parameters.version.created',
      targetType: 'programme_parameters',
      targetId: String(row.version),
      detail: { effectiveFrom: input.effectiveFrom.toISOString(), basedOn: base.version, changes: input.changes },
    });
    return toVersion(row);
  },
});
