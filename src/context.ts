import type { Actor } from './auth/actor.js';
import type { Config } from './config.js';
import type { Database } from './db/client.js';
import { LoaderCache } from './loaders.js';
import type { Logger } from './logger.js';

export type Clock = () => Date;

/**
 * Everything a use case may know about the request, built once per request by the HTTP layer
 * (or by a scheduled job). Plain data: no GraphQL, no HTTP objects.
 */
export interface Context {
  readonly actor: Actor | null;
  /** Set when a token was presented but could not be verified (an AppError), or verifying it failed on our side. */
  readonly authError: Error | null;
  readonly db: Database;
  /**
   * Reads that tolerate replication lag (seconds at most): programme metrics, parameters,
   * institution lists. The read replica when READ_DATABASE_URL is set, else the same as `db`.
   * Never for a consent check, a profile read (it writes its inquiry) or anything in a money
   * transaction: those use `db`, the primary.
   */
  readonly readDb: Database;
  readonly config: Config;
  /** The request's clock reading: every rule and timestamp in this request uses it. */
  readonly now: Date;
  readonly requestId: string;
  readonly log: Logger;
  /** Per-request batching caches (see defineLoader). */
  readonly loaders: LoaderCache;
  /** What the request turned out to be, for its access-log line and metrics (filled in by the API layer). */
  readonly observed: { operation: string | null; operationType: string | null; rootField: string | null; errorCodes: string[] };
}

export type ContextInit = Omit<Context, 'loaders' | 'observed'>;

export function createContext(init: ContextInit): Context {
  return { ...init, loaders: new LoaderCache(), observed: { operation: null, operationType: null, rootField: null, errorCodes: [] } };
}
