import type { Context } from '../../context.js';
import { appendAudit } from '../audit/api.js';
import { disputePolicy } from './policy.js';
import * as store from './store.js';

export { fileDispute } from './commands/fileDispute.js';
export { resolveDispute } from './commands/resolveDispute.js';

export async function myDisputes(ctx: Context) {
  const actor = disputePolicy.gate(ctx, 'listOwn');
  return store.disputesOfBorrower(ctx.db.orm, actor.borrowerId);
}

export async function disputesToAnswer(ctx: Context, args: { status?: string | null }) {
  const actor = disputePolicy.gate(ctx, 'listToAnswer');
  const list = await store.disputesOfInstitution(ctx.db.orm, actor.institutionId, args.status ?? undefined);
  if (list.length) {
    await appendAudit(ctx.db.orm, ctx, {
      action: 'dispute.list.read',
      targetType: 'institution',
      targetId: actor.institutionId,
      detail: { disputeIds: list.map((d) => d.id) },
    });
  }
  return list;
}

export async function overdueDisputes(ctx: Context) {
  disputePolicy.gate(ctx, 'listOverdue');
  return store.overdue(ctx.db.orm, ctx.now);
}
