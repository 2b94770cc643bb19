import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { sql } from 'drizzle-orm';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createApp, type App } from '../../src/app.js';
import { openDatabase } from '../../src/db/client.js';
import { createHttpServer, listen } from '../../src/http/server.js';
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
  // the script as `npm run token` runs it, without npx: node with the tsx loader
  const run = (args: string[], env: Record<string, string | undefined>) =>
    promisify(execFile)(process.execPath, ['--import', 'tsx', 'src/scripts/token.ts', ...args], {
      env: { ...process.env, DATABASE_URL: undefined, JWT_SECRET: TEST_SECRET, NODE_ENV: 'test', ...env },
    });
  const refusal = async (p: Promise<unknown>) => {
    const err = (await p.then(
      () => {
        throw new Error('the script printed a token');
      },
      (e: unknown) => e,
    )) as { code: number; stdout: string; stderr: string };
    expect(err.stdout, 'no token printed').toBe('');
    expect(err.stderr.trim().split('\n'), 'one line').toHaveLength(1);
    return err;
  };
  let http: Server;
  let viaServer: Record<string, string>;
  const empty = mkdtempSync(path.join(tmpdir(), 'cs-token-none-'));

  beforeAll(async () => {
    http = createHttpServer(t.app);
    const port = await listen(http, 0, '127.0.0.1');
    // a running server on the configured port answers for its database; the data directory is never opened under it
    viaServer = { HOST: '127.0.0.1', PORT: String(port), DATA_DIR: empty };
  });
  afterAll(async () => {
    http.closeAllConnections();
    await new Promise<void>((r) => http.close(() => r()));
    rmSync(empty, { recursive: true, force: true });
  });

  it('prints a development token the server accepts', async () => {
    const { stdout } = await run(['--role', 'INSURER', '--inst', 'bashang-insurance'], viaServer);
    const r = await t.gql(stdout.trim(), `{ me { role userId } }`);
    expect(r.data.me).toEqual({ role: 'INSURER', userId: 'bashang-insurance-user' });
  });

  it('refuses a role without its required claim', async () => {
    const err = await refusal(run(['--role', 'BORROWER'], viaServer));
    expect(err.code).toBe(2);
  });

  it('refuses an institution that does not exist, or is of another kind, in one line naming the ones that do', async () => {
    const [ghost, wrongKind] = await Promise.all([
      refusal(run(['--role', 'BANK', '--inst', 'no-such-bank'], viaServer)),
      refusal(run(['--role', 'BANK', '--inst', 'bashang-insurance'], viaServer)),
    ]);
    expect(ghost.code).toBe(1);
    expect(ghost.stderr).toMatch(/no institution "no-such-bank" in the database; BANK institutions: .*some-bank/);
    expect(wrongKind.code).toBe(1);
    expect(wrongKind.stderr).toMatch(/"bashang-insurance" is an institution of kind INSURER, not BANK/);
  });

  it("reads the mode's database itself when no server answers", async () => {
    const closed = { HOST: '127.0.0.1', PORT: String(await closedPort()) };
    let env: Record<string, string>;
    let dir: string | undefined;
    if (t.tdb.url) {
      env = { ...closed, DATABASE_URL: t.tdb.url, DATA_DIR: empty };
    } else {
      // embedded: a data directory of its own, migrated, with the one bank the test needs
      dir = mkdtempSync(path.join(tmpdir(), 'cs-token-data-'));
      const db = await openDatabase({ dataDir: path.join(dir, 'pglite'), loadDataDir: new Blob([readFileSync(inject('pgliteImage'))]) });
      await db.orm.execute(sql`insert into institutions (id, kind, name) values ('some-bank', 'BANK', 'A bank')`);
      await db.close();
      env = { ...closed, DATA_DIR: dir };
    }
    try {
      // one after the other: an embedded data directory is one process's at a time (PGlite)
      const good = await run(['--role', 'BANK', '--inst', 'some-bank'], env);
      const ghost = await refusal(run(['--role', 'BANK', '--inst', 'no-such-bank'], env));
      const r = await t.gql(good.stdout.trim(), `{ me { role institution { id } } }`);
      expect(r.data.me).toEqual({ role: 'BANK', institution: { id: 'some-bank' } });
      expect(ghost.code).toBe(1);
      expect(ghost.stderr).toMatch(/no institution "no-such-bank"/);
    } finally {
      if (dir) rmSync(dir, { recursive: true, force: true });
    }
  });

  it('says so in one line when there is no database at all', async () => {
    const err = await refusal(
      run(['--role', 'GOVERNMENT', '--inst', 'zjk-finance-bureau'], {
        HOST: '127.0.0.1',
        PORT: String(await closedPort()),
        DATA_DIR: empty,
      }),
    );
    expect(err.code).toBe(1);
    expect(err.stderr).toMatch(/no database at .* and no server on port \d+: run npm start first/);
  });
});

/** A port nothing listens on: one the system just handed out and took back. */
async function closedPort(): Promise<number> {
  const s = createServer();
  const port = await listen(s, 0, '127.0.0.1');
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

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
