import type { IncomingMessage, ServerResponse } from 'node:http';

/** The body as text, or null when it exceeds `max` bytes (the rest is drained, not kept). */
export function readBody(req: IncomingMessage, max: number): Promise<string | null> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= max) chunks.push(c);
    });
    req.on('end', () => resolve(size > max ? null : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** A JSON answer (an error's body or a result). */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(body));
}

/** A request-level error, in the GraphQL-over-HTTP shape, with its stable code. */
export const errorBody = (message: string, code: string) => ({ errors: [{ message, extensions: { code } }] });

/** 429 with Retry-After: the same words on every route. */
export const sendRateLimited = (res: ServerResponse, retryAfterS: number) =>
  sendJson(res, 429, errorBody(`Too many requests; retry after ${retryAfterS} s`, 'RATE_LIMITED'), { 'retry-after': String(retryAfterS) });
