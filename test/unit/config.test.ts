import { describe, expect, it } from 'vitest';
import { loadConfig, parseDatabaseUrl } from '../../src/config.js';

const PROD = {
  NODE_ENV: 'production',
  JWT_SECRET: 'a-production-secret-0123456789-abcdef',
  NATIONAL_ID_PEPPER: 'a-production-pepper-0123',
};

describe('safe production defaults', () => {
  it('loads no demo data in production unless asked', () => {
    expect(loadConfig(PROD).demo.mode).toBe('off');
    expect(loadConfig({ ...PROD, DEMO_DATA: 'auto' }).demo.mode).toBe('auto');
    expect(loadConfig({ NODE_ENV: 'development' }).demo.mode).toBe('auto');
  });

  it('refuses the development secret and pepper published in the source', () => {
    expect(() => loadConfig({ ...PROD, JWT_SECRET: 'dev-only-secret-do-not-use-in-production-0123456789' })).toThrow(
      /JWT_SECRET: is the published development secret/,
    );
    expect(() => loadConfig({ ...PROD, NATIONAL_ID_PEPPER: 'dev-only-national-id-pepper' })).toThrow(
      /NATIONAL_ID_PEPPER: is the published development pepper/,
    );
    expect(() => loadConfig({ NODE_ENV: 'production', JWT_SECRET: PROD.JWT_SECRET })).toThrow(/production needs NATIONAL_ID_PEPPER/);
  });

  it('accepts a production configuration with its own secrets', () => {
    const c = loadConfig(PROD);
    expect(c.production).toBe(true);
    expect(c.jwt).toMatchObject({ mode: 'hs256', isDevSecret: false });
  });
});

describe('database URLs for a highly available cluster', () => {
  const MULTI = 'postgres://postgres@127.0.0.1:6001,127.0.0.1:6002/credit_share?target_session_attrs=read-write';

  it('accepts a multi-host DATABASE_URL and an optional READ_DATABASE_URL', () => {
    const c = loadConfig({ DATABASE_URL: MULTI, READ_DATABASE_URL: 'postgres://postgres@127.0.0.1:6003/credit_share' });
    expect(c.databaseUrl).toBe(MULTI);
    expect(c.readDatabaseUrl).toBe('postgres://postgres@127.0.0.1:6003/credit_share');
    expect(loadConfig({ DATABASE_URL: MULTI }).readDatabaseUrl).toBeUndefined();
  });

  it('splits the host list and keeps the rest of the URL', () => {
    expect(parseDatabaseUrl(MULTI)).toEqual({
      hosts: [
        { host: '127.0.0.1', port: 6001 },
        { host: '127.0.0.1', port: 6002 },
      ],
      singleHostUrl: 'postgres://postgres@127.0.0.1:6001/credit_share',
      targetSessionAttrs: 'read-write',
    });
    const p = parseDatabaseUrl('postgresql://app:s%40cret@db-a,db-b:5433/x?sslmode=require');
    expect(p.hosts).toEqual([
      { host: 'db-a', port: 5432 },
      { host: 'db-b', port: 5433 },
    ]);
    expect(p.singleHostUrl).toBe('postgresql://app:s%40cret@db-a:5432/x?sslmode=require');
    expect(p.targetSessionAttrs).toBeUndefined();
  });

  it('refuses what is not a PostgreSQL URL, a bad port or an unknown target_session_attrs', () => {
    expect(() => loadConfig({ DATABASE_URL: 'mysql://x@h/db' })).toThrow(/DATABASE_URL: must be a postgres:\/\//);
    expect(() => loadConfig({ DATABASE_URL: 'postgres://x@h1:99999,h2/db' })).toThrow(/invalid port/);
    expect(() => loadConfig({ DATABASE_URL: 'postgres://x@h1,,h2/db' })).toThrow(/invalid host/);
    expect(() => loadConfig({ DATABASE_URL: `${MULTI.split('?')[0]}?target_session_attrs=writable` })).toThrow(
      /target_session_attrs must be/,
    );
    expect(() => loadConfig({ READ_DATABASE_URL: 'postgres://postgres@127.0.0.1:6003/x' })).toThrow(
      /READ_DATABASE_URL: needs DATABASE_URL/,
    );
  });
});
