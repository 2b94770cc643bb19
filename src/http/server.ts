import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { HeaderMap } from '@apollo/server';
import type { App } from '../app.js';
import type { Context } from '../context.js';
import { Lifecycle } from './lifecycle.js';
import { createStreamHandler } from './sse.js';
import type { RateDecision } from './rate-limit.js';
import { errorBody, readBody, sendJson, sendRateLimited } from './body.js';

const MAX_BODY = 1024 * 1024;
const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;
/** Seconds a client should wait before retrying a request refused while this replica drains. */
const RETRY_AFTER_S = '5';

export type Route = (req: IncomingMessage, res: ServerResponse, url: URL) => boolean | Promise<boolean>;

/** GraphQL over HTTP on node:http: no framework between the socket and Apollo. Returns the request's Context, once built. */
export async function handleGraphQL(
  app: App,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  requestId: string,
): Promise<Context | undefined> {
  const headers = new HeaderMap();
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(', ') : v);
  let body: unknown;
  if (req.method === 'POST') {
    const raw = await readBody(req, MAX_BODY);
    if (raw === null) return void sendJson(res, 413, errorBody('Request body too large', 'BAD_REQUEST'));
    const [mediaType, ...params] = (headers.get('content-type') ?? '')
      .toLowerCase()
      .split(';')
      .map((s) => s.trim());
    const charset = params.find((p) => p.startsWith('charset='))?.slice('charset='.length);
    if (charset && charset !== 'utf-8' && charset !== 'utf8')
      return void sendJson(res, 415, errorBody('Only UTF-8 request bodies are accepted', 'BAD_REQUEST'));
    if (mediaType === 'application/json' || mediaType === 'application/graphql-response+json') {
      try {
        body = raw.length ? JSON.parse(raw) : undefined;
      } catch {
        return void sendJson(res, 400, errorBody('Request body is not valid JSON', 'BAD_REQUEST'));
      }
    } else {
      body = raw;
    }
  }
  let ctx = await app.contextFor(headers.get('authorization'), requestId);
  const limit = await rateLimited(app, req, ctx);
  if (limit.limited) {
    sendRateLimited(res, limit.retryAfterS);
    return ctx;
  }
  const run = (c: Context) =>
    app.apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: req.method ?? 'GET', headers, search: url.search, body },
      context: async () => c,
    });
  let result = await run(ctx);
  // A read that met a lost database connection is run once more (the pool reconnects); a
  // mutation is not: its command already retried where that was safe.
  if (result.status === 503 && ctx.observed.operationType === 'query') {
    ctx = await app.contextFor(headers.get('authorization'), requestId);
    result = await run(ctx);
  }
  const out: Record<string, string> = {};
  for (const [k, v] of result.headers) out[k] = v;
  res.writeHead(legacyStatus(headers.get('accept'), result.status ?? 200, ctx), out);
  if (result.body.kind === 'complete') {
    res.end(result.body.string);
  } else {
    for await (const chunk of result.body.asyncIterator) res.write(chunk);
    res.end();
  }
  return ctx;
}

