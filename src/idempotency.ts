import { createHash } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import type { Tx } from './db/client.js';
import { idempotencyKeys } from './db/schema/index.js';
import { badInput, conflict, PgCode, pgErrorCode } from './errors.js';
import type { Ctx } from './graphql/context.js';

const KEY_RE = /^[A-Za-z0-9._:-]{8,100}$/;

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value instanceof Date) return value.toISOString();
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value as object)
        .sort()
        .filter((k) => (value as any)[k] !== undefined)
        .map((k) => [k, canonical((value as any)[k])]),
    );
  }
  return value;
}

export const requestHash = (operation: string, input: unknown) =>
  createHash('sha256').update(JSON.stringify(canonical({ operation, input }))).digest('hex');

/** Keys are per acting institution (or borrower, or user): two banks never collide. */
export function keyScope(ctx: Ctx): string {
  const a = ctx.actor!;
  return `${a.role}:${a.institutionId ?? a.borrowerId ?? a.userId}`;
}

/**
 * Run a state-changing operation once per key, in one transaction with the key itself.
 * A replay (same key, same request) returns the first result; the same key with a different
 * request is a CONFLICT. A concurrent duplicate waits on the key's row and then replays.
 * If the operation fails, the key is not kept: a retry runs again.
 */
export async function idempotent<T>(ctx: Ctx, operation: string, key: string, input: unknown, run: (tx: Tx) => Promise<T>): Promise<T> {
  if (typeof key !== 'string' || !KEY_RE.test(key)) {
    throw badInput('idempotencyKey must be 8-100 characters of letters, digits, . _ : -', { field: 'idempotencyKey' });
  }
  const scope = keyScope(ctx);
  const hash = requestHash(operation, input);
  for (let attempt = 1; ; attempt++) {
    try {
      return await once(ctx, operation, scope, key, hash, run);
    } catch (err) {
      // the database chose this transaction as a deadlock victim: it left nothing behind, run it again
      const code = pgErrorCode(err);
      if (attempt >= 3 || (code !== PgCode.deadlockDetected && code !== PgCode.serializationFailure)) throw err;
      ctx.log.warn({ operation, attempt, code }, 'transaction retried');
    }
  }
}

async function once<T>(ctx: Ctx, operation: string, scope: string, key: string, hash: string, run: (tx: Tx) => Promise<T>): Promise<T> {
  return ctx.db.orm.transaction(async (tx) => {
    const fresh = await tx
      .insert(idempotencyKeys)
      .values({ scope, key, operation, requestHash: hash, createdAt: ctx.now })
      .onConflictDoNothing()
      .returning({ key: idempotencyKeys.key });
    if (fresh.length === 0) {
      const [prior] = await tx
        .select()
        .from(idempotencyKeys)
        .where(and(eq(idempotencyKeys.scope, scope), eq(idempotencyKeys.key, key)));
      if (prior.operation !== operation || prior.requestHash !== hash) {
        throw conflict('This idempotency key was already used for a different request', { field: 'idempotencyKey' });
      }
      return prior.response as T;
    }
    // The first result is returned in its stored (JSON) form, so a replay is indistinguishable from it.
    const result = JSON.parse(JSON.stringify(await run(tx))) as T;
    await tx
      .update(idempotencyKeys)
      .set({ response: result as object })
      .where(and(eq(idempotencyKeys.scope, scope), eq(idempotencyKeys.key, key)));
    return result;
  });
}
