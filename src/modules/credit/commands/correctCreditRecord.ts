import { z } from 'zod';
import { defineCommand } from '../../../command.js';
import { forbidden } from '../../../errors.js';
import { parse, text, uuid } from '../../../validation.js';
import { accountView } from '../accounts.js';
import { correctHistory, monthCorrections } from '../corrections.js';
import { creditPolicy } from '../policy.js';
import * as store from '../store.js';

const args = z.object({
  recordId: uuid,
  months: monthCorrections,
  reason: text(500),
});

/**
 * The furnisher corrects past months of a record it furnished, through the same marked path as a
 * dispute's CORRECTED outcome: one correction mark per changed month, shown to every reader.
 * Another institution's record (or none) is NOT_FOUND. A PROGRAMME record is FORBIDDEN: the
 * programme's lifecycle keeps it (repayments, ageing, claims), and the borrower's dispute corrects it.
 */
export const correctCreditRecord = defineCommand({
  name: 'correctCreditRecord',
  gate: (ctx) => creditPolicy.gate(ctx, 'correctRecord'),
  parse: (a: z.input<typeof args>) => parse(args, a),
  idempotent: false,
  async run({ tx, actor, now, record }, a) {
    const account = creditPolicy.authorize(actor, 'correctRecord', await store.lockAccount(tx, a.recordId));
    if (account.source === 'PROGRAMME') {
      throw forbidden('This record is kept by the programme’s lifecycle; it is corrected by the lifecycle or a dispute, not by hand');
    }
    const c = await correctHistory(
      tx,
      now,
      account,
      { months: a.months },
      {
        source: 'FURNISHER',
        institutionId: actor.institutionId,
        reason: a.reason,
        userId: actor.userId,
        furnisher: actor.role,
        fieldPrefix: '',
      },
    );
    record({
      action: 'credit.account.corrected',
      targetType: 'credit_account',
      targetId: account.id,
      borrowerId: account.borrowerId,
      detail: { source: 'FURNISHER', reason: a.reason, ...c },
    });
    if (c.notice) {
      record({
        action: 'credit.notice.given',
        targetType: 'notice',
        targetId: c.notice.id,
        borrowerId: account.borrowerId,
        detail: { kind: 'ADVERSE_INFORMATION', accountId: account.id, effectiveAt: c.notice.effectiveAt },
      });
    }
    return accountView((await store.lockAccount(tx, account.id))!);
  },
});
