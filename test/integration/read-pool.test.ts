import { beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../src/app.js';
import { openDatabase, type Database } from '../../src/db/client.js';
import { institution, type Inst } from '../factories.js';
import { codeOf, testConfig, useTestApp, type GqlResult, type TestApp } from '../helpers/app.js';

/**
 * READ_DATABASE_URL: lag-tolerant reads (programme metrics, parameters, the institution list) go to the read pool
 * (Context.readDb), everything else to the primary. Proved with a read pool nobody answers: what
 * is routed there fails with SERVICE_UNAVAILABLE, what is not still works.
 */
const app = useTestApp();
let t: TestApp;
let gov: Inst;
let deadReplica: Database;
let split: App;

beforeAll(async () => {
  t = await app();
  gov = await institution(t, 'GOVERNMENT');
  deadReplica = await openDatabase({ url: 'postgres://postgres@127.0.0.1:1/none', poolSize: 1 });
  split = await createApp({ config: testConfig(), db: t.tdb.db, readDb: deadReplica, clock: () => t.now });
  return async () => {
    await split.stop();
    await deadReplica.close();
  };
});

async function gql(a: App, token: string, query: string): Promise<GqlResult> {
  const res = await a.apollo.executeOperation({ query }, { contextValue: await a.contextFor(`Bearer ${token}`) });
  return (res.body as any).singleResult as GqlResult;
}

describe('the read pool', () => {
  it('is the primary itself when none is configured', () => {
    expect(t.app.readDb).toBe(t.app.db);
  });

  it('serves programme metrics, parameters and the institution list; the rest stays on the primary', async () => {
    expect(codeOf(await gql(split, gov.token, `{ institutions { id } }`))).toBe('SERVICE_UNAVAILABLE');
    expect(codeOf(await gql(split, gov.token, `{ programmeParameters { version } }`))).toBe('SERVICE_UNAVAILABLE');
    expect(codeOf(await gql(split, gov.token, `{ parameterVersions { version } }`))).toBe('SERVICE_UNAVAILABLE');
    expect(codeOf(await gql(split, gov.token, `{ programmeMetrics { totals { loans } } }`))).toBe('SERVICE_UNAVAILABLE');
    // authentication, money and the ledger read the primary
    const funds = await gql(split, gov.token, `{ fundBalances { riskCompensationFund } trialBalance { total } }`);
    expect(funds.errors).toBeUndefined();
    expect((funds.data as any).trialBalance.total).toBe('0.00');
    // the same reads answer from the primary when the app has no read pool
    const direct = await gql(
      t.app,
      gov.token,
      `{ institutions { id } programmeParameters { version } programmeMetrics { totals { loans } } }`,
    );
    expect(direct.errors).toBeUndefined();
    expect((direct.data as any).institutions.map((i: { id: string }) => i.id)).toContain(gov.id);
  });
});
