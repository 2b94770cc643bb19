import { z } from 'zod';
import type { Context } from '../../context.js';
import { pageSize, parse } from '../../validation.js';
import { noticesOf } from './notices.js';
import { creditPolicy } from './policy.js';

const noticeArgs = z.object({ first: pageSize(200) });

/** The borrower's notices, newest first (条例 Art 15 prior notices, dispute and review outcomes). */
export async function myNotices(ctx: Context, args: { first?: number | null }) {
  const actor = creditPolicy.gate(ctx, 'readOwnNotices');
  const { first } = parse(noticeArgs, { first: args.first ?? 50 });
  return noticesOf(ctx.db.orm, actor.borrowerId, first);
}
