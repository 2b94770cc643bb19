import { defineCommand } from '../../../command.js';
import { conflict, notFound } from '../../../errors.js';
import { parse, text, uuid } from '../../../validation.js';
import * as extStore from '../extensionStore.js';
import { extensionPolicy } from '../policy.js';
import * as store from '../store.js';

/**
 * The loan's insurer declines a proposed extension, with its reason. Nothing else changes; since
 * no extension was agreed, the bank may propose again.
 */
export const declineExtension = defineCommand({
  name: 'declineExtension',
  gate: (ctx) => extensionPolicy.gate(ctx, 'decide'),
  parse: (args: { id: string; reason: string }) => ({ id: parse(uuid, args.id, 'id'), reason: parse(text(500), args.reason, 'reason') }),
  idempotent: true,
  async run({ tx, actor, now, record }, a) {
    const found = await extStore.extensionById(tx, a.id);
    if (!found) throw notFound('Extension');
    const loan = (await store.lockLoan(tx, found.loanId))!;
    const ext = extensionPolicy.authorize(actor, 'decide', {
      ...(await extStore.lockExtension(tx, a.id))!,
      bankId: loan.bankId,
      insurerId: loan.insurerId,
      borrowerId: loan.borrowerId,
    });
    if (ext.status !== 'PROPOSED') throw conflict(`Cannot decline: the extension is ${ext.status}`, { currentState: ext.status });
    const declined = await extStore.updateExtension(tx, ext.id, {
      status: 'DECLINED',
      declineReason: a.reason,
      decidedBy: actor.userId,
      decidedAt: now,
    });
    record({
      action: 'loan.extension.declined',
      targetType: 'loan',
      targetId: loan.id,
      borrowerId: loan.borrowerId,
      detail: { extensionId: ext.id, loanNumber: loan.loanNumber, extraMonths: ext.extraMonths, reason: a.reason },
    });
    return extStore.extensionView(declined);
  },
});
