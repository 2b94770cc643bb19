import { z } from 'zod';
import type { Context } from '../../context.js';
import { pageSize, parse, uuid } from '../../validation.js';
import { appendAudit } from '../audit/api.js';
import { applicationPolicy, loanPolicy, policyPolicy, readIsAudited } from './policy.js';
import * as store from './store.js';

/** An institution's read of a borrower's deal leaves an audit entry (a borrower's own does not). */
async function auditRead(ctx: Context, what: string, rows: { id: string; borrowerId: string }[]) {
  if (!rows.length || !readIsAudited(ctx.actor)) return;
  await appendAudit(ctx.db.orm, ctx, {
    action: `${what}.read`,
    targetType: what,
    targetId: rows.length === 1 ? rows[0].id : undefined,
    borrowerId: rows.length === 1 ? rows[0].borrowerId : null,
    detail: { ids: rows.map((r) => r.id) },
  });
}

const listArgs = z.object({ status: z.string().nullish(), first: pageSize(200) });
type ListArgs = { status?: string | null; first?: number | null };

export async function application(ctx: Context, args: { id: string }) {
  const actor = applicationPolicy.gate(ctx, 'read');
  const app = applicationPolicy.authorize(actor, 'read', await store.applicationById(ctx.db.orm, parse(uuid, args.id, 'id')));
  await auditRead(ctx, 'application', [app]);
  return app;
}

export async function applications(ctx: Context, args: ListArgs) {
  const actor = applicationPolicy.gate(ctx, 'list');
  const a = parse(listArgs, args);
  const list = await store.listApplications(ctx.db.orm, store.applicationScope(actor), a.status ?? undefined, a.first);
  await auditRead(ctx, 'application', list);
  return list;
}

export async function loan(ctx: Context, args: { id: string }) {
  const actor = loanPolicy.gate(ctx, 'read');
  const l = loanPolicy.authorize(actor, 'read', await store.loanById(ctx.db.orm, parse(uuid, args.id, 'id')));
  await auditRead(ctx, 'loan', [l]);
  return l;
}

export async function loans(ctx: Context, args: ListArgs) {
  const actor = loanPolicy.gate(ctx, 'list');
  const a = parse(listArgs, args);
  const list = await store.listLoans(ctx.db.orm, actor, a.status ?? undefined, a.first);
  await auditRead(ctx, 'loan', list);
  return list;
}

export async function policy(ctx: Context, args: { id: string }) {
  const actor = policyPolicy.gate(ctx, 'read');
  const p = policyPolicy.authorize(actor, 'read', await store.policyById(ctx.db.orm, parse(uuid, args.id, 'id')));
  await auditRead(ctx, 'policy', [p]);
  return p;
}
