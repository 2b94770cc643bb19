import { bigint, index, jsonb, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { tstz } from './common.js';

/** Append-only: a trigger (migration 0001) rejects UPDATE and DELETE. */
export const auditLog = pgTable(
  'audit_log',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    at: tstz('at').notNull(),
    requestId: text('request_id'),
    actorUserId: text('actor_user_id'),
    actorRole: text('actor_role'),
    actorInstitutionId: text('actor_institution_id'),
    actorBorrowerId: uuid('actor_borrower_id'),
    action: text('action').notNull(),
    targetType: text('target_type'),
    targetId: text('target_id'),
    borrowerId: uuid('borrower_id'),
    detail: jsonb('detail'),
  },
  (t) => [
    index('audit_log_at_idx').on(t.at),
    index('audit_log_borrower_idx').on(t.borrowerId),
    index('audit_log_actor_inst_idx').on(t.actorInstitutionId),
  ],
);
