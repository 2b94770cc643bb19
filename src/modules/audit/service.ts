import { z } from 'zod';
import type { Context } from '../../context.js';
import { decodeCursor, encodeCursor, institutionId, pageSize, parse, uuid } from '../../validation.js';
import { auditPolicy } from './policy.js';
import { appendAudit, findAuditEntries, type AuditRow } from './store.js';

const auditArgs = z.object({
  first: pageSize(500),
  after: z.string().nullish(),
  filter: z
    .object({
      actorUserId: z.string().max(200).nullish(),
      institutionId: institutionId.nullish(),
      borrowerId: uuid.nullish(),
      action: z.string().max(100).nullish(),
      from: z.date().nullish(),
      to: z.date().nullish(),
    })
    .nullish(),
});

/** An entry as the trail shows it. */
export type AuditEntryView = AuditRow;

/** The trail, newest first, filtered and paged; reading it is itself recorded. */
export async function auditTrail(ctx: Context, args: unknown) {
  auditPolicy.gate(ctx, 'auditTrail');
  const a = parse(auditArgs, args);
  const before = decodeCursor(a.after, (s) => /^\d{1,18}$/.test(s));
  const f = a.filter ?? {};
  const rows = await findAuditEntries(ctx.db.orm, {
    actorUserId: f.actorUserId ?? undefined,
    institutionId: f.institutionId ?? undefined,
    borrowerId: f.borrowerId ?? undefined,
    action: f.action ?? undefined,
    from: f.from ?? undefined,
    to: f.to ?? undefined,
    beforeId: before === undefined ? undefined : Number(before),
    limit: a.first + 1,
  });
  const entries = rows.slice(0, a.first);
  // Reading the trail is itself an access worth recording.
  await appendAudit(ctx.db.orm, ctx, { action: 'audit.read', detail: { filter: f, count: entries.length } });
  return {
    entries,
    pageInfo: { hasNextPage: rows.length > a.first, endCursor: entries.length ? encodeCursor(entries[entries.length - 1].id) : null },
  };
}
