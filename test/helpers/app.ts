import { afterAll } from 'vitest';
import { createApp, type App } from '../../src/app.js';
import { signDevToken, type DevTokenClaims } from '../../src/auth/tokens.js';
import { loadConfig, type Config } from '../../src/config.js';
import { createTestDatabase, type TestDatabase } from './db.js';

export const TEST_SECRET = 'test-secret-0123456789-0123456789-abcdef';

export interface GqlResult<T = any> {
  data?: T;
  errors?: { message: string; path?: readonly (string | number)[]; extensions?: Record<string, any> }[];
}

export interface TestApp {
  app: App;
  tdb: TestDatabase;
  config: Config;
  now: Date;
  setNow(d: Date | string): void;
  token(claims: DevTokenClaims, ttlSeconds?: number): Promise<string>;
  /** Run an operation as the holder of `token` (null: no Authorization header). */
  gql<T = any>(token: string | null, query: string, variables?: Record<string, unknown>): Promise<GqlResult<T>>;
  close(): Promise<void>;
}

export function testConfig(extra: Record<string, string> = {}): Config {
  return loadConfig({ NODE_ENV: 'test', JWT_SECRET: TEST_SECRET, LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent', ...extra });
}

/** A fresh database and app for one test file; closed after the file's tests. */
export async function setupTestApp(opts: { now?: string; env?: Record<string, string>; poolSize?: number } = {}): Promise<TestApp> {
  const tdb = await createTestDatabase({ poolSize: opts.poolSize });
  const config = testConfig(opts.env);
  const state = { now: new Date(opts.now ?? '2026-06-15T02:00:00.000Z') };
  const app = await createApp({ config, db: tdb.db, clock: () => state.now });
  const t: TestApp = {
    app,
    tdb,
    config,
    get now() {
      return state.now;
    },
    setNow(d) {
      state.now = new Date(d);
    },
    token: (claims, ttl) => signDevToken(config.jwt, claims, ttl),
    async gql(token, query, variables) {
      const contextValue = await app.contextFor(token === null ? undefined : `Bearer ${token}`);
      const res = await app.apollo.executeOperation({ query, variables }, { contextValue });
      if (res.body.kind !== 'single') throw new Error('unexpected incremental result');
      return res.body.singleResult as GqlResult;
    },
    async close() {
      await app.stop();
      await tdb.drop();
    },
  };
  return t;
}

/** setupTestApp for the current file, torn down in afterAll. */
export function useTestApp(opts: Parameters<typeof setupTestApp>[0] = {}) {
  let t: TestApp | undefined;
  afterAll(async () => t?.close());
  return async () => (t ??= await setupTestApp(opts));
}

export function codeOf(r: GqlResult): string | undefined {
  return r.errors?.[0]?.extensions?.code;
}

/** The data, or a thrown error showing the GraphQL errors (clearer test failures). */
export function ok<T>(r: GqlResult<T>): T {
  if (r.errors?.length) throw new Error(`GraphQL errors: ${JSON.stringify(r.errors)}`);
  return r.data as T;
}
