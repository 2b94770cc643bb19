import { sql } from 'drizzle-orm';
import { check, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { day, inList, tstz } from './common.js';
import { BORROWER_CATEGORIES } from '../../domain.js';

/** The national id is never stored: only a keyed hash (to match) and a masked form (to show). */
export const borrowers = pgTable(
  'borrowers',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name').notNull(),
    category: text('category').notNull(),
    nationalIdHash: text('national_id_hash').notNull().unique(),
    nationalIdMasked: text('national_id_masked').notNull(),
    county: text('county').notNull(),
    sector: text('sector').notNull(),
    registeredOn: day('registered_on').notNull(),
    createdAt: tstz('created_at').notNull().defaultNow(),
  },
  () => [check('borrowers_category_check', sql.raw(`category in (${inList(BORROWER_CATEGORIES)})`))],
);
