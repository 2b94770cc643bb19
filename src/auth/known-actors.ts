import { sql } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import { one } from '../db/client.js';
import type { Actor } from './actor.js';

/**
 * A valid signature is not enough: the token must name an institution that exists and is of
 * the token's kind (a BANK token naming an insurer is refused), or a borrower that exists.
 * Known actors are remembered for a minute, so the hot path costs no statement.
 */
const TTL_MS = 60_000;
const CACHE_LIMIT = 10_000;

export function createActorCheck(db: Database) {
  const known = new Map<string, number>();
  return async function problemWith(actor: Actor, nowMs: number): Promise<string | null> {
    if (actor.role === 'ADMIN') return null;
    const key = `${actor.role}:${actor.institutionId ?? actor.borrowerId}`;
    const until = known.get(key);
    if (until && until > nowMs) return null;
    const problem =
      actor.role === 'BORROWER'
        ? (await one(db.orm, sql`select 1 as found from borrowers where id = ${actor.borrowerId}::uuid`))
          ? null
          : 'Token names no known borrower'
        : (await one<{ kind: string }>(db.orm, sql`select kind from institutions where id = ${actor.institutionId}`))?.kind === actor.role
          ? null
          : `Token names no known ${actor.role.toLowerCase()} institution`;
    if (!problem) {
      if (known.size >= CACHE_LIMIT) known.clear();
      known.set(key, nowMs + TTL_MS);
    }
    return problem;
  };
}
