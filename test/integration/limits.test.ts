import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../src/app.js';
import { createHttpServer, listen } from '../../src/http/server.js';
import { institution, type Inst } from '../factories.js';
import { codeOf, testConfig, useTestApp, type TestApp } from '../helpers/app.js';

const app = useTestApp();
let t: TestApp;
let bank: Inst;
let gov: Inst;
const servers: Server[] = [];
const apps: App[] = [];

beforeAll(async () => {
  t = await app();
  [bank, gov] = await Promise.all([institution(t, 'BANK'), institution(t, 'GOVERNMENT')]);
});
afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
  await Promise.all(apps.map((a) => a.stop()));
});

/** Another replica on the same database, with its own limits. */
async function replica(env: Record<string, string>) {
  const a = await createApp({ config: testConfig(env), db: t.tdb.db, clock: () => t.now });
  const s = createHttpServer(a);
  apps.push(a);
  servers.push(s);
  return `http://127.0.0.1:${await listen(s, 0, '127.0.0.1')}/graphql`;
}

const ask = (url: string, token: string) =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: '{ me { role } }' }),
  });

describe('rate limits', () => {
  it('count per institution across replicas, and answer 429 with Retry-After beyond the limit', async () => {
    const env = { RATE_LIMIT_ACTOR_PER_MINUTE: '5', RATE_LIMIT_IP_PER_MINUTE: '0' };
    const [a, b] = [await replica(env), await replica(env)];
    // five requests a minute in all, whichever replica answers
    const statuses = [];
    for (const url of [a, b, a, b, a, b]) statuses.push((await ask(url, bank.token)).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    const refused = await ask(a, bank.token);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await refused.json()) as { errors: { extensions: { code: string } }[] }).errors[0].extensions.code).toBe('RATE_LIMITED');
    // another institution has its own budget
    expect((await ask(a, gov.token)).status).toBe(200);
    // the next minute starts afresh
    t.setNow(new Date(t.now.getTime() + 60_000));
    expect((await ask(b, bank.token)).status).toBe(200);
  });

  it('count per client address', async () => {
    const url = await replica({ RATE_LIMIT_ACTOR_PER_MINUTE: '0', RATE_LIMIT_IP_PER_MINUTE: '3' });
    t.setNow(new Date(t.now.getTime() + 120_000));
    const statuses = [];
    for (const token of [bank.token, gov.token, bank.token, gov.token]) statuses.push((await ask(url, token)).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
  });
});

describe('query cost counts list sizes', () => {
  it('refuses a query whose lists could return too much, before executing it', async () => {
    const big = `{ loans(first: 200) { id schedule { seq dueOn principalDue interestDue principalPaid interestPaid }
      repayments { id amount paidOn allocation { seq principal interest } } policy { id bank { id name } insurer { id name } } } }`;
    const r = await t.gql(bank.token, big);
    expect(codeOf(r)).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(r.errors![0].message).toMatch(/^Query cost limit exceeded: this query could return \d+ values, the limit is 100000/);
  });

  it('lets an ordinary page through', async () => {
    const r = await t.gql(bank.token, `{ loans(first: 20) { id schedule { seq dueOn principalDue } } }`);
    expect(r.errors).toBeUndefined();
  });
});
