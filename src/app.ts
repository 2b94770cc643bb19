import { randomUUID } from 'node:crypto';
import type { ApolloServer } from '@apollo/server';
import type { GraphQLSchema } from 'graphql';
import type { Actor } from './auth/actor.js';
import { createTokenVerifier } from './auth/tokens.js';
import type { Config } from './config.js';
import type { Database } from './db/client.js';
import { AppError, isConnectionError, unauthenticated, unavailable } from './errors.js';
import { createActorCheck } from './auth/known-actors.js';
import { createApollo } from './graphql/apollo.js';
import { databaseReadiness, type Readiness } from './db/health.js';
import { buildSchema } from './graphql/schema.js';
import { createLogger, type Logger } from './logger.js';
import { createMetrics, type Metrics } from './observability/metrics.js';
import { createRateLimiter, type RateLimiter } from './http/rate-limit.js';
import { createContext, type Clock, type Context } from './context.js';

export type { Clock } from './context.js';

export interface AppDeps {
  config: Config;
  db: Database;
  /** Lag-tolerant reads (READ_DATABASE_URL); defaults to `db`. */
  readDb?: Database;
  /** Injected so tests can stand at a retention boundary or a due date. */
  clock?: Clock;
  log?: Logger;
}

export interface App {
  config: Config;
  db: Database;
  /** Lag-tolerant reads: the read replica's pool, or `db` itself (Context.readDb). */
  readDb: Database;
  log: Logger;
  apollo: ApolloServer<Context>;
  /** The executable schema (shield applied), also served over SSE at /graphql/stream. */
  schema: GraphQLSchema;
  clock: Clock;
  /** Build a request context from an Authorization header value. */
  contextFor(authorization: string | undefined, requestId?: string): Promise<Context>;
  /** A context for the server's own jobs (scheduled ageing), acting as an ADMIN named `system:<job>`. */
  systemContext(job: string): Context;
  /** Prometheus metrics (/metrics); `metrics.registry` is this app's own registry. */
  metrics: Metrics;
  /** Requests a minute per caller and per address, counted in the database (429 beyond). */
  rateLimiter: RateLimiter;
  /** Ready to serve: the database answers and its migrations are current (/readyz). */
  readiness(): Promise<Readiness>;
  stop(): Promise<void>;
}

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

export async function createApp(deps: AppDeps): Promise<App> {
  const { config, db } = deps;
  const readDb = deps.readDb ?? db;
  const log = deps.log ?? createLogger(config);
  const clock = deps.clock ?? (() => new Date());
  const verify = createTokenVerifier(config.jwt);
  const schema = buildSchema();
  const apollo = createApollo(schema, config, log);
  await apollo.start();
  const operations = [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()].flatMap((t) =>
    t ? Object.keys(t.getFields()) : [],
  );
  const jobs = config.ageingIntervalMinutes > 0 ? ['ageing'] : [];
  const metrics = createMetrics({ db, operations, jobs, clock, log });

  const knownActor = createActorCheck(db);

  async function authenticate(header: string | undefined): Promise<{ actor: Actor | null; authError: Error | null }> {
    if (!header) return { actor: null, authError: null };
    const m = /^Bearer\s+([A-Za-z0-9._~+/=-]+)\s*$/i.exec(header);
    if (!m) return { actor: null, authError: unauthenticated("Authorization header must be 'Bearer <token>'") };
    try {
      const actor = await verify(m[1]);
      const problem = await knownActor(actor, Date.now());
      return problem ? { actor: null, authError: unauthenticated(problem) } : { actor, authError: null };
    } catch (err) {
      if (err instanceof AppError) return { actor: null, authError: err };
      // the database could not say who the token names: a 503 to retry, not a refusal
      if (isConnectionError(err)) return { actor: null, authError: unavailable() };
      // anything else is ours: every field answers INTERNAL_SERVER_ERROR (masked, logged), the request still gets a response
      return { actor: null, authError: err instanceof Error ? err : new Error(String(err)) };
    }
  }

  return {
    config,
    db,
    readDb,
    log,
    apollo,
    schema,
    clock,
    metrics,
    rateLimiter: createRateLimiter(db, config.rateLimits),
    async contextFor(authorization, requestId) {
      const { actor, authError } = await authenticate(authorization);
      return createContext({
        actor,
        authError,
        db,
        readDb,
        config,
        now: clock(),
        requestId: requestId && REQUEST_ID.test(requestId) ? requestId : randomUUID(),
        log,
      });
    },
    systemContext(job) {
      return createContext({
        actor: { userId: `system:${job}`, role: 'ADMIN' },
        authError: null,
        db,
        readDb,
        config,
        now: clock(),
        requestId: `${job}-${randomUUID()}`,
        log,
      });
    },
    readiness: () => databaseReadiness(db),
    stop: () => apollo.stop(),
  };
}
