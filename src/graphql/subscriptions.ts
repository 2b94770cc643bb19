import { and, asc, eq, gt, lte, max, or, sql } from 'drizzle-orm';
import type { Actor } from '../auth/actor.js';
import type { Context, Clock } from '../context.js';
import { rows } from '../db/client.js';
import { alerts } from '../db/schema/index.js';
import type { AccountStatus, NoticeKind } from '../domain.js';
import { forbidden, isConnectionError, unauthenticated } from '../errors.js';
import type { NoticeView } from '../modules/credit/notices.js';
import { appendAudit } from '../modules/audit/api.js';
import { alertView, type AlertView } from '../modules/monitoring/api.js';
import type { AlertSeverity, Resolvers } from './generated/resolvers.js';

/**
 * GraphQL subscriptions (served over Server-Sent Events at /graphql/stream, src/http/sse.ts).
 *
 * Each subscription polls the database every POLL_MS: no in-process bus, so an alert committed
 * by the monitoring consumer on one replica reaches a subscriber connected to another. The
 * shield (src/permissions.ts) refuses the wrong role before `subscribe` runs; `subscribe` checks
 * again that the token names an institution or a borrower.
 */

/** How often a subscription looks for new rows. */
export const POLL_MS = 1000;

/**
 * What a subscription needs beyond a request's Context: a clock to read at every poll (the
 * context's `now` is the instant it subscribed) and a signal that ends it (the stream closed).
 */
export interface StreamContext extends Context {
  readonly clock: Clock;
  readonly signal?: AbortSignal;
}

const clockOf = (ctx: Context): Clock => (ctx as Partial<StreamContext>).clock ?? (() => new Date());
const signalOf = (ctx: Context): AbortSignal | undefined => (ctx as Partial<StreamContext>).signal;
const lostConnection = (ctx: Context) => (err: unknown) => {
  if (!isConnectionError(err)) return false;
  ctx.log.warn({ err, requestId: ctx.requestId }, 'subscription poll: database unavailable');
  return true;
};

/**
 * An async iterator over what `next()` finds at each poll, in order. `return()` (the client went
 * away, the server drains) stops it at once, even mid-wait.
 */
