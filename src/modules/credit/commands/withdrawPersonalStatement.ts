import { z } from 'zod';
import { defineCommand } from '../../../command.js';
import { conflict } from '../../../errors.js';
import { parse, uuid } from '../../../validation.js';
import { creditPolicy } from '../policy.js';
import { lockStatement, withdrawStatement } from '../statements.js';

const args = z.object({ id: uuid });

/** The borrower withdraws a statement of their own: no reader sees it any more (the row stays, with when it was withdrawn). */
export const withdrawPersonalStatement = defineCommand({
  name: 'withdrawPersonalStatement',
  gate: (ctx) => creditPolicy.gate(ctx, 'withdrawStatement'),
  parse: (a: z.input<typeof args>) => parse(args, a),
  idempotent: false,
  async run({ tx, actor, now, record }, a) {
    const s = creditPolicy.authorize(actor, 'withdrawStatement', await lockStatement(tx, a.id));
    if (s.withdrawnAt) throw conflict('The statement was already withdrawn', { currentState: 'WITHDRAWN' });
    const out = await withdrawStatement(tx, s.id, now);
    record({ action: 'credit.statement.withdrawn', targetType: 'personal_statement', targetId: s.id, borrowerId: actor.borrowerId });
    return out;
  },
});
