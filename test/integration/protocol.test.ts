import type { Server } from 'node:http';
import { auditServer } from 'graphql-http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../src/app.js';
import { createHttpServer, listen } from '../../src/http/server.js';
import { institution, type Inst } from '../factories.js';
import { testConfig, useTestApp, type TestApp } from '../helpers/app.js';

/** The protocol findings of the production review, replayed against a production-mode server. */
const app = useTestApp();
let t: TestApp;
let prod: App;
let server: Server;
let url: string;
let bank: Inst;

beforeAll(async () => {
  t = await app();
  bank = await institution(t, 'BANK');
  prod = await createApp({ config: testConfig({ NODE_ENV: 'production', NATIONAL_ID_PEPPER: 'prod-pepper-0123456789' }), db: t.tdb.db });
  server = createHttpServer(prod);
  url = `http://127.0.0.1:${await listen(server, 0, '127.0.0.1')}/graphql`;
});
afterAll(async () => {
  await new Promise<void>((r) => server.close(() => r()));
  await prod.stop();
});

const post = (body: unknown, headers: Record<string, string> = {}) =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${bank.token}`, ...headers },
    body: JSON.stringify(body),
  });
const firstError = async (res: Response) =>
  ((await res.json()) as { errors: { message: string; extensions: { code: string } }[] }).errors[0];

describe('GraphQL over HTTP in production', () => {
  it('answers a syntax error 400 GRAPHQL_PARSE_FAILED, not 500', async () => {
    const res = await post({ query: '{ me {' });
    expect(res.status).toBe(400);
    expect((await firstError(res)).extensions.code).toBe('GRAPHQL_PARSE_FAILED');
  });

  it('answers 10,000 aliases (past the token limit) 400, not 500', async () => {
    const res = await post({ query: `{ ${Array.from({ length: 10_000 }, (_, i) => `a${i}: __typename`).join(' ')} }` });
    expect(res.status).toBe(400);
    expect((await firstError(res)).extensions.code).toBe('GRAPHQL_PARSE_FAILED');
  });

  it('suggests nothing: no "Did you mean" for enum values or fields', async () => {
    const enumErr = await firstError(await post({ query: '{ institutions(kind: BANKK) { id } }' }));
    expect(enumErr.extensions.code).toBe('BAD_USER_INPUT');
    expect(enumErr.message).not.toMatch(/did you mean/i);
    const fieldErr = await firstError(await post({ query: '{ institutionz { id } }' }));
    expect(fieldErr.message).not.toMatch(/did you mean/i);
  });

  it('gives a legacy application/json client 200 for a refused document, as the specification says it SHOULD', async () => {
    const res = await post({ query: '{ me {' }, { accept: 'application/json' });
    expect(res.status).toBe(200);
    expect((await firstError(res)).extensions.code).toBe('GRAPHQL_PARSE_FAILED');
  });

  it('reports no warnings in graphql-http audits (only MAY notices)', async () => {
    // on a development server: the audits ask __type, and production turns introspection off
    const dev = createHttpServer(t.app);
    const devUrl = `http://127.0.0.1:${await listen(dev, 0, '127.0.0.1')}/graphql`;
    const results = await auditServer({ url: devUrl });
    await new Promise<void>((r) => dev.close(() => r()));
    expect(
      results.filter((r) => r.status === 'warn' || r.status === 'error').map((r) => `${r.id} ${r.name}: ${'reason' in r ? r.reason : ''}`),
    ).toEqual([]);
  });

  it('echoes x-request-id, and makes one when the client sent none or a bad one', async () => {
    expect((await post({ query: '{ me { role } }' }, { 'x-request-id': 'trace-123' })).headers.get('x-request-id')).toBe('trace-123');
    expect((await post({ query: '{ me { role } }' }, { 'x-request-id': 'bad id with spaces' })).headers.get('x-request-id')).toMatch(
      /^[0-9a-f-]{36}$/,
    );
  });

  it('has /livez and /readyz (the database answers and its migrations are current)', async () => {
    const base = url.replace('/graphql', '');
    expect((await fetch(`${base}/livez`)).status).toBe(200);
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ok' });
  });
});
