import type { Server } from 'node:http';
import { auditServer } from 'graphql-http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../src/app.js';
import { createHttpServer, listen } from '../../src/http/server.js';
import { borrower, consent, institution, type BorrowerHandle, type Inst } from '../factories.js';
import { testConfig, useTestApp, type TestApp } from '../helpers/app.js';

const app = useTestApp();
let t: TestApp;
let server: Server;
let url: string;
let bank: Inst;
let b: BorrowerHandle;

async function serve(a: App) {
  const s = createHttpServer(a);
  const port = await listen(s, 0, '127.0.0.1');
  return { s, url: `http://127.0.0.1:${port}/graphql` };
}

const post = (u: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(u, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

beforeAll(async () => {
  t = await app();
  ({ s: server, url } = await serve(t.app));
  bank = await institution(t, 'BANK');
  b = await borrower(t, bank);
  await consent(t, b, bank);
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('GraphQL over HTTP', () => {
  it('passes every MUST audit of graphql-http', async () => {
    const results = await auditServer({ url });
    const errors = results.filter((r) => r.status === 'error').map((r) => `${r.name}: ${'reason' in r ? r.reason : ''}`);
    expect(errors).toEqual([]);
    expect(results.length).toBeGreaterThan(20);
  });

  it('answers a real query over HTTP with a bearer token', async () => {
    const res = await post(
      url,
      { query: `query($b: ID!) { creditProfile(borrowerId: $b, purpose: LOAN_APPLICATION) { borrower { id } } }`, variables: { b: b.id } },
      { authorization: `Bearer ${bank.token}` },
    );
    expect(res.status).toBe(200);
    expect((await res.json()).data.creditProfile.borrower.id).toBe(b.id);
  });

  it('refuses malformed JSON and oversized bodies', async () => {
    expect((await post(url, '{"query": ')).status).toBe(400);
    const big = await post(url, { query: `{ me { role } }`, variables: { pad: 'x'.repeat(1_100_000) } });
    expect(big.status).toBe(413);
  });

  it('limits aliases before executing', async () => {
    const aliases = `{ ${Array.from({ length: 40 }, (_, i) => `a${i}: me { role }`).join(' ')} }`;
    const res = await post(url, { query: aliases }, { authorization: `Bearer ${bank.token}` });
    expect(res.status).toBe(400);
    const r = await res.json();
    expect(r.errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(r.errors[0].message).toMatch(/aliases limit/i);
    expect(r.data).toBeUndefined();
  });

  it('limits depth and cost before executing (tight limits to show it)', async () => {
    // one tight limit each: with list sizes counted, a deep query is a costly one too
    const shallow = await createApp({ config: testConfig({ GRAPHQL_MAX_DEPTH: '3' }), db: t.tdb.db });
    const cheap = await createApp({ config: testConfig({ GRAPHQL_MAX_COST: '40' }), db: t.tdb.db });
    const run = async (a: typeof shallow, query: string) => {
      const r = await a.apollo.executeOperation({ query }, { contextValue: await a.contextFor(`Bearer ${bank.token}`) });
      return (r.body as any).singleResult;
    };
    const deep = await run(shallow, `{ customers { nodes { accounts { statusHistory { month } } } } }`);
    expect(deep.errors[0].message).toMatch(/depth limit/i);
    const costly = await run(
      cheap,
      `{ customers { nodes { borrower { id name county sector category registeredOn } accounts { id balance status } } } }`,
    );
    expect(costly.errors[0].message).toMatch(/cost limit/i);
    expect((await run(shallow, `{ me { role } }`)).errors).toBeUndefined();
    expect((await run(cheap, `{ me { role } }`)).errors).toBeUndefined();
    await shallow.stop();
    await cheap.stop();
  });

  it('never returns stack traces or SQL', async () => {
    const res = await (
      await post(
        url,
        { query: `{ creditProfile(borrowerId: "x", purpose: UNDERWRITING) { borrower { id } } }` },
        { authorization: `Bearer ${bank.token}` },
      )
    ).json();
    const text = JSON.stringify(res);
    expect(text).not.toMatch(/stacktrace|select |insert |at .*\.ts:/i);
    expect(res.errors[0].extensions.code).toBe('BAD_USER_INPUT');
  });
});

describe('production mode', () => {
  let prod: App;
  let prodServer: Server;
  let prodUrl: string;
  beforeAll(async () => {
    prod = await createApp({ config: testConfig({ NODE_ENV: 'production', NATIONAL_ID_PEPPER: 'prod-pepper-0123456789' }), db: t.tdb.db });
    ({ s: prodServer, url: prodUrl } = await serve(prod));
  });
  afterAll(async () => {
    await new Promise<void>((r) => prodServer.close(() => r()));
    await prod.stop();
  });

  it('turns introspection off and hides field suggestions', async () => {
    const intro = await (await post(prodUrl, { query: `{ __schema { types { name } } }` })).json();
    expect(intro.errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
    const typo = await (await post(prodUrl, { query: `{ mee { role } }` })).json();
    expect(typo.errors[0].message).not.toMatch(/Did you mean/);
  });

  it('masks unexpected errors as INTERNAL_SERVER_ERROR without detail', async () => {
    // every statement fails inside the driver with an error that is not a lost connection (that is a 503)
    const fault = () => {
      throw new Error('relation "secret_table" does not exist: select * from secret_table (pool closed)');
    };
    const orm = new Proxy(t.tdb.db.orm, {
      get: (target, prop) => (prop === 'select' || prop === 'execute' ? fault : Reflect.get(target, prop)),
    });
    const broken = { db: { ...t.tdb.db, orm }, drop: async () => {} };
    const a = await createApp({
      config: testConfig({ NODE_ENV: 'production', NATIONAL_ID_PEPPER: 'prod-pepper-0123456789' }),
      db: broken.db,
    });
    const ctx = await a.contextFor(`Bearer ${bank.token}`);
    const r = await a.apollo.executeOperation({ query: `{ institutions { id } }` }, { contextValue: ctx });
    const body = (r.body as any).singleResult;
    expect(body.errors[0]).toMatchObject({ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } });
    expect(JSON.stringify(body)).not.toMatch(/select|closed|stack/i);
    await a.stop();
    await broken.drop().catch(() => {});
  });
});
