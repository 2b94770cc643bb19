import { z } from 'zod';
import { defineCommand } from '../../../command.js';
import { ACCOUNT_STATUSES, DISPUTE_OUTCOMES } from '../../../domain.js';
import { badInput, conflict } from '../../../errors.js';
import type { DomainChange } from '../../events/api.js';
import { parse, text, uuid } from '../../../validation.js';
import { correctRecord, deleteRecord, lockRecord } from '../../credit/api.js';
import { disputePolicy } from '../policy.js';
import * as store from '../store.js';

const args = z.object({
  id: uuid,
  outcome: z.enum(DISPUTE_OUTCOMES),
  note: text(2000),
  correction: z.object({ status: z.enum(ACCOUNT_STATUSES).nullish(), balance: z.string().nullish() }).nullish(),
});

/** The furnisher answers a dispute: corrected, verified or deleted. */
export const resolveDispute = defineCommand({
  name: 'resolveDispute',
  gate: (ctx) => disputePolicy.gate(ctx, 'resolve'),
  parse(raw: z.input<typeof args>) {
    const a = parse(args, raw);
    const fix = a.correction ?? {};
    if (a.outcome === 'CORRECTED' && !fix.status && !fix.balance) {
      throw badInput('correction: a CORRECTED outcome needs the corrected status or balance', { field: 'correction' });
    }
    if (a.outcome !== 'CORRECTED' && (fix.status || fix.balance)) {
      throw badInput(`correction: only a CORRECTED outcome carries a correction`, { field: 'correction' });
    }
    return { ...a, fix };
  },
  idempotent: false,
  async run({ ctx, tx, actor, now, record }, a) {
    const d = disputePolicy.authorize(actor, 'resolve', await store.lockDispute(tx, a.id));
    if (d.status !== 'OPEN') throw conflict(`Dispute is already ${d.status}`, { currentState: d.status });
    const account = (await lockRecord(tx, d.accountId))!;
    const changes: DomainChange[] = [];
    if (a.outcome === 'CORRECTED') {
      const change = await correctRecord(tx, ctx, account, actor.role, a.fix);
      changes.push({
        action: 'credit.account.corrected',
        targetType: 'credit_account',
        targetId: account.id,
        borrowerId: account.borrowerId,
        detail: { disputeId: d.id, ...change },
      });
    } else if (a.outcome === 'DELETED') {
      await deleteRecord(tx, ctx, account);
      changes.push({
        action: 'credit.account.deleted',
        targetType: 'credit_account',
        targetId: account.id,
        borrowerId: account.borrowerId,
        detail: { disputeId: d.id },
      });
    }
    await store.markResolved(tx, d.id, { outcome: a.outcome, note: a.note, at: now, by: actor.userId });
    changes.push({
      action: 'dispute.resolved',
      targetType: 'dispute',
      targetId: d.id,
      borrowerId: d.borrowerId,
      detail: { outcome: a.outcome, late: now > d.dueAt },
    });
    record(changes);
    return (await store.disputeById(tx, d.id))!;
  },
});
