import { z } from 'zod';
import type { Context } from '../../context.js';
import { decodeCursor, encodeCursor, pageSize, parse, uuid } from '../../validation.js';
import { appendAudit } from '../audit/api.js';
import { publicRecordPolicy } from './policy.js';
import * as store from './store.js';

export { furnishPublicRecords } from './commands/furnishPublicRecords.js';

const pageArgs = z.object({ first: pageSize(200), after: z.string().nullish() });

/** A cursor is the last row's arrival instant and id. */
const CURSOR_RE = /^(.+)\|([0-9a-f-]{36})$/;
const isCursor = (s: string) => {
  const m = CURSOR_RE.exec(s);
  return !!m && !Number.isNaN(Date.parse(m[1])) && uuid.safeParse(m[2]).success;
};

/** The records an authority furnished, newest first; reading them is recorded like any read of personal data. */
export async function furnishedPublicRecords(ctx: Context, args: { first?: number | null; after?: string | null }) {
  const actor = publicRecordPolicy.gate(ctx, 'listFurnished');
  const { first, after } = parse(pageArgs, { first: args.first ?? 50, after: args.after });
  const cursor = decodeCursor(after, isCursor);
  const m = cursor ? CURSOR_RE.exec(cursor) : null;
  const page = await store.furnishedPage(ctx.db.orm, actor.institutionId, m ? { at: m[1], id: m[2] } : undefined, first + 1);
  const nodes = page.slice(0, first).filter((r) => publicRecordPolicy.can(actor, 'readFurnished', r));
  if (nodes.length) {
    await appendAudit(ctx.db.orm, ctx, {
      action: 'public_records.furnished.read',
      targetType: 'institution',
      targetId: actor.institutionId,
      detail: { publicRecordIds: nodes.map((n) => n.id) },
    });
  }
  const last = nodes[nodes.length - 1];
  return {
    nodes,
    pageInfo: { hasNextPage: page.length > first, endCursor: last ? encodeCursor(`${last.recordedAt}|${last.id}`) : null },
  };
}
