import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { promisify } from 'node:util';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../src/app.js';
import { institution } from '../factories.js';
import { codeOf, TEST_SECRET, testConfig, useTestApp, type TestApp } from '../helpers/app.js';

const app = useTestApp();
let t: TestApp;

// Both describe blocks use the app: set it up for the file, so either runs on its own.
beforeAll(async () => {
  t = await app();
  // a signed token must also name an institution that exists, of its kind
  await institution(t, 'BANK', 'some-bank');
  await institution(t, 'INSURER', 'bashang-insurance');
});

describe('production keys from a JWKS endpoint', () => {
  let jwks: Server;
  let a: App;
  let privateKey: CryptoKey;
  const issuer = 'https://idp.example.test/';
  const audience = 'credit-share';

  beforeAll(async () => {
    const pair = await generateKeyPair('RS256');
    privateKey = pair.privateKey as CryptoKey;
    const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
    jwks = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((r) => jwks.listen(0, '127.0.0.1', () => r()));
    const port = (jwks.address() as any).port;
    a = await createApp({
      config: testConfig({ JWT_JWKS_URL: `http://127.0.0.1:${port}/jwks.json`, JWT_ISSUER: issuer, JWT_AUDIENCE: audience }),
      db: t.tdb.db,
    });
  });
  afterAll(async () => {
    await a?.stop();
    await new Promise<void>((r) => jwks.close(() => r()));
  });

  const sign = (claims: Record<string, unknown>, o: { iss?: string; aud?: string } = {}) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
      .setSubject('officer-9')
      .setIssuer(o.iss ?? issuer)
      .setAudience(o.aud ?? audience)
      .setExpirationTime('10m')
      .sign(privateKey);

  const me = async (token: string) => {
    const r = await a.apollo.executeOperation(
      { query: `{ me { userId role institution { id } } }` },
      { contextValue: await a.contextFor(`Bearer ${token}`) },
    );
    return (r.body as any).singleResult;
  };

  it('accepts an RS256 token from the configured issuer for the configured audience', async () => {
    const r = await me(await sign({ role: 'BANK', inst: 'some-bank' }));
    expect(r.errors).toBeUndefined();
    expect(r.data.me).toMatchObject({ userId: 'officer-9', role: 'BANK' });
  });

  it('refuses another issuer, another audience, and HS256 tokens', async () => {
    expect(codeOf(await me(await sign({ role: 'BANK', inst: 'b' }, { iss: 'https://evil.test/' })))).toBe('UNAUTHENTICATED');
    expect(codeOf(await me(await sign({ role: 'BANK', inst: 'b' }, { aud: 'other-app' })))).toBe('UNAUTHENTICATED');
    expect(codeOf(await me(await t.token({ sub: 'x', role: 'ADMIN' })))).toBe('UNAUTHENTICATED');
  });
});

describe('npm run token', () => {
  it('prints a development token the server accepts', async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', 'src/scripts/token.ts', '--role', 'INSURER', '--inst', 'bashang-insurance'],
      {
        env: { ...process.env, JWT_SECRET: TEST_SECRET, NODE_ENV: 'test' },
      },
    );
    const r = await t.gql(stdout.trim(), `{ me { role userId } }`);
    expect(r.data.me).toEqual({ role: 'INSURER', userId: 'bashang-insurance-user' });
  });

  it('refuses a role without its required claim', async () => {
    const run = promisify(execFile)(process.execPath, ['--import', 'tsx', 'src/scripts/token.ts', '--role', 'BORROWER'], {
      env: { ...process.env, JWT_SECRET: TEST_SECRET },
    });
    await expect(run).rejects.toMatchObject({ code: 2 });
  });
});

