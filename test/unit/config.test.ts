import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';

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
