import { z } from 'zod';
import type { Context } from '../../context.js';
import { pageSize, parse, uuid } from '../../validation.js';
import { claimPolicy, claimsListedFor } from './policy.js';
import * as store from './store.js';

export { fileClaim } from './commands/fileClaim.js';
export { payClaim } from './commands/payClaim.js';
export { confirmNonPerforming } from './commands/confirmNonPerforming.js';
export { approveRiskCompensation } from './commands/approveRiskCompensation.js';
export { recordRecovery } from './commands/recordRecovery.js';
export { writeOffLoss } from './commands/writeOffLoss.js';

export async function claim(ctx: Context, args: { id: string }) {
  const actor = claimPolicy.gate(ctx, 'read');
  return claimPolicy.authorize(actor, 'read', await store.claimById(ctx.db.orm, parse(uuid, args.id, 'id')));
}

const listArgs = z.object({ status: z.string().nullish(), first: pageSize(500) });

export async function claims(ctx: Context, args: z.input<typeof listArgs>) {
  const actor = claimPolicy.gate(ctx, 'list');
  const a = parse(listArgs, args);
  return store.listClaims(ctx.db.orm, claimsListedFor(actor), a.status ?? undefined, a.first);
}
