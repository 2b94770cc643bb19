import type { Context } from '../../context.js';
import type { Executor } from '../../db/client.js';
import { domainEvents } from '../../db/schema/index.js';

/** What happened, as one change: the audit trail and the domain event are both made from it. */
export interface DomainChange {
  /** `claim.paid`, `consent.granted`, …: the audit action and the event type. */
  action: string;
  targetType?: string;
  targetId?: string;
  borrowerId?: string | null;
  detail?: Record<string, unknown>;
}

/** Append events inside the caller's transaction: they commit or vanish with the change. */
export async function appendEvents(tx: Executor, ctx: Pick<Context, 'actor' | 'now' | 'requestId'>, changes: DomainChange[]) {
  if (changes.length === 0) return;
  await tx.insert(domainEvents).values(
    changes.map((c) => ({
      type: c.action,
      occurredAt: ctx.now,
      requestId: ctx.requestId,
      aggregateType: c.targetType ?? null,
      aggregateId: c.targetId ?? null,
      borrowerId: c.borrowerId ?? null,
      actorInstitutionId: ctx.actor?.institutionId ?? null,
      payload: c.detail ?? {},
    })),
  );
}
