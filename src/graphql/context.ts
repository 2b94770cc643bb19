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
}

export interface CtxInit {
  actor: Actor | null;
  authError: AppError | null;
  db: Database;
  config: Config;
  now: Date;
  requestId: string;
  log: Logger;
}

export function makeContext(init: CtxInit): Ctx {
  const ctx = init as Ctx;
  ctx.loaders = new Loaders(ctx);
  return ctx;
}
