import type { Logger } from 'pino';
import type { Actor } from '../auth/actor.js';
import type { Config } from '../config.js';
import type { Database } from '../db/client.js';
import type { AppError } from '../errors.js';
import { Loaders } from './loaders.js';

/** Everything a resolver or service may use, built once per request. */
export interface Ctx {
  actor: Actor | null;
  /** Set when a token was presented but could not be verified. */
  authError: AppError | null;
  db: Database;
  config: Config;
  /** The request's clock reading: every rule and timestamp in this request uses it. */
  now: Date;
  requestId: string;
  loaders: Loaders;
  log: Logger;
  /** Test-only fault injection (see failpoint()); empty in every real deployment. */
  failpoints: ReadonlySet<string>;
}

/** Throw at a named point inside a money mutation, so tests can prove nothing half-written survives. */
export function failpoint(ctx: Pick<Ctx, 'failpoints'>, name: string) {
  if (ctx.failpoints.has(name)) throw new Error(`failpoint ${name}`);
}

export interface CtxInit {
  actor: Actor | null;
  authError: AppError | null;
  db: Database;
  config: Config;
  now: Date;
  requestId: string;
  log: Logger;
  failpoints?: ReadonlySet<string>;
}

const NO_FAILPOINTS: ReadonlySet<string> = new Set();

export function makeContext(init: CtxInit): Ctx {
  const ctx = init as Ctx;
  ctx.failpoints ??= NO_FAILPOINTS;
  ctx.loaders = new Loaders(ctx);
  return ctx;
}