/** A well-formed request whose document or variables were refused: parse, validation, coercion. */
const DOCUMENT_ERRORS = new Set(['GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'BAD_USER_INPUT']);

/**
 * GraphQL over HTTP: a client that accepts application/graphql-response+json (or anything, as
 * curl does) gets 400 for a refused document; a legacy client that asks for application/json
 * only gets 200 with the errors, as the specification says it SHOULD.
 */
function legacyStatus(accept: string | undefined, status: number, ctx: Context): number {
  const legacy =
    !!accept && accept.includes('application/json') && !accept.includes('application/graphql-response+json') && !accept.includes('*/*');
  return legacy && status === 400 && ctx.observed.errorCodes.length > 0 && ctx.observed.errorCodes.every((c) => DOCUMENT_ERRORS.has(c))
    ? 200
    : status;
}

/** Per caller (its institution, borrower or user) and per client address; a failing counter lets the request through. */
async function rateLimited(app: App, req: IncomingMessage, ctx: Context): Promise<RateDecision> {
  if (!app.rateLimiter.enabled) return { limited: false };
  const a = ctx.actor;
  const actorKey = a ? `${a.role}:${a.institutionId ?? a.borrowerId ?? a.userId}` : null;
  try {
    return await app.rateLimiter.check(req.socket.remoteAddress ?? 'unknown', actorKey, ctx.now);
  } catch (err) {
    app.log.warn({ err }, 'rate limit not counted');
    return { limited: false };
  }
}

/** One structured line per request: no personal data (no variables, no tokens, no borrower ids). Also counts it in /metrics. */
function accessLog(app: App, req: IncomingMessage, res: ServerResponse, url: URL, requestId: string, started: bigint, ctx?: Context) {
  const outcome = ctx?.observed;
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  const errorCodes = outcome?.errorCodes ?? [];
  app.metrics.observeRequest({ rootField: outcome?.rootField ?? null, status: res.statusCode, seconds: ms / 1000, errorCodes });
  app.log.info(
    {
      requestId,
      method: req.method,
      path: url.pathname,
      status: res.statusCode,
      ms,
      operation: outcome?.operation ?? null,
      errors: outcome?.errorCodes.length ? outcome.errorCodes : undefined,
      role: ctx?.actor?.role ?? null,
      institution: ctx?.actor?.institutionId ?? null,
    },
    'request',
  );
}

export function createHttpServer(app: App, routes: Route[] = [], lifecycle = new Lifecycle()): Server {
  const stream = createStreamHandler({ app, lifecycle, rateLimit: (req, ctx) => rateLimited(app, req, ctx) });
  return createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const given = req.headers['x-request-id'];
    const requestId = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    res.setHeader('x-request-id', requestId);
    if (url.pathname === '/livez') return sendJson(res, 200, { status: 'ok' });
    if (lifecycle.draining) {
      // a request on a kept-alive connection after SIGTERM: refused cleanly, retried elsewhere
      return sendJson(res, 503, errorBody('Server is shutting down; retry', 'SERVICE_UNAVAILABLE'), {
        'retry-after': RETRY_AFTER_S,
        connection: 'close',
      });
    }
    lifecycle.track(res);
    const started = process.hrtime.bigint();
    (async () => {
      for (const route of routes) if (await route(req, res, url)) return;
      if (url.pathname === '/graphql') {
        const ctx = await handleGraphQL(app, req, res, url, requestId);
        return accessLog(app, req, res, url, requestId, started, ctx);
      }
      if (url.pathname === '/graphql/stream') {
        // subscriptions over Server-Sent Events (src/http/sse.ts); logged when the stream ends
        const ctx = await stream(req, res, requestId);
        return accessLog(app, req, res, url, requestId, started, ctx);
      }
      if (url.pathname === '/readyz' || url.pathname === '/health') {
        const r = await app.readiness();
        return sendJson(res, r.ready ? 200 : 503, r.ready ? { status: 'ok' } : { status: 'unavailable', reason: r.reason });
      }
      if (url.pathname === '/metrics' && (req.method === 'GET' || req.method === 'HEAD')) {
        // same port as the API: operators keep /metrics off the public ingress (docs/operations.md)
        const body = await app.metrics.exposition();
        res.writeHead(200, { 'content-type': app.metrics.contentType, 'cache-control': 'no-store' });
        return void res.end(req.method === 'HEAD' ? undefined : body);
      }
      sendJson(res, 404, { error: 'not found' });
    })().catch((err) => {
      app.log.error({ err, requestId }, 'request failed');
      if (!res.headersSent) sendJson(res, 500, errorBody('Internal server error', 'INTERNAL_SERVER_ERROR'));
      else res.end();
    });
  });
}

export function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const addr = server.address();
      resolve(typeof addr === 'object' && addr ? addr.port : port);
    });
  });
}
