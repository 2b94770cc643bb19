/**
 * Consumers of the domain-event outbox. Each has a cursor (`event_consumers.last_seq`) and takes
 * the events after it in seq order, a batch per transaction: it locks its cursor row FOR UPDATE
 * SKIP LOCKED (so one replica at a time runs a batch; another replica skips the turn), does its
 * work set-wise, and moves the cursor in the same transaction. A crash before the commit leaves
 * the cursor where it was: the batch runs again, and writes nothing twice.
 *
 * seq is handed out when an event is inserted, not when its transaction commits: event 11 may be
 * visible while event 10's transaction is still open. A batch therefore never reads past the
 * high-water mark: the largest seq at a moment when no transaction was inserting events (taken
 * under a SHARE lock on domain_events, which waits for the inserting transactions in flight and
 * is released at once). Every seq at or below it is committed or rolled back for good.
 */
import { sql } from 'drizzle-orm';
import type { Context } from '../../context.js';
import { rows, type Database, type Executor, type Tx } from '../../db/client.js';

export interface Batch {
  /** The cursor before the batch: events with seq > from … */
  from: number;
  /** … and seq ≤ to. */
  to: number;
  /** The batch's events, in seq order (id and type; consumers read the rest set-wise in SQL). */
  events: { id: string; seq: number; type: string }[];
}

/** The largest seq below which every event's transaction has ended. */
export async function highWaterMark(db: Database): Promise<number> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`set local lock_timeout = '10s'`);
    await tx.execute(sql`lock table domain_events in share mode`);
    const [r] = await rows<{ hwm: string | number }>(tx, sql`select coalesce(max(seq), 0) as hwm from domain_events`);
    return Number(r.hwm);
  });
}

/** Create the consumer's cursor at the start of the outbox if it has none. */
export async function ensureConsumer(db: Executor, name: string, now: Date) {
  await db.execute(
    sql`insert into event_consumers (name, last_seq, updated_at) values (${name}, 0, ${now.toISOString()}::timestamptz) on conflict (name) do nothing`,
  );
}

/** Where a consumer has got to (0 before its first batch). */
export async function cursorOf(db: Executor, name: string): Promise<number> {
  const [r] = await rows<{ last_seq: string | number }>(db, sql`select last_seq from event_consumers where name = ${name}`);
  return r ? Number(r.last_seq) : 0;
}

/**
 * Run one batch of consumer `name` in its own transaction: at most `limit` events after its cursor
 * and not past `hwm`. Returns null when another replica holds the cursor, the handler's result
 * (with the batch's size) otherwise; an empty batch does not call the handler.
 */
export async function runBatch<R>(
  ctx: Pick<Context, 'db' | 'now'>,
  name: string,
  opts: { hwm: number; limit: number },
  handle: (tx: Tx, batch: Batch) => Promise<R>,
): Promise<{ events: number; result: R | null } | null> {
  return ctx.db.transaction(async (tx) => {
    const [cursor] = await rows<{ last_seq: string | number }>(
      tx,
      sql`select last_seq from event_consumers where name = ${name} for update skip locked`,
    );
    if (!cursor) return null;
    const from = Number(cursor.last_seq);
    const events = (
      await rows<{ id: string; seq: string | number; type: string }>(
        tx,
        sql`select id, seq, type from domain_events where seq > ${from}::bigint and seq <= ${opts.hwm}::bigint order by seq limit ${opts.limit}::int`,
      )
    ).map((e) => ({ ...e, seq: Number(e.seq) }));
    if (events.length === 0) return { events: 0, result: null };
    const to = events[events.length - 1].seq;
    const result = await handle(tx, { from, to, events });
    const at = sql`${ctx.now.toISOString()}::timestamptz`;
    await tx.execute(sql`update event_consumers set last_seq = ${to}::bigint, updated_at = ${at} where name = ${name}`);
    return { events: events.length, result };
  });
}
