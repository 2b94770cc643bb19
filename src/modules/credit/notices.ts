import { and, desc, eq, inArray } from 'drizzle-orm';
import type { Executor } from '../../db/client.js';
import { creditAccounts, notices } from '../../db/schema/index.js';
import type { AccountKind, AccountStatus, NoticeKind } from '../../domain.js';
import { businessDate } from '../../time.js';
import { STATUS_WORDS } from './rules.js';

export type NoticeRow = typeof notices.$inferSelect;
export type NewNotice = typeof notices.$inferInsert;

/** A notice as myNotices shows it: the row with its account's reference. */
export interface NoticeView {
  id: string;
  kind: NoticeKind;
  accountId: string | null;
  accountRef: string | null;
  institutionId: string | null;
  status: AccountStatus | null;
  balance: string | null;
  message: string;
  notifiedAt: Date;
  effectiveAt: Date;
}

/** The prior notices (ADVERSE_INFORMATION) already given for these accounts, by account id. */
export async function adverseNoticesFor(db: Executor, accountIds: string[]): Promise<Map<string, NoticeRow>> {
  if (accountIds.length === 0) return new Map();
  const found = await db
    .select()
    .from(notices)
    .where(and(eq(notices.kind, 'ADVERSE_INFORMATION'), inArray(notices.accountId, accountIds)));
  return new Map(found.map((n) => [n.accountId!, n]));
}

/** Insert notices; an account's second prior notice is silently not written (one per account). */
export async function insertNotices(tx: Executor, values: NewNotice[]): Promise<NoticeRow[]> {
  if (values.length === 0) return [];
  return tx.insert(notices).values(values).onConflictDoNothing().returning();
}

/** A borrower's notices, newest first. */
export async function noticesOf(db: Executor, borrowerId: string, limit: number): Promise<NoticeView[]> {
  const found = await db
    .select({
      id: notices.id,
      kind: notices.kind,
      accountId: notices.accountId,
      accountRef: creditAccounts.accountRef,
      institutionId: notices.institutionId,
      status: notices.status,
      balance: notices.balance,
      message: notices.message,
      notifiedAt: notices.notifiedAt,
      effectiveAt: notices.effectiveAt,
    })
    .from(notices)
    .leftJoin(creditAccounts, eq(creditAccounts.id, notices.accountId))
    .where(eq(notices.borrowerId, borrowerId))
    .orderBy(desc(notices.notifiedAt), desc(notices.id))
    .limit(limit);
  // the table's checks hold kind and status to their lists
  return found.map((n) => ({ ...n, kind: n.kind as NoticeKind, status: n.status as AccountStatus | null }));
}

const KIND_WORDS: Record<AccountKind, string> = {
  LOAN: '贷款',
  GUARANTEE: '担保',
  INSURANCE_POLICY: '保证保险保单',
  COURT_LISTING: '记录',
};

/** Plain Chinese: who will report what, on which account, and from when readers see it. */
export function adverseMessage(a: {
  institution: string;
  kind: AccountKind;
  accountRef: string;
  status: AccountStatus;
  balance: string;
  effectiveAt: Date;
}): string {
  return (
    `${a.institution}将向信用信息共享平台报送您的${KIND_WORDS[a.kind]}账户 ${a.accountRef} 的不良信息：` +
    `状态“${STATUS_WORDS[a.status]}”，余额 ${a.balance} 元。该信息自 ${businessDate(a.effectiveAt)} 起对查询您信用报告的机构可见。` +
    `如有异议，请在此之前提出异议；已还清的，请联系${a.institution}更正。`
  );
}

/** Plain Chinese: an instalment is overdue, and what will be reported if it stays unpaid. */
export function missedPaymentMessage(a: {
  institution: string;
  kind: AccountKind;
  accountRef: string;
  daysPastDue: number;
  balance: string;
  effectiveAt: Date;
}): string {
  const what =
    a.kind === 'INSURANCE_POLICY'
      ? `您的保证保险保单 ${a.accountRef} 所保的贷款已有一期还款逾期 ${a.daysPastDue} 天。如贷款违约、由${a.institution}理赔，${a.institution}将报送理赔和追偿记录`
      : `您的${KIND_WORDS[a.kind]}账户 ${a.accountRef} 已有一期还款逾期 ${a.daysPastDue} 天，未还余额 ${a.balance} 元。如逾期满 30 天仍未还清，${a.institution}将报送逾期记录`;
  return `${a.institution}提示：${what}（不良信息），最早自 ${businessDate(a.effectiveAt)} 起对查询您信用报告的机构可见。请尽快还款；如有异议，请联系${a.institution}。`;
}
