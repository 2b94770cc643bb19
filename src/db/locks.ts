import { createHash } from 'node:crypto';
import { connectionOptions, connectionUrl } from './client.js';

/**
 * Work that one replica at a time may do (migrations, scheduled jobs), serialised by a
 * PostgreSQL session advisory lock held on a connection of its own, so the lock lives exactly
 * as long as the work. Embedded PGlite serves one process: the work just runs.
 */
export function lockKey(name: string): bigint {
  return createHash('sha256').update(`credit-share:${name}`).digest().readBigInt64BE(0);
}

/**
 * A session of its own on the primary, found as the pool finds it (a multi-host URL: the host
 * that is not in recovery; none: it fails at once). After a failover the lock is gone with the
 * old primary's sessions, and so is the work that held it: its statements fail with it.
 */
async function lockConnection(url: string) {
  const { default: postgres } = await import('postgres');
  return postgres(connectionUrl(url), {
    ...(await connectionOptions(url)),
    max: 1,
    fetch_types: false,
    onnotice: () => {},
    connection: { application_name: 'credit-share-lock' },
  });
}

/** Wait for the lock, then run `work` (N replicas starting at once migrate one after another). */
export async function withExclusiveLock<T>(url: string | undefined, name: string, work: () => Promise<T>): Promise<T> {
  if (!url) return work();
  const sql = await lockConnection(url);
  try {
    await sql`select pg_advisory_lock(${lockKey(name).toString()}::bigint)`;
    return await work();
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/** Run `work` only if no other replica holds the lock now; `{ ran: false }` otherwise (another replica is the one). */
export async function ifElected<T>(
  url: string | undefined,
  name: string,
  work: () => Promise<T>,
): Promise<{ ran: true; result: T } | { ran: false }> {
  if (!url) return { ran: true, result: await work() };
  const sql = await lockConnection(url);
  try {
    const [row] = await sql<{ got: boolean }[]>`select pg_try_advisory_lock(${lockKey(name).toString()}::bigint) as got`;
    if (!row.got) return { ran: false };
    return { ran: true, result: await work() };
  } finally {
    // ending the session releases the lock
    await sql.end({ timeout: 5 });
  }
}
