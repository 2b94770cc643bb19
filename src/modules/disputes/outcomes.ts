/**
 * What each outcome does to each subject of a dispute (征信业管理条例 Art 25): CORRECTED changes
 * the data (with a mark for every month of a record), VERIFIED and UNVERIFIABLE change nothing
 * (UNVERIFIABLE keeps the objection attached for every reader: the profile reads it from the
 * dispute), DELETED takes the record, inquiry or public record out of every profile.
 */
import { z } from 'zod';
import type { Tx } from '../../db/client.js';
import {
  ACCOUNT_STATUSES,
  BORROWER_CATEGORIES,
  PUBLIC_RECORD_STATUSES,
  type DisputeOutcome,
  type DisputeSubject,
  type PublicRecordStatus,
} from '../../domain.js';
import { badInput } from '../../errors.js';
import { businessDate } from '../../time.js';
import { isoDate, text } from '../../validation.js';
import type { DomainChange } from '../events/api.js';
import {
  correctHistory,
  correctIdentity,
  monthCorrections,
  deleteInquiry,
  deleteRecord,
  lockRecord,
  type IdentityFields,
} from '../credit/api.js';
import { correctPublicRecord, deletePublicRecord, lockPublicRecord } from '../records/api.js';

const label = z.string().refine((v) => !/[|=]/.test(v), 'must not contain | or =');
const optional = <T extends z.ZodTypeAny>(t: T) => t.nullish().transform((v) => v ?? undefined);

/** CorrectionInput, parsed: which fields apply depends on the dispute's subject (checked in `applyOutcome`). */
export const correctionArgs = z.object({
  status: optional(z.enum(ACCOUNT_STATUSES)),
  balance: optional(z.string()),
  months: optional(monthCorrections),
  identity: optional(
    z.object({
      name: optional(text(200)),
      category: optional(z.enum(BORROWER_CATEGORIES)),
      county: optional(text(100).pipe(label)),
      sector: optional(text(100).pipe(label)),
      registeredOn: optional(isoDate),
    }),
  ),
  publicRecordStatus: optional(z.enum(PUBLIC_RECORD_STATUSES)),
  endedOn: optional(isoDate),
});
export type CorrectionArgs = Partial<z.output<typeof correctionArgs>>;

/** The correction fields each subject takes. */
const FIELDS: Record<DisputeSubject, readonly (keyof CorrectionArgs)[]> = {
  RECORD: ['status', 'balance', 'months'],
  INQUIRY: [],
  IDENTITY: ['identity'],
  PUBLIC_RECORD: ['publicRecordStatus', 'endedOn'],
};

export const givenFields = (fix: CorrectionArgs) => (Object.keys(fix) as (keyof CorrectionArgs)[]).filter((k) => fix[k] !== undefined);

/** The outcome and correction fit the subject: BAD_USER_INPUT naming the field otherwise. */
function checkFits(subject: DisputeSubject, outcome: DisputeOutcome, fix: CorrectionArgs) {
  if (outcome === 'CORRECTED' && subject === 'INQUIRY') {
    throw badInput('outcome: an inquiry stands (VERIFIED) or is deleted (DELETED); it cannot be CORRECTED', { field: 'outcome' });
  }
  if (outcome === 'DELETED' && subject === 'IDENTITY') {
    throw badInput('outcome: identity data cannot be deleted; correct it (CORRECTED)', { field: 'outcome' });
  }
  if (outcome !== 'CORRECTED') return;
  const stray = givenFields(fix).find((f) => !FIELDS[subject].includes(f));
  if (stray) throw badInput(`correction.${stray} does not apply to a ${subject} dispute`, { field: `correction.${stray}` });
  const applies = FIELDS[subject].filter((f) => fix[f] !== undefined);
  if (applies.length === 0 || (subject === 'IDENTITY' && Object.values(fix.identity ?? {}).every((v) => v === undefined))) {
    throw badInput(`correction: a CORRECTED outcome of a ${subject} dispute needs ${FIELDS[subject].join(' or ')}`, {
      field: 'correction',
    });
  }
}

export interface DisputeRow {
  id: string;
  subject: string;
  borrowerId: string;
  accountId: string | null;
  inquiryId: string | null;
  publicRecordId: string | null;
  institutionId: string | null;
}

export interface Answer {
  outcome: DisputeOutcome;
  note: string;
  fix: CorrectionArgs;
}

interface Scope {
  tx: Tx;
  now: Date;
  actor: { userId: string; role: string };
}