describe('tokens must name someone who exists', () => {
  it('refuses a ghost institution, a wrong-kind institution and a ghost borrower with UNAUTHENTICATED', async () => {
    const ghostBank = await t.token({ sub: 'x', role: 'BANK', inst: 'no-such-bank' });
    const r = await t.gql(ghostBank, `{ me { role } }`);
    expect(codeOf(r)).toBe('UNAUTHENTICATED');
    expect(r.errors![0].message).toMatch(/no known bank institution/);
    // a BANK token naming an insurer
    expect(codeOf(await t.gql(await t.token({ sub: 'x', role: 'BANK', inst: 'bashang-insurance' }), `{ me { role } }`))).toBe(
      'UNAUTHENTICATED',
    );
    const ghostBorrower = await t.token({ sub: 'x', role: 'BORROWER', bid: '00000000-0000-4000-8000-000000000000' });
    expect(
      codeOf(
        await t.gql(
          ghostBorrower,
          `mutation { grantConsent(institutionId: "some-bank", purpose: LOAN_APPLICATION, expiresAt: "2030-01-01T00:00:00Z") { id } }`,
        ),
      ),
    ).toBe('UNAUTHENTICATED');
    // a DATA_SOURCE token naming a bank, and a BANK token naming a court
    const court = await institution(t, 'DATA_SOURCE', 'tokens-court');
    expect(codeOf(await t.gql(await t.token({ sub: 'x', role: 'DATA_SOURCE', inst: 'some-bank' }), `{ me { role } }`))).toBe(
      'UNAUTHENTICATED',
    );
    expect(codeOf(await t.gql(await t.token({ sub: 'x', role: 'BANK', inst: court.id }), `{ me { role } }`))).toBe('UNAUTHENTICATED');
    expect(codeOf(await t.gql(court.token, `{ me { role institution { id kind authority active } } }`))).toBeUndefined();
    // the real ones pass
    expect(codeOf(await t.gql(await t.token({ sub: 'x', role: 'BANK', inst: 'some-bank' }), `{ me { role } }`))).toBeUndefined();
  });
});

describe('an inactive institution', () => {
  it('is refused from the moment it is deactivated, and its records stay', async () => {
    const bank = await institution(t, 'BANK');
    const admin = await t.token({ sub: 'admin-1', role: 'ADMIN' });
    expect(codeOf(await t.gql(bank.token, `{ me { role } }`))).toBeUndefined();
    const DEACTIVATE = `mutation($id: ID!) { deactivateInstitution(id: $id, reason: "licence withdrawn") { id active } }`;
    const r = await t.gql(admin, DEACTIVATE, { id: bank.id });
    expect(r.errors).toBeUndefined();
    expect(r.data.deactivateInstitution).toEqual({ id: bank.id, active: false });
    // the token was known a moment ago: the per-process cache must not keep it alive
    const after = await t.gql(bank.token, `{ me { role } }`);
    expect(codeOf(after)).toBe('UNAUTHENTICATED');
    expect(after.errors![0].message).toMatch(/inactive/);
    // twice: CONFLICT; an unknown id: NOT_FOUND; not for a bank
    expect(codeOf(await t.gql(admin, DEACTIVATE, { id: bank.id }))).toBe('CONFLICT');
    expect(codeOf(await t.gql(admin, DEACTIVATE, { id: 'no-such-institution' }))).toBe('NOT_FOUND');
    const other = await institution(t, 'BANK');
    expect(codeOf(await t.gql(other.token, DEACTIVATE, { id: other.id }))).toBe('FORBIDDEN');
    // still in the directory, marked inactive
    const list = await t.gql(admin, `{ institutions(kind: BANK) { id active } }`);
    expect(list.data.institutions).toContainEqual({ id: bank.id, active: false });
  });

  it('needs an authority for a DATA_SOURCE and refuses one otherwise', async () => {
    const admin = await t.token({ sub: 'admin-1', role: 'ADMIN' });
    const CREATE = `mutation($i: CreateInstitutionInput!) { createInstitution(input: $i) { id kind authority active } }`;
    expect(codeOf(await t.gql(admin, CREATE, { i: { id: 'court-without-authority', kind: 'DATA_SOURCE', name: 'A court' } }))).toBe(
      'BAD_USER_INPUT',
    );
    expect(codeOf(await t.gql(admin, CREATE, { i: { id: 'bank-with-authority', kind: 'BANK', name: 'A bank', authority: 'COURT' } }))).toBe(
      'BAD_USER_INPUT',
    );
    const ok = await t.gql(admin, CREATE, { i: { id: 'zjk-court-test', kind: 'DATA_SOURCE', name: '张家口中院', authority: 'COURT' } });
    expect(ok.data.createInstitution).toEqual({ id: 'zjk-court-test', kind: 'DATA_SOURCE', authority: 'COURT', active: true });
  });
});
