import { integer, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { tstz } from './common.js';

/** Requests per caller per minute, shared by every replica (src/http/rate-limit.ts). */
export const rateLimitHits = pgTable(
  'rate_limit_hits',
  {
    key: text('key').notNull(),
    windowStart: tstz('window_start').notNull(),
    hits: integer('hits').notNull(),
  },
  (t) => [primaryKey({ columns: [t.key, t.windowStart] })],
);