/** What the outcome did: the before and after kept with the dispute, the audit changes, and how the notice names the subject. */
export interface Applied {
  correction: Record<string, unknown> | null;
  changes: DomainChange[];
  what: string;
  accountId: string | null;
}

const change = (
  d: DisputeRow,
  action: string,
  targetType: string,
  targetId: string,
  detail: Record<string, unknown> = {},
): DomainChange => ({
  action,
  targetType,
  targetId,
  borrowerId: d.borrowerId,
  detail: { disputeId: d.id, ...detail },
});

export async function applyOutcome({ tx, now, actor }: Scope, d: DisputeRow, a: Answer): Promise<Applied> {
  const subject = d.subject as DisputeSubject;
  checkFits(subject, a.outcome, a.fix);
  switch (subject) {
    case 'RECORD': {
      const account = (await lockRecord(tx, d.accountId!))!;
      const out: Applied = { correction: null, changes: [], what: `账户 ${account.accountRef}`, accountId: account.id };
      if (a.outcome === 'CORRECTED') {
        if (actor.role !== 'BANK' && actor.role !== 'INSURER') throw new Error(`record dispute answered by ${actor.role}`);
        const c = await correctHistory(tx, now, account, a.fix, {
          source: 'DISPUTE',
          disputeId: d.id,
          institutionId: d.institutionId,
          reason: a.note,
          userId: actor.userId,
          furnisher: actor.role,
          fieldPrefix: 'correction',
        });
        out.correction = { record: c };
        out.changes.push(change(d, 'credit.account.corrected', 'credit_account', account.id, { ...c }));
        if (c.notice)
          out.changes.push(change(d, 'credit.notice.given', 'notice', c.notice.id, { kind: 'ADVERSE_INFORMATION', accountId: account.id }));
      } else if (a.outcome === 'DELETED') {
        await deleteRecord(tx, { now }, account);
        out.changes.push(change(d, 'credit.account.deleted', 'credit_account', account.id));
      }
      return out;
    }
    case 'INQUIRY': {
      const out: Applied = { correction: null, changes: [], what: '一条查询记录', accountId: null };
      if (a.outcome === 'DELETED') {
        await deleteInquiry(tx, d.inquiryId!, now);
        out.changes.push(change(d, 'credit.inquiry.deleted', 'inquiry', d.inquiryId!));
      }
      return out;
    }
    case 'IDENTITY': {
      const out: Applied = { correction: null, changes: [], what: '身份信息', accountId: null };
      if (a.outcome === 'CORRECTED') {
        const fix = a.fix.identity!;
        if (fix.registeredOn && fix.registeredOn > businessDate(now)) {
          throw badInput('correction.identity.registeredOn is in the future', { field: 'correction.identity.registeredOn' });
        }
        const c = (await correctIdentity(tx, d.borrowerId, fix as Partial<IdentityFields>))!;
        out.correction = { identity: c };
        out.changes.push(change(d, 'borrower.identity.corrected', 'borrower', d.borrowerId, c));
      }
      return out;
    }
    case 'PUBLIC_RECORD': {
      const record = (await lockPublicRecord(tx, d.publicRecordId!))!;
      const out: Applied = { correction: null, changes: [], what: `公共记录 ${record.caseNumber}`, accountId: null };
      if (a.outcome === 'CORRECTED') {
        const fix = { status: a.fix.publicRecordStatus as PublicRecordStatus, endedOn: a.fix.endedOn ?? null };
        const c = await correctPublicRecord(tx, { now }, record, fix);
        out.correction = { publicRecord: c };
        out.changes.push(change(d, 'public_record.corrected', 'public_record', record.id, { ...c }));
      } else if (a.outcome === 'DELETED') {
        await deletePublicRecord(tx, { now }, record);
        out.changes.push(change(d, 'public_record.deleted', 'public_record', record.id));
      }
      return out;
    }
  }
}

const RESULT: Record<DisputeOutcome, string> = {
  CORRECTED: '记录已更正，每一处更正都留有标记。',
  VERIFIED: '经核查，记录无误，予以保留。',
  DELETED: '记录已删除，不再出现在任何信用报告中。',
  UNVERIFIABLE: '无法核实。您的异议和核查说明将随记录向所有查询者展示。',
};

/** The borrower's notice of the outcome, in plain Chinese. */
export const noticeText = (what: string, outcome: DisputeOutcome, note: string) =>
  `您对${what}提出的异议已处理：${RESULT[outcome]}处理说明：${note}`;
