import { defineConfig } from 'drizzle-kit';

// Migrations are generated from src/db/schema and committed; never edit one after it lands.
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/db/schema/index.ts',
  out: './migrations',
});
