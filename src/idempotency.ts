import { createHash } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import type { Context } from './context.js';
import type { Tx } from './db/client.js';
import { idempotencyKeys } from './db/schema/index.js';
import { badInput, conflict } from './errors.js';

const KEY_RE = /^[A-Za-z0-9._:-]{8,100}$/;

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value instanceof Date) return value.toISOString();
  if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    return Object.fromEntries(
      Object.keys(o)
        .sort()
        .filter((k) => o[k] !== undefined)
        .map((k) => [k, canonical(o[k])]),
    );
  }
  return value;
}

export const requestHash = (operation: string, input: unknown) =>
  createHash('sha256')
    .update(JSON.stringify(canonical({ operation, input })))
    .digest('hex');

/** Keys are per acting institution (or borrower, or user): two banks never collide. */
export function keyScope(ctx: Pick<Context, 'actor'>): string {
  const a = ctx.actor;
  if (!a) throw new Error('keyScope needs an authenticated actor');
  return `${a.role}:${a.institutionId ?? a.borrowerId ?? a.userId}`;
}

export function checkIdempotencyKey(key: unknown): string {
  if (typeof key !== 'string' || !KEY_RE.test(key)) {
    throw badInput('idempotencyKey must be 8-100 characters of letters, digits, . _ : -', { field: 'idempotencyKey' });
  }
  return key;
}

export interface KeyClaim {
  scope: string;
  key: string;
  operation: string;
  hash: string;
}

/**
 * Claim a key inside the operation's transaction. Returns `{ replay }` with the first result when
 * the key was used before for the same request; a concurrent duplicate waits on the key's row.
 * The same key with a different request is a CONFLICT. If the transaction fails, the key goes too.
 */
export async function claimKey(tx: Tx, now: Date, k: KeyClaim): Promise<{ replay: unknown } | null> {
  const fresh = await tx
    .insert(idempotencyKeys)
    .values({ scope: k.scope, key: k.key, operation: k.operation, requestHash: k.hash, createdAt: now })
    .onConflictDoNothing()
    .returning({ key: idempotencyKeys.key });
  if (fresh.length) return null;
  const [prior] = await tx
    .select()
    .from(idempotencyKeys)
    .where(and(eq(idempotencyKeys.scope, k.scope), eq(idempotencyKeys.key, k.key)));
  if (prior.operation !== k.operation || prior.requestHash !== k.hash) {
    throw conflict('This idempotency key was already used for a different request', { field: 'idempotencyKey' });
  }
  return { replay: prior.response };
}

export async function saveResponse(tx: Tx, k: KeyClaim, response: unknown) {
  await tx
    .update(idempotencyKeys)
    .set({ response: response as object })
    .where(and(eq(idempotencyKeys.scope, k.scope), eq(idempotencyKeys.key, k.key)));
}
