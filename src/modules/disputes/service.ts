import { z } from 'zod';
import { requireBorrower, requireInstitution, requireRole } from '../../auth/policy.js';
import { ACCOUNT_STATUSES, DISPUTE_OUTCOMES, type AccountKind, type AccountStatus, type DisputeOutcome } from '../../domain.js';
import { badInput, conflict, notFound, PgCode, pgErrorCode } from '../../errors.js';
import type { Ctx } from '../../graphql/context.js';
import { businessDate } from '../../time.js';
import { parse, text, uuid } from '../../validation.js';
import { appendAudit } from '../audit/store.js';
import { checkRecord } from '../credit/furnishing.js';
import { disputeDueAt, recordMonthlyStatus } from '../credit/rules.js';
import * as accounts from '../credit/store.js';
import * as store from './store.js';

const fileArgs = z.object({ recordId: uuid, reason: text(2000) });

export async function fileDispute(ctx: Ctx, args: { recordId: string; reason: string }) {
  const actor = requireBorrower(ctx);
  const a = parse(fileArgs, args);
  try {
    const id = await ctx.db.orm.transaction(async (tx) => {
      const account = await accounts.lockAccount(tx, a.recordId);
      if (!account || account.borrowerId !== actor.borrowerId || account.deletedAt) throw notFound('Credit record');
      const d = await store.insertDispute(tx, {
        accountId: account.id,
        borrowerId: actor.borrowerId,
        institutionId: account.institutionId,
        reason: a.reason,
        status: 'OPEN',
        filedAt: ctx.now,
        dueAt: disputeDueAt(ctx.now),
      });
      await appendAudit(tx, ctx, {
        action: 'dispute.filed',
        targetType: 'dispute',
        targetId: d.id,
        borrowerId: actor.borrowerId,
        detail: { accountId: account.id, furnisher: account.institutionId },
      });
      return d.id;
    });
    return (await store.disputeById(ctx.db.orm, id))!;
  } catch (err) {
    if (pgErrorCode(err) === PgCode.uniqueViolation) throw conflict('This record already has an open dispute');
    throw err;
  }
}

const resolveArgs = z.object({
  id: uuid,
  outcome: z.enum(DISPUTE_OUTCOMES),
  note: text(2000),
  correction: z
    .object({ status: z.enum(ACCOUNT_STATUSES).nullish(), balance: z.string().nullish() })
    .nullish(),
});

export async function resolveDispute(
  ctx: Ctx,
  args: { id: string; outcome: DisputeOutcome; note: string; correction?: { status?: AccountStatus | null; balance?: string | null } | null },
) {
  const actor = requireInstitution(ctx);
  const a = parse(resolveArgs, args);
  const fix = a.correction ?? {};
  if (a.outcome === 'CORRECTED' && !fix.status && !fix.balance) {
    throw badInput('correction: a CORRECTED outcome needs the corrected status or balance', { field: 'correction' });
  }
  if (a.outcome !== 'CORRECTED' && (fix.status || fix.balance)) {
    throw badInput(`correction: only a CORRECTED outcome carries a correction`, { field: 'correction' });
  }
  await ctx.db.orm.transaction(async (tx) => {
    const d = await store.lockDisputeOf(tx, a.id, actor.institutionId);
    if (!d) throw notFound('Dispute');
    if (d.status !== 'OPEN') throw conflict(`Dispute is already ${d.status}`, { currentState: d.status });
    const account = (await accounts.lockAccount(tx, d.accountId))!;
    const events = [];
    if (a.outcome === 'CORRECTED') {
      const status = (fix.status ?? account.status) as AccountStatus;
      const balance = fix.balance ?? account.balance;
      const problems = checkRecord(
        { ...account, kind: account.kind as AccountKind, status, balance, statusMonth: account.statusMonth },
        0,
        actor.role,
        businessDate(ctx.now),
      );
      if (problems.length) throw badInput(`correction: ${problems[0].field} ${problems[0].reason}`, { field: 'correction' });
      const history = recordMonthlyStatus(account.paymentHistory, account.statusMonth, account.statusMonth, status)!;
      await accounts.updateAccount(tx, account.id, { status, balance, paymentHistory: history.history, updatedAt: ctx.now });
      events.push({
        action: 'credit.account.corrected',
        targetType: 'credit_account',
        targetId: account.id,
        borrowerId: account.borrowerId,
        detail: { disputeId: d.id, from: { status: account.status, balance: account.balance }, to: { status, balance } },
      });
    } else if (a.outcome === 'DELETED') {
      await accounts.updateAccount(tx, account.id, { deletedAt: ctx.now, updatedAt: ctx.now });
      events.push({ action: 'credit.account.deleted', targetType: 'credit_account', targetId: account.id, borrowerId: account.borrowerId, detail: { disputeId: d.id } });
    }
    await store.markResolved(tx, d.id, { outcome: a.outcome, note: a.note, at: ctx.now, by: actor.userId });
    events.push({
      action: 'dispute.resolved',
      targetType: 'dispute',
      targetId: d.id,
      borrowerId: d.borrowerId,
      detail: { outcome: a.outcome, late: ctx.now > d.dueAt },
    });
    await appendAudit(tx, ctx, events);
  });
  return (await store.disputeById(ctx.db.orm, a.id))!;
}

export async function myDisputes(ctx: Ctx) {
  const actor = requireBorrower(ctx);
  return store.disputesOfBorrower(ctx.db.orm, actor.borrowerId);
}

export async function disputesToAnswer(ctx: Ctx, args: { status?: string | null }) {
  const actor = requireInstitution(ctx);
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

export async function overdueDisputes(ctx: Ctx) {
  requireRole(ctx, 'ADMIN');
  return store.overdue(ctx.db.orm, ctx.now);
}
