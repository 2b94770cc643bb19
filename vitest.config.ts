import { defineConfig } from 'vitest/config';

// Embedded mode (no DATABASE_URL): each test file loads a pre-migrated PGlite image.
// Server mode (DATABASE_URL set): each test file gets its own database cloned from a migrated template.
export default defineConfig({
  test: {
    globalSetup: ['./test/helpers/global-setup.ts'],
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    teardownTimeout: 30_000,
  },
});
