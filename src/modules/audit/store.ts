import { and, desc, eq, gte, lt, lte, type SQL } from 'drizzle-orm';
import type { Executor } from '../../db/client.js';
import { auditLog } from '../../db/schema/index.js';
import type { Context } from '../../context.js';
import type { DomainChange } from '../events/api.js';

/** An audit entry's content; a command's changes are the same shape (see command.ts). */
export type AuditEvent = DomainChange;

/** The audit row for an event, with the actor taken from the request (never from arguments). */
export function auditRow(ctx: Pick<Context, 'actor' | 'now' | 'requestId'>, e: AuditEvent) {
  const a = ctx.actor;
  return {
    at: ctx.now,
    requestId: ctx.requestId,
    actorUserId: a?.userId ?? null,
    actorRole: a?.role ?? null,
    actorInstitutionId: a?.institutionId ?? null,
    actorBorrowerId: a?.borrowerId ?? null,
    action: e.action,
    targetType: e.targetType ?? null,
    targetId: e.targetId ?? null,
    borrowerId: e.borrowerId ?? null,
    detail: e.detail ?? null,
  };
}

/** Append audit entries inside the caller's transaction: the change and its record land together. */
export async function appendAudit(tx: Executor, ctx: Pick<Context, 'actor' | 'now' | 'requestId'>, events: AuditEvent | AuditEvent[]) {
  const list = Array.isArray(events) ? events : [events];
  if (list.length === 0) return;
  await tx.insert(auditLog).values(list.map((e) => auditRow(ctx, e)));
}

export type AuditRow = typeof auditLog.$inferSelect;

export interface AuditQuery {
  actorUserId?: string;
  institutionId?: string;
  borrowerId?: string;
  action?: string;
  from?: Date;
  to?: Date;
  beforeId?: number;
  limit: number;
}

export async function findAuditEntries(db: Executor, q: AuditQuery) {
  const where: SQL[] = [];
  if (q.actorUserId) where.push(eq(auditLog.actorUserId, q.actorUserId));
  if (q.institutionId) where.push(eq(auditLog.actorInstitutionId, q.institutionId));
  if (q.borrowerId) where.push(eq(auditLog.borrowerId, q.borrowerId));
  if (q.action) where.push(eq(auditLog.action, q.action));
  if (q.from) where.push(gte(auditLog.at, q.from));
  if (q.to) where.push(lte(auditLog.at, q.to));
  if (q.beforeId !== undefined) where.push(lt(auditLog.id, q.beforeId));
  return db
    .select()
    .from(auditLog)
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(auditLog.id))
    .limit(q.limit);
}
