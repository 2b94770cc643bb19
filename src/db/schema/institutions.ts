import { sql } from 'drizzle-orm';
import { check, pgTable, primaryKey, text, uuid, index } from 'drizzle-orm/pg-core';
import { inList, tstz } from './common.js';
import { INSTITUTION_KINDS } from '../../domain.js';
import { borrowers } from './borrowers.js';

export const institutions = pgTable(
  'institutions',
  {
    id: text('id').primaryKey(),
    kind: text('kind').notNull(),
    name: text('name').notNull(),
    createdAt: tstz('created_at').notNull().defaultNow(),
  },
  (t) => [
    check('institutions_kind_check', sql.raw(`kind in (${inList(INSTITUTION_KINDS)})`)),
    check('institutions_id_check', sql`${t.id} ~ '^[a-z0-9][a-z0-9-]{1,62}$'`),
  ],
);

/** A borrower is a customer of an institution once it has onboarded them, been granted consent, or been named on an application. */
export const institutionCustomers = pgTable(
  'institution_customers',
  {
    institutionId: text('institution_id')
      .notNull()
      .references(() => institutions.id),
    borrowerId: uuid('borrower_id')
      .notNull()
      .references(() => borrowers.id),
    since: tstz('since').notNull(),
  },
  (t) => [primaryKey({ columns: [t.institutionId, t.borrowerId] }), index('institution_customers_borrower_idx').on(t.borrowerId)],
);
