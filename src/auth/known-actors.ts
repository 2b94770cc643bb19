import { sql } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import { one } from '../db/client.js';
import type { Actor } from './actor.js';

/**
 * A valid signature is not enough: the token must name an institution that exists and is of
 * the token's kind (a BANK token naming an insurer is refused) and is active, or a borrower that exists.
 * Known actors are remembered for a minute, so the hot path costs no statement.
 */
const TTL_MS = 60_000;
const CACHE_LIMIT = 10_000;

async function institutionProblem(db: Database, actor: Actor): Promise<string | null> {
  const inst = await one<{ kind: string; inactive: boolean }>(
    db.orm,
    sql`select kind, deactivated_at is not null as inactive from institutions where id = ${actor.institutionId}`,
  );
  if (inst?.kind !== actor.role) return `Token names no known ${actor.role.toLowerCase().replace('_', ' ')} institution`;
  if (inst.inactive) return 'Token names an inactive institution';
  return null;
}

/** Every check's cache in this process, so a deactivation here takes effect at once (other processes: within TTL_MS). */
const caches = new Set<Map<string, number>>();

/** Forget what this process knows about an institution (after it is deactivated). */
export function forgetInstitution(id: string) {
  for (const known of caches) for (const key of known.keys()) if (key.endsWith(`:${id}`)) known.delete(key);
}

export function createActorCheck(db: Database) {
  const known = new Map<string, number>();
  caches.add(known);
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
        : await institutionProblem(db, actor);
    if (!problem) {
      if (known.size >= CACHE_LIMIT) known.clear();
      known.set(key, nowMs + TTL_MS);
    }
    return problem;
  };
}
