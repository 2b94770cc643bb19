import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import type { GraphQLError, ValidationRule } from 'graphql';
import { createHandler, type ExecutionResult, type RequestParams } from 'graphql-sse';
import type { App } from '../app.js';
import type { Context } from '../context.js';
import { AppError, ErrorCode } from '../errors.js';
import { makeFormatError, MAX_TOKENS, validationRules } from '../graphql/apollo.js';
import type { StreamContext } from '../graphql/subscriptions.js';
import type { Lifecycle } from './lifecycle.js';
import type { RateDecision } from './rate-limit.js';
import { errorBody, readBody, sendJson, sendRateLimited } from './body.js';

/**
 * GraphQL subscriptions over Server-Sent Events (the GraphQL-over-SSE protocol, graphql-sse) at
 * /graphql/stream, in its "distinct connections" mode: one request (POST with the operation as
 * JSON, or GET with it in the query string) opens one event stream for one subscription. There
 * is no stream reserved with PUT: a reservation lives in one replica's memory, and a load
 * balancer may send the next request elsewhere.
 *
 * The caller is authenticated as on /graphql (Authorization: Bearer <JWT>, the token's
 * institution or borrower must exist and be active), counted by the same rate limiter (one
 * count per subscription opened), and the shield refuses a subscription its role may not have:
 * the refusal is the stream's one `next` event (UNAUTHENTICATED / FORBIDDEN), then `complete`.
 * The token is checked again every REAUTH_MS; when it has expired or its institution was
 * deactivated the stream ends (the client reconnects and is refused).
 *
 * When the server drains (SIGTERM), open streams end without a `complete` event: to a client
 * that is a dropped connection, which graphql-sse's client retries (on another replica).
 */

/**
 * graphql as Node resolves it for the dependencies (Apollo, graphql-tools, graphql-sse): its
 * CommonJS build. The schema is made of that build's classes, and validate/subscribe check them;
 * a bundler (vitest) would hand this file the ESM build instead.
 */
const { getOperationAST, parse, specifiedRules, subscribe, validate } = createRequire(import.meta.url)(
  'graphql',
) as typeof import('graphql');

/** A subscription document is small; anything larger is refused before parsing. */
const MAX_BODY = 64 * 1024;
/** How often an open stream checks its token again. */
export const REAUTH_MS = 60_000;

/**
 * A refusal before execution, as the stream's one result. graphql-sse knows a result by its
 * `data` key; undefined, it is left out of the JSON (a request error has no data entry).
 */
const requestError = (errors: readonly unknown[]) => ({ data: undefined, errors }) as unknown as ExecutionResult;
const refusal = (message: string, code: string) => requestError([{ message, extensions: { code } }]);

/** The token could not be checked because the database did not answer (not a refusal). */
const lostDatabase = (ctx: Context) => ctx.authError instanceof AppError && ctx.authError.code === ErrorCode.SERVICE_UNAVAILABLE;

/** graphql-sse wants a context it may index. */
type OperationContext = StreamContext & Record<PropertyKey, unknown>;

interface Deps {
  app: App;
  lifecycle: Lifecycle;
  /** The same limiter as /graphql (server.ts). */
  rateLimit(req: IncomingMessage, ctx: Context): Promise<RateDecision>;
  /** How often an open stream checks its token again (REAUTH_MS). */
  reauthMs?: number;
}

export type StreamHandler = (req: IncomingMessage, res: ServerResponse, requestId: string) => Promise<Context | undefined>;

