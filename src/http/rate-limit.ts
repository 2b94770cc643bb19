import { sql } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import { rows } from '../db/client.js';

export interface RateLimits {
  /** Requests a minute per institution (or borrower, or admin user); 0: no limit. */
  perActorPerMinute: number;
  /** Requests a minute per client address; 0: no limit. */
  perIpPerMinute: number;
}

export type RateDecision = { limited: false } | { limited: true; retryAfterS: number; key: 'actor' | 'ip' };

/**
 * Fixed one-minute windows counted in PostgreSQL, so the limit holds across replicas: one
 * upsert per request for both keys. (rate-limiter-flexible's PostgreSQL store needs the `pg`
 * driver; this platform speaks postgres.js and PGlite, and this is the one statement it needs.)
 */
export function createRateLimiter(db: Database, limits: RateLimits) {
  const enabled = limits.perActorPerMinute > 0 || limits.perIpPerMinute > 0;
  return {
    enabled,
    async check(ip: string, actorKey: string | null, now: Date): Promise<RateDecision> {
      if (!enabled) return { limited: false };
      const window = new Date(Math.floor(now.getTime() / 60_000) * 60_000);
      const keys: [string, number, 'actor' | 'ip'][] = [];
      if (limits.perIpPerMinute > 0) keys.push([`ip:${ip}`, limits.perIpPerMinute, 'ip']);
      if (actorKey && limits.perActorPerMinute > 0) keys.push([`actor:${actorKey}`, limits.perActorPerMinute, 'actor']);
      if (!keys.length) return { limited: false };
      const values = sql.join(
        keys.map(([k]) => sql`(${k}, ${window.toISOString()}::timestamptz, 1)`),
        sql`, `,
      );
      const counted = await rows<{ key: string; hits: number }>(
        db.orm,
        sql`insert into rate_limit_hits (key, window_start, hits) values ${values}
            on conflict (key, window_start) do update set hits = rate_limit_hits.hits + 1
            returning key, hits`,
      );
      for (const [k, limit, kind] of keys) {
        const hits = counted.find((c) => c.key === k)?.hits ?? 0;
        if (hits > limit)
          return { limited: true, key: kind, retryAfterS: Math.max(1, Math.ceil((window.getTime() + 60_000 - now.getTime()) / 1000)) };
      }
      return { limited: false };
    },
    /** Drop windows older than an hour (run by the elected job replica). */
    async prune(now: Date) {
      await db.orm.execute(
        sql`delete from rate_limit_hits where window_start < ${new Date(now.getTime() - 3_600_000).toISOString()}::timestamptz`,
      );
    },
  };
}

export type RateLimiter = ReturnType<typeof createRateLimiter>;
