import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { signDevToken } from '../../src/auth/tokens.js';
import { TEST_SECRET, testConfig } from '../helpers/app.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { startServer, type ServerProcess } from '../helpers/server-process.js';

/**
 * Production runs compiled JavaScript: `npm run build` (scripts/build.mjs) then
 * `node dist/main.js`, no tsx. This builds, starts the build in production mode, and asks it a
 * question; the Dockerfile must use exactly those two commands.
 */
let tdb: TestDatabase | undefined;
let srv: ServerProcess | undefined;
afterAll(async () => {
  srv?.child.kill('SIGTERM');
  await srv?.exited;
  await tdb?.drop();
});

describe('the production build', () => {
  it('npm run build && node dist/main.js serves GraphQL', async () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts.build).toBe('node scripts/build.mjs');
    await promisify(execFile)(process.execPath, ['scripts/build.mjs'], { timeout: 180_000 });
    tdb = await createTestDatabase();
    srv = await startServer({
      databaseUrl: tdb.url,
      args: ['dist/main.js'],
      env: { NODE_ENV: 'production', NATIONAL_ID_PEPPER: 'build-test-pepper-0123456789', JWT_SECRET: TEST_SECRET },
    });
    const token = await signDevToken(testConfig().jwt, { sub: 'admin-1', role: 'ADMIN' });
    const res = await fetch(srv.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: '{ me { role } parameterVersions { version } }' }),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { data: { me: { role: string }; parameterVersions: unknown[] } };
    expect(body.data.me.role).toBe('ADMIN');
    expect(body.data.parameterVersions.length).toBeGreaterThan(0);
    expect((await fetch(srv.url.replace('/graphql', '/readyz'))).status).toBe(200);
    // production: no IDE, no introspection
    expect((await fetch(srv.url.replace('/graphql', '/graphiql'))).status).toBe(404);
  }, 240_000);

  it('the Dockerfile builds and starts with those same commands, as a non-root user', () => {
    const docker = readFileSync('Dockerfile', 'utf8');
    expect(docker).toMatch(/^RUN npm run build$/m);
    expect(docker).toMatch(/^CMD \["node", "--import", "\.\/dist\/observability\/tracing\.js", "dist\/main\.js"\]$/m);
    expect(docker).toMatch(/^USER node$/m);
    expect(docker).toMatch(/npm ci --omit=dev/);
  });
});
