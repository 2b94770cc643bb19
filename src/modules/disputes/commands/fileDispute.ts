import { z } from 'zod';
import { defineCommand } from '../../../command.js';
import { conflict, PgCode, pgErrorCode } from '../../../errors.js';
import { parse, text, uuid } from '../../../validation.js';
import { lockRecord } from '../../credit/api.js';
import { disputeDueAt } from '../../credit/rules.js';
import { disputePolicy } from '../policy.js';
import * as store from '../store.js';

const args = z.object({ recordId: uuid, reason: text(2000) });

/** A borrower objects to a record of their own file; the furnisher must answer within 20 days. */
export const fileDispute = defineCommand({
  name: 'fileDispute',
  gate: (ctx) => disputePolicy.gate(ctx, 'file'),
  parse: (a: z.input<typeof args>) => parse(args, a),
  idempotent: false,
  async run({ tx, actor, now, record }, a) {
    const account = disputePolicy.authorize(actor, 'file', await lockRecord(tx, a.recordId));
    const d = await store.insertDispute(tx, {
      accountId: account.id,
      borrowerId: actor.borrowerId,
      institutionId: account.institutionId,
      reason: a.reason,
      status: 'OPEN',
      filedAt: now,
      dueAt: disputeDueAt(now),
    });
    record({
      action: 'dispute.filed',
      targetType: 'dispute',
      targetId: d.id,
      borrowerId: actor.borrowerId,
      detail: { accountId: account.id, furnisher: account.institutionId },
    });
    return (await store.disputeById(tx, d.id))!;
  },
  mapError: (err) => (pgErrorCode(err) === PgCode.uniqueViolation ? conflict('This record already has an open dispute') : undefined),
});
