import { z } from 'zod';
import type { BorrowerActor } from '../../../auth/actor.js';
import { defineCommand } from '../../../command.js';
import type { DisputeSubject } from '../../../domain.js';
import { badInput, conflict, PgCode, pgErrorCode } from '../../../errors.js';
import { parse, text, uuid } from '../../../validation.js';
import type { Tx } from '../../../db/client.js';
import { lockInquiry, lockRecord } from '../../credit/api.js';
import { disputeDueAt } from '../../credit/rules.js';
import { lockPublicRecord } from '../../records/api.js';
import { disputePolicy } from '../policy.js';
import * as store from '../store.js';

const args = z.object({
  recordId: uuid.nullish(),
  inquiryId: uuid.nullish(),
  publicRecordId: uuid.nullish(),
  identity: z.boolean().nullish(),
  reason: text(2000),
});

type Target = { subject: DisputeSubject; id: string | null };

function subjectOf(a: z.output<typeof args>): Target {
  const named: Target[] = [
    ...(a.recordId ? [{ subject: 'RECORD' as const, id: a.recordId }] : []),
    ...(a.inquiryId ? [{ subject: 'INQUIRY' as const, id: a.inquiryId }] : []),
    ...(a.publicRecordId ? [{ subject: 'PUBLIC_RECORD' as const, id: a.publicRecordId }] : []),
    ...(a.identity ? [{ subject: 'IDENTITY' as const, id: null }] : []),
  ];
  if (named.length !== 1) {
    throw badInput('Name exactly one subject: recordId, inquiryId, publicRecordId or identity: true', { field: 'recordId' });
  }
  return named[0];
}

/**
 * What the borrower disputes, checked as theirs (NOT_FOUND otherwise), and who answers it: the
 * furnisher, the inquiring institution, the authority; null (the platform) for identity data.
 */
async function answererOf(tx: Tx, actor: BorrowerActor, t: Target) {
  const own = <T extends { borrowerId: string | null; deletedAt?: Date | null }>(x: T | undefined) =>
    disputePolicy.authorize(actor, 'file', x);
  switch (t.subject) {
    case 'RECORD': {
      const account = own(await lockRecord(tx, t.id!));
      return { accountId: account.id, institutionId: account.institutionId };
    }
    case 'INQUIRY': {
      const inquiry = own(await lockInquiry(tx, t.id!));
      if (inquiry.purpose === 'SELF_ACCESS' || !inquiry.institutionId) {
        throw badInput('inquiryId names your own access to your file, which cannot be disputed', { field: 'inquiryId' });
      }
      return { inquiryId: inquiry.id, institutionId: inquiry.institutionId };
    }
    case 'PUBLIC_RECORD': {
      const record = own(await lockPublicRecord(tx, t.id!));
      return { publicRecordId: record.id, institutionId: record.authorityId };
    }
    case 'IDENTITY':
      return { institutionId: null };
  }
}

/** A borrower objects to a record, an inquiry or a public record of their own file, or to their identity data; it is answered within 20 days. */
export const fileDispute = defineCommand({
  name: 'fileDispute',
  gate: (ctx) => disputePolicy.gate(ctx, 'file'),
  parse(raw: z.input<typeof args>) {
    const a = parse(args, raw);
    return { reason: a.reason, target: subjectOf(a) };
  },
  idempotent: false,
  async run({ tx, actor, now, record }, { reason, target }) {
    const answerer = await answererOf(tx, actor, target);
    const d = await store.insertDispute(tx, {
      subject: target.subject,
      ...answerer,
      borrowerId: actor.borrowerId,
      reason,
      status: 'OPEN',
      filedAt: now,
      dueAt: disputeDueAt(now),
    });
    record({
      action: 'dispute.filed',
      targetType: 'dispute',
      targetId: d.id,
      borrowerId: actor.borrowerId,
      detail: { subject: target.subject, ...answerer },
    });
    return (await store.disputeById(tx, d.id))!;
  },
  mapError: (err) =>
    pgErrorCode(err) === PgCode.uniqueViolation ? conflict('There is already an open dispute of this subject') : undefined,
});
