import type { Server } from 'node:http';
import { Writable } from 'node:stream';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../src/app.js';
import { signDevToken } from '../../src/auth/tokens.js';
import type { Database } from '../../src/db/client.js';
import { residentIdCheckDigit } from '../../src/identity.js';
import { createHttpServer, listen } from '../../src/http/server.js';
import { createLogger } from '../../src/logger.js';
import { institution, type Inst } from '../factories.js';
import { setupTestApp, testConfig, type TestApp } from '../helpers/app.js';

/**
 * A full run through HTTP with every log line kept (level debug), then a search of the logs for
 * the personal data that passed through: names, national ids, tokens, what a borrower wrote.
 */
const NAME = '欧阳测试名';
const FIRST17 = '13072219850315271';
const NATIONAL_ID = FIRST17 + residentIdCheckDigit(FIRST17);
const REASON = '这笔逾期记录不是我的独特文字';

let t: TestApp;
let app: App;
let server: Server;
let url: string;
let bank: Inst;
const lines: string[] = [];

/** The database, except that a transaction fails on a real SQL error whose parameter is the borrower's name. */
function failingWithPersonalParameter(db: Database): Database {
  return { ...db, transaction: (run) => db.transaction(async (tx) => (await tx.execute(sql`select ${NAME}::int`), run(tx))) };
}

beforeAll(async () => {
  t = await setupTestApp();
  const config = testConfig({ LOG_LEVEL: 'debug' });
  const sink = new Writable({
    write: (chunk: Buffer, _enc, done) => (lines.push(...chunk.toString().split('\n').filter(Boolean)), done()),
  });
  app = await createApp({ config, db: t.tdb.db, clock: () => t.now, log: createLogger(config, sink) });
  server = createHttpServer(app);
  url = `http://127.0.0.1:${await listen(server, 0, '127.0.0.1')}/graphql`;
  bank = await institution(t, 'BANK');
});
afterAll(async () => {
  await new Promise<void>((r) => server.close(() => r()));
  await app.stop();
  await t.close();
});

async function post(token: string | null, query: string, variables: Record<string, unknown> = {}) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return (await res.json()) as { data?: Record<string, any>; errors?: { extensions?: { code?: string } }[] };
}

describe('logs carry no personal data', () => {
  it('after registration, consent, a profile read, furnishing, a dispute, refusals and an internal error', async () => {
    const reg = await post(bank.token, `mutation($i: RegisterBorrowerInput!) { registerBorrower(input: $i) { borrowerId } }`, {
      i: {
        name: NAME,
        nationalId: NATIONAL_ID,
        category: 'INDIVIDUAL_ENTREPRENEUR',
        county: '张北县',
        sector: 'breeding',
        registeredOn: '2025-03-01',
      },
    });
    const borrowerId = reg.data!.registerBorrower.borrowerId as string;
    const borrowerToken = await signDevToken(t.config.jwt, {
      sub: `borrower-${borrowerId.slice(0, 8)}`,
      role: 'BORROWER',
      bid: borrowerId,
    });
    const expiresAt = new Date(t.now.getTime() + 30 * 86_400_000).toISOString();
    await post(
      borrowerToken,
      `mutation($e: DateTime!) { grantConsent(institutionId: "${bank.id}", purpose: LOAN_APPLICATION, expiresAt: $e) { id } }`,
      {
        e: expiresAt,
      },
    );
    await post(
      borrowerToken,
      `mutation($e: DateTime!) { grantConsent(institutionId: "${bank.id}", purpose: FURNISHING, expiresAt: $e, scope: [LOAN]) { id } }`,
      { e: expiresAt },
    );
    const furnished = await post(bank.token, `mutation($r: [CreditRecordInput!]!) { furnishCreditRecords(records: $r) { created } }`, {
      r: [
        {
          borrowerId,
          accountRef: 'LOG-1',
          kind: 'LOAN',
          originalAmount: '1000.00',
          balance: '1000.00',
          openedOn: '2026-01-05',
          status: 'CURRENT',
        },
      ],
    });
    expect(furnished.errors).toBeUndefined();
    const profile = await post(
      bank.token,
      `query($b: ID!) { creditProfile(borrowerId: $b, purpose: LOAN_APPLICATION) { borrower { name } accounts { id } } }`,
      {
        b: borrowerId,
      },
    );
    expect(profile.data!.creditProfile.borrower.name).toBe(NAME);
    const recordId = profile.data!.creditProfile.accounts[0].id as string;
    expect(
      (
        await post(borrowerToken, `mutation($r: ID!, $x: String!) { fileDispute(recordId: $r, reason: $x) { id } }`, {
          r: recordId,
          x: REASON,
        })
      ).errors,
    ).toBeUndefined();
    // refusals: a forged token, a wrong role, bad input carrying the name
    expect((await post(`${bank.token}x`, `{ me { role } }`)).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    expect(
      (
        await post(
          borrowerToken,
          `query($b: ID!) { creditProfile(borrowerId: $b, purpose: LOAN_APPLICATION) { summary { openAccounts } } }`,
          { b: borrowerId },
        )
      ).errors?.[0].extensions?.code,
    ).toBe('FORBIDDEN');
    expect(
      (await post(bank.token, `mutation($i: RegisterBorrowerInput!) { registerBorrower(input: $i) { borrowerId } }`, { i: { name: NAME } }))
        .errors?.[0].extensions?.code,
    ).toBe('BAD_USER_INPUT');
    // an internal error: a real SQL failure whose parameter is the name
    const broken = await createApp({
      config: testConfig({ LOG_LEVEL: 'debug' }),
      db: failingWithPersonalParameter(t.tdb.db),
      clock: () => t.now,
      log: app.log,
    });
    const brokenServer = createHttpServer(broken);
    const brokenUrl = `http://127.0.0.1:${await listen(brokenServer, 0, '127.0.0.1')}/graphql`;
    const res = await fetch(brokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${borrowerToken}` },
      body: JSON.stringify({
        query: `mutation($r: ID!, $x: String!) { fileDispute(recordId: $r, reason: $x) { id } }`,
        variables: { r: recordId, x: REASON },
      }),
    });
    expect(((await res.json()) as { errors: { extensions: { code: string } }[] }).errors[0].extensions.code).toBe('INTERNAL_SERVER_ERROR');
    await new Promise<void>((r) => brokenServer.close(() => r()));
    await broken.stop();

    const log = lines.join('\n');
    // the run was logged: access lines and the internal error, with its SQLSTATE
    expect(lines.filter((l) => l.includes('"msg":"request"')).length).toBeGreaterThanOrEqual(8);
    const internal = lines.map((l) => JSON.parse(l) as { msg?: string; err?: { code?: string } }).find((l) => l.msg === 'unexpected error');
    expect(internal?.err).toBeTruthy();
    for (const secret of [
      NAME,
      NATIONAL_ID,
      NATIONAL_ID.slice(0, 6) + NATIONAL_ID.slice(6, 14),
      REASON,
      bank.token,
      borrowerToken,
      borrowerToken.split('.')[1],
    ]) {
      expect(log.includes(secret), `logs contain ${secret.slice(0, 12)}…`).toBe(false);
    }
  });
});
