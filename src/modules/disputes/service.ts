import type { Context } from '../../context.js';
import { forbidden } from '../../errors.js';
import { appendAudit } from '../audit/api.js';
import { disputePolicy } from './policy.js';
import * as store from './store.js';

export { fileDispute } from './commands/fileDispute.js';
export { resolveDispute } from './commands/resolveDispute.js';

export async function myDisputes(ctx: Context) {
  const actor = disputePolicy.gate(ctx, 'listOwn');
  return store.disputesOfBorrower(ctx.db.orm, actor.borrowerId);
}

/** What the caller answers: an institution's or authority's own disputes; ADMIN's the identity disputes. */
export async function disputesToAnswer(ctx: Context, args: { status?: string | null }) {
  const actor = disputePolicy.gate(ctx, 'listToAnswer');
  const status = args.status ?? undefined;
  const list =
    actor.role === 'ADMIN'
      ? await store.identityDisputes(ctx.db.orm, status)
      : await store.disputesOfInstitution(ctx.db.orm, actor.institutionId, status);
  if (list.length) {
    await appendAudit(ctx.db.orm, ctx, {
      action: 'dispute.list.read',
      targetType: actor.role === 'ADMIN' ? 'platform' : 'institution',
      targetId: actor.institutionId ?? actor.userId,
      detail: { disputeIds: list.map((d) => d.id) },
    });
  }
  return list;
}

export async function overdueDisputes(ctx: Context) {
  disputePolicy.gate(ctx, 'listOverdue');
  return store.overdue(ctx.db.orm, ctx.now);
}

/** The borrower's words (and the answer's note): only the borrower and the answerer read them. */
export function words<T>(ctx: Context, d: store.DisputeView, value: T): T {
  if (!disputePolicy.can(ctx.actor, 'readWords', d)) throw forbidden();
  return value;
}
