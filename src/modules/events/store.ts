import type { Context } from '../../context.js';
import type { Executor } from '../../db/client.js';
import { domainEvents } from '../../db/schema/index.js';
import { nonZero, projectMetrics, type MetricChange } from '../metrics/api.js';

/** What happened, as one change: the audit trail and the domain event are both made from it. */
export interface DomainChange {
  /** `claim.paid`, `consent.granted`, …: the audit action and the event type. */
  action: string;
  targetType?: string;
  targetId?: string;
  borrowerId?: string | null;
  detail?: Record<string, unknown>;
  /**
   * What the change adds to the kept metrics aggregates: the application whose groups move and
   * the deltas (amounts and counts, never personal data). Stored on the event as `payload.metrics`
   * and applied by the metrics projector in the same transaction; not part of the audit row.
   */
  metrics?: MetricChange;
}

/** The event's payload: the change's detail, and its metric deltas under `metrics` when it moves any. */
function payloadOf(c: DomainChange): Record<string, unknown> {
  const detail = c.detail ?? {};
  if (!c.metrics) return detail;
  const deltas = nonZero(c.metrics.deltas);
  if (Object.keys(deltas).length === 0) return detail;
  return { ...detail, metrics: { applicationId: c.metrics.applicationId, deltas } };
}

/**
 * Append events inside the caller's transaction: they commit or vanish with the change. The one
 * place events are written from changes, and so the one place the kept metrics move (projectMetrics).
 */
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
      payload: payloadOf(c),
    })),
  );
  await projectMetrics(tx, changes);
}