export function createStreamHandler({ app, lifecycle, rateLimit, reauthMs = REAUTH_MS }: Deps): StreamHandler {
  const rules: ValidationRule[] = [...specifiedRules, ...validationRules(app.config)];
  const format = makeFormatError(app.log, app.config.production);

  const handler = createHandler<IncomingMessage, { ctx: OperationContext }, OperationContext>({
    // distinct connections only (see above)
    authenticate: () => null,
    subscribe: (args) => subscribe(args),
    context: (req) => req.context.ctx,
    onSubscribe: (req, params: RequestParams) => {
      const ctx = req.context.ctx;
      let document;
      try {
        document = parse(params.query, { maxTokens: MAX_TOKENS });
      } catch (err) {
        return refusal((err as Error).message, 'GRAPHQL_PARSE_FAILED');
      }
      const operation = getOperationAST(document, params.operationName);
      if (!operation) return refusal('Unable to identify the operation', 'BAD_REQUEST');
      const root = operation.selectionSet.selections[0];
      ctx.observed.operationType = operation.operation;
      ctx.observed.rootField = root?.kind === 'Field' ? root.name.value : null;
      ctx.observed.operation = params.operationName ?? `${operation.operation} ${ctx.observed.rootField ?? ''}`.trim();
      // queries and mutations go to /graphql (its idempotency, its plugins); only subscriptions stream
      if (operation.operation !== 'subscription')
        return refusal('Only subscriptions are served here; send queries and mutations to /graphql', 'BAD_REQUEST');
      const errors = validate(app.schema, document, rules);
      // coded as Apollo codes them on /graphql (a bad literal then reads as BAD_USER_INPUT)
      if (errors.length)
        return requestError(
          errors.map((e) => format({ ...e.toJSON(), extensions: { ...e.extensions, code: 'GRAPHQL_VALIDATION_FAILED' } }, e)),
        );
      return {
        schema: app.schema,
        document,
        operationName: params.operationName,
        variableValues: params.variables,
        contextValue: ctx,
      };
    },
    onNext: (ctx, _req, result) => {
      if (!result.errors?.length) return;
      const errors = result.errors.map((e) => {
        const err = e as GraphQLError;
        return format(typeof err.toJSON === 'function' ? err.toJSON() : err, err);
      });
      ctx.observed.errorCodes.push(...errors.map((e) => String(e.extensions?.code ?? 'UNKNOWN')));
      return { ...result, errors } as unknown as ExecutionResult;
    },
  });

  return async function handleStream(req, res, requestId) {
    if (req.method !== 'GET' && req.method !== 'POST') {
      sendJson(res, 405, errorBody('Use GET or POST', 'BAD_REQUEST'), { allow: 'GET, POST' });
      return undefined;
    }
    if (!(req.headers.accept ?? '').includes('text/event-stream')) {
      sendJson(res, 406, errorBody('Send Accept: text/event-stream (GraphQL over Server-Sent Events)', 'BAD_REQUEST'));
      return undefined;
    }
    const authorization = req.headers.authorization;
    const base = await app.contextFor(authorization, requestId);
    if (lostDatabase(base)) {
      // not a refusal: graphql-sse's client retries a 503 (a `complete` would end the subscription for good)
      sendJson(res, 503, errorBody('Service temporarily unavailable; retry shortly', 'SERVICE_UNAVAILABLE'), { 'retry-after': '1' });
      return base;
    }
    const limit = await rateLimit(req, base);
    if (limit.limited) {
      sendRateLimited(res, limit.retryAfterS);
      return base;
    }
    let body: string | null = null;
    if (req.method === 'POST') {
      body = await readBody(req, MAX_BODY);
      if (body === null) {
        sendJson(res, 413, errorBody('Request body too large', 'BAD_REQUEST'));
        return base;
      }
    }
    const ended = new AbortController();
    const ctx = { ...base, clock: app.clock, signal: ended.signal } as OperationContext;
    const [out, init] = await handler({
      method: req.method,
      url: req.url ?? '/',
      headers: {
        get: (key) => {
          // graphql-sse looks for exactly this value
          if (key === 'accept') return 'text/event-stream';
          const v = req.headers[key];
          return Array.isArray(v) ? v.join(', ') : v;
        },
      },
      body,
      raw: req,
      context: { ctx },
    });
    if (!out || typeof out === 'string') {
      res.writeHead(init.status, init.headers);
      res.end(out ?? undefined);
      return ctx;
    }
    // a proxy must pass events on as they come
    res.writeHead(init.status, { ...init.headers, 'x-accel-buffering': 'no' });
    res.flushHeaders();
    const end = () => {
      ended.abort();
      if (!res.writableEnded) res.end();
    };
    const stopOnDrain = lifecycle.onDrain(end);
    const reauth = setInterval(() => {
      app
        .contextFor(authorization, requestId)
        .then((again) => {
          // a database blip is not a reason to end the stream; a token no longer good is
          if (!again.actor && !lostDatabase(again)) {
            app.log.info({ requestId, reason: again.authError?.message }, 'event stream ended: token no longer valid');
            end();
          }
        })
        .catch(() => {});
    }, reauthMs);
    res.once('close', () => {
      ended.abort();
      void out.return(undefined);
    });
    try {
      for await (const chunk of out) {
        if (res.writableEnded || res.destroyed) break;
        res.write(chunk);
      }
    } catch (err) {
      app.log.error({ err, requestId }, 'event stream failed');
    } finally {
      clearInterval(reauth);
      stopOnDrain();
      end();
    }
    return ctx;
  };
}