export function pollFeed<T>(
  check: () => Promise<T[]>,
  opts: { intervalMs?: number; signal?: AbortSignal; skipIf?: (err: unknown) => boolean } = {},
): AsyncIterableIterator<T> {
  const interval = opts.intervalMs ?? POLL_MS;
  const queue: T[] = [];
  let closed = false;
  let wake: (() => void) | null = null;
  let timer: NodeJS.Timeout | undefined;
  const close = () => {
    closed = true;
    clearTimeout(timer);
    wake?.();
  };
  opts.signal?.addEventListener('abort', close, { once: true });
  if (opts.signal?.aborted) close();
  const sleep = () =>
    new Promise<void>((resolve) => {
      wake = resolve;
      timer = setTimeout(resolve, interval);
    }).finally(() => (wake = null));
  let first = true;
  const done = { done: true, value: undefined } as IteratorReturnResult<undefined>;
  return {
    async next(): Promise<IteratorResult<T>> {
      while (!closed) {
        if (queue.length) return { done: false, value: queue.shift()! };
        if (!first) await sleep();
        first = false;
        if (closed) break;
        try {
          queue.push(...(await check()));
        } catch (err) {
          // a lost database connection: this poll finds nothing, the next one tries again (the cursor did not move)
          if (!opts.skipIf?.(err)) throw err;
        }
      }
      return done;
    },
    async return(): Promise<IteratorResult<T>> {
      close();
      opts.signal?.removeEventListener('abort', close);
      return done;
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}

/**
 * The institution's alerts raised after the subscription started: an alert is raised when it
 * becomes visible (visible_from, later than its insertion when an adverse status waits out its
 * prior notice).
 *
 * The cursor is the largest `seq` the last poll saw among all the institution's alerts (visible
 * or not) and that poll's instant. A poll at `now` first reads the largest seq (`top`), then the
 * alerts up to `top` visible by `now` that are new (seq above the cursor) or became visible since
 * the last poll; each alert is sent once. Alerts are inserted by the monitoring consumer, one
 * batch at a time (its cursor row is locked), so seq order is commit order. Each alert sent is
 * audited, as a read of the borrower's file is.
 */
export function alertFeed(
  ctx: Context,
  institutionId: string,
  severity: AlertSeverity | null | undefined,
): AsyncIterableIterator<AlertView> {
  const clock = clockOf(ctx);
  const mine = eq(alerts.institutionId, institutionId);
  const topSeq = async () => {
    const [r] = await ctx.db.orm
      .select({ top: max(alerts.seq) })
      .from(alerts)
      .where(mine);
    return Number(r?.top ?? 0);
  };
  let cursor: { seq: number; at: Date } | null = null;
  return pollFeed(
    async () => {
      const now = clock();
      cursor ??= { seq: await topSeq(), at: ctx.now };
      const top = await topSeq();
      const found = await ctx.db.orm
        .select()
        .from(alerts)
        .where(
          and(
            mine,
            lte(alerts.seq, top),
            lte(alerts.visibleFrom, now),
            or(gt(alerts.seq, cursor.seq), gt(alerts.visibleFrom, cursor.at)),
            severity ? eq(alerts.severity, severity) : undefined,
          ),
        )
        .orderBy(asc(alerts.visibleFrom), asc(alerts.seq));
      cursor = { seq: Math.max(cursor.seq, top), at: now };
      const views = found.map((r) => alertView({ ...r, seq: Number(r.seq) } as Parameters<typeof alertView>[0]));
      if (views.length)
        await appendAudit(
          ctx.db.orm,
          { ...ctx, now },
          views.map((a) => ({ action: 'monitoring.alert.streamed', targetType: 'alert', targetId: a.id, borrowerId: a.borrowerId })),
        );
      return views;
    },
    { signal: signalOf(ctx), skipIf: lostConnection(ctx) },
  );
}

const toDate = (d: Date | string) => (d instanceof Date ? d : new Date(d));

/**
 * How far before the subscription's start a notice may be stamped and still count as new: a
 * notice is stamped with its writer's clock reading (a request's start, an event's time for the
 * scheduled consumer) and committed later.
 */
export const NOTICE_LAG_MS = 24 * 3600_000;

interface NoticeRow {
  id: string;
  kind: NoticeKind;
  account_id: string | null;
  account_ref: string | null;
  institution_id: string | null;
  status: AccountStatus | null;
  balance: string | null;
  message: string;
  notified_at: Date | string;
  effective_at: Date | string;
}

/**
 * The borrower's notices given after the subscription started. Notices have no sequence, so
 * the feed remembers the ids it has seen among those stamped since (start − NOTICE_LAG_MS): the
 * ones there at the start are not sent, every later one is sent once, in the order stamped.
 */
export function noticeFeed(ctx: Context, borrowerId: string): AsyncIterableIterator<NoticeView> {
  const since = new Date(ctx.now.getTime() - NOTICE_LAG_MS).toISOString();
  let seen: Set<string> | null = null;
  return pollFeed(
    async () => {
      const found = await rows<NoticeRow>(
        ctx.db.orm,
        sql`select n.id, n.kind, n.account_id, a.account_ref, n.institution_id, n.status, n.balance::text as balance,
                   n.message, n.notified_at, n.effective_at
              from notices n left join credit_accounts a on a.id = n.account_id
             where n.borrower_id = ${borrowerId}::uuid and n.notified_at > ${since}::timestamptz
             order by n.notified_at, n.id`,
      );
      if (!seen) {
        seen = new Set(found.map((n) => n.id));
        return [];
      }
      const fresh = found.filter((n) => !seen!.has(n.id));
      for (const n of fresh) seen.add(n.id);
      return fresh.map((n) => ({
        id: n.id,
        kind: n.kind,
        accountId: n.account_id,
        accountRef: n.account_ref,
        institutionId: n.institution_id,
        status: n.status,
        balance: n.balance,
        message: n.message,
        notifiedAt: toDate(n.notified_at),
        effectiveAt: toDate(n.effective_at),
      }));
    },
    { signal: signalOf(ctx), skipIf: lostConnection(ctx) },
  );
}

/** The caller, who must be one of `roles` (the shield already said so; a direct call is checked here too). */
function caller(ctx: Context, roles: Actor['role'][]): Actor {
  if (!ctx.actor) throw ctx.authError ?? unauthenticated();
  if (!roles.includes(ctx.actor.role)) throw forbidden();
  return ctx.actor;
}

export const resolvers: Resolvers = {
  Subscription: {
    alertRaised: {
      subscribe: (_parent, args, ctx) => {
        const actor = caller(ctx, ['BANK', 'INSURER']);
        if (!actor.institutionId) throw forbidden('The token names no institution');
        return alertFeed(ctx, actor.institutionId, args.severity);
      },
      resolve: (alert: AlertView) => alert,
    },
    noticeGiven: {
      subscribe: (_parent, _args, ctx) => {
        const actor = caller(ctx, ['BORROWER']);
        if (!actor.borrowerId) throw forbidden('The token names no borrower');
        return noticeFeed(ctx, actor.borrowerId);
      },
      resolve: (notice: NoticeView) => notice,
    },
  },
};
