import { z } from 'zod';
import { defineCommand } from '../../../command.js';
import { DISPUTE_OUTCOMES } from '../../../domain.js';
import { badInput, conflict } from '../../../errors.js';
import { parse, text, uuid } from '../../../validation.js';
import { notifyBorrower } from '../../credit/api.js';
import { applyOutcome, correctionArgs, givenFields, noticeText } from '../outcomes.js';
import { disputePolicy } from '../policy.js';
import * as store from '../store.js';

const args = z.object({
  id: uuid,
  outcome: z.enum(DISPUTE_OUTCOMES),
  note: text(2000),
  correction: correctionArgs.nullish(),
});

/**
 * The answerer resolves a dispute: CORRECTED, VERIFIED, DELETED or UNVERIFIABLE (what each does to
 * each subject: ../outcomes.ts). The borrower is notified of every outcome; the subject's open
 * dispute flag ends with it.
 */
export const resolveDispute = defineCommand({
  name: 'resolveDispute',
  gate: (ctx) => disputePolicy.gate(ctx, 'resolve'),
  parse(raw: z.input<typeof args>) {
    const a = parse(args, raw);
    const fix = a.correction ?? {};
    if (a.outcome !== 'CORRECTED' && givenFields(fix).length) {
      throw badInput('correction: only a CORRECTED outcome carries a correction', { field: 'correction' });
    }
    return { id: a.id, outcome: a.outcome, note: a.note, fix };
  },
  idempotent: false,
  async run({ tx, actor, now, record }, a) {
    const d = disputePolicy.authorize(actor, 'resolve', await store.lockDispute(tx, a.id));
    if (d.status !== 'OPEN') throw conflict(`Dispute is already ${d.status}`, { currentState: d.status });
    const applied = await applyOutcome({ tx, now, actor }, d, a);
    await store.markResolved(tx, d.id, { outcome: a.outcome, note: a.note, at: now, by: actor.userId, correction: applied.correction });
    const notice = await notifyBorrower(tx, {
      borrowerId: d.borrowerId,
      kind: 'DISPUTE_RESOLVED',
      accountId: applied.accountId,
      institutionId: d.institutionId,
      message: noticeText(applied.what, a.outcome, a.note),
      now,
    });
    record([
      ...applied.changes,
      {
        action: 'dispute.resolved',
        targetType: 'dispute',
        targetId: d.id,
        borrowerId: d.borrowerId,
        detail: { subject: d.subject, outcome: a.outcome, late: now > d.dueAt, noticeId: notice.id },
      },
    ]);
    return (await store.disputeById(tx, d.id))!;
  },
});
