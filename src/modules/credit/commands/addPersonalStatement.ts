import { z } from 'zod';
import { defineCommand } from '../../../command.js';
import { badInput, conflict } from '../../../errors.js';
import { parse, text, uuid } from '../../../validation.js';
import { lockPublicRecord } from '../../records/api.js';
import { creditPolicy } from '../policy.js';
import { insertStatement, lockStatementsOf, MAX_ACTIVE_STATEMENTS, MAX_STATEMENT_CHARS } from '../statements.js';
import * as store from '../store.js';

const args = z.object({ text: text(MAX_STATEMENT_CHARS), recordId: uuid.nullish(), publicRecordId: uuid.nullish() });

/**
 * 本人声明: the borrower attaches a statement (at most 500 characters) to a record or a public
 * record of their own file, or (neither named) to the whole file. Every reader of the profile sees
 * it. At most MAX_ACTIVE_STATEMENTS in force at once.
 */
export const addPersonalStatement = defineCommand({
  name: 'addPersonalStatement',
  gate: (ctx) => creditPolicy.gate(ctx, 'addStatement'),
  parse(raw: z.input<typeof args>) {
    const a = parse(args, raw);
    if (a.recordId && a.publicRecordId) {
      throw badInput('Name at most one of recordId and publicRecordId (neither: the whole file)', { field: 'publicRecordId' });
    }
    return { text: a.text, recordId: a.recordId ?? null, publicRecordId: a.publicRecordId ?? null };
  },
  idempotent: false,
  async run({ tx, actor, now, record }, a) {
    if (a.recordId) creditPolicy.authorize(actor, 'addStatement', await store.lockAccount(tx, a.recordId));
    if (a.publicRecordId) creditPolicy.authorize(actor, 'addStatement', await lockPublicRecord(tx, a.publicRecordId));
    const held = await lockStatementsOf(tx, actor.borrowerId);
    if (!held) throw badInput('Borrower not on file');
    if (held.active >= MAX_ACTIVE_STATEMENTS) {
      throw conflict(`At most ${MAX_ACTIVE_STATEMENTS} statements may be in force at once; withdraw one first`, {
        limit: MAX_ACTIVE_STATEMENTS,
      });
    }
    const s = await insertStatement(tx, { borrowerId: actor.borrowerId, ...a, now });
    record({
      action: 'credit.statement.added',
      targetType: 'personal_statement',
      targetId: s.id,
      borrowerId: actor.borrowerId,
      detail: { recordId: s.recordId, publicRecordId: s.publicRecordId, length: s.text.length },
    });
    return s;
  },
});
