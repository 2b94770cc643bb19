import { sql } from 'drizzle-orm';
import { check, pgTable, primaryKey, text, uuid, index } from 'drizzle-orm/pg-core';
import { inList, tstz } from './common.js';
import { AUTHORITY_KINDS, INSTITUTION_KINDS } from '../../domain.js';
import { borrowers } from './borrowers.js';

export const institutions = pgTable(
  'institutions',
  {
    id: text('id').primaryKey(),
    kind: text('kind').notNull(),
    name: text('name').notNull(),
    /** For a DATA_SOURCE: which authority it is (court, tax bureau, market regulator). */
    authority: text('authority'),
    /** An inactive institution's tokens are refused; its records stay. */
    deactivatedAt: tstz('deactivated_at'),
    createdAt: tstz('created_at').notNull().defaultNow(),
  },
  (t) => [
    check('institutions_kind_check', sql.raw(`kind in (${inList(INSTITUTION_KINDS)})`)),
    check(
      'institutions_authority_check',
      sql.raw(`(kind = 'DATA_SOURCE') = (authority is not null) and (authority is null or authority in (${inList(AUTHORITY_KINDS)}))`),
    ),
    check('institutions_id_check', sql`${t.id} ~ '^[a-z0-9][a-z0-9-]{1,62}$'`),
  ],
);

/** A borrower is a customer of an institution once the borrower granted it a consent or named it on an application (registering a borrower does not make one). */
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
