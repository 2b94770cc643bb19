import type { Context } from '../../context.js';
import type { Executor } from '../../db/client.js';
import type { AccountKind, AccountStatus } from '../../domain.js';
import { monthOf } from '../../time.js';
import { appendAudit, type AuditEvent } from '../audit/api.js';
import { appendEvents } from '../events/api.js';
import { recordMonthlyStatus } from './rules.js';
import * as store from './store.js';

export type AccountRow = Awaited<ReturnType<typeof store.upsertAccounts>>[number];

/** A saved row as the CreditAccount type shows it (the table's checks hold kind and status to their lists). */
export const accountView = (a: AccountRow): store.AccountView => ({
  ...a,
  kind: a.kind as AccountKind,
  status: a.status as AccountStatus,
  dispute: null,
});

/**
 * Upsert furnished accounts; returns them and one audit change each: created or updated, by an
 * institution or by the programme's lifecycle.
 */
export async function saveAccounts(
  tx: Executor,
  rows: store.NewAccountRow[],
  existingRefs: Set<string>,
  source: 'furnished' | 'programme',
) {
  const saved = await store.upsertAccounts(tx, rows);
  const changes: AuditEvent[] = saved.map((a) => ({
    action: existingRefs.has(a.accountRef) ? 'credit.account.updated' : 'credit.account.created',
    targetType: 'credit_account',
    targetId: a.id,
    borrowerId: a.borrowerId,
    detail: {
      accountRef: a.accountRef,
      furnisher: a.institutionId,
      status: a.status,
      statusMonth: a.statusMonth,
      balance: a.balance,
      source,
    },
  }));
  return { saved, changes };
}

export interface ProgrammeAccount {
  institutionId: string;
  borrowerId: string;
  accountRef: string;
  kind: 'LOAN' | 'INSURANCE_POLICY';
  originalAmount: string;
  balance: string;
  openedOn: string;
  closedOn: string | null;
  status: AccountStatus;
  /** The business date the status is for. */
  asOf: string;
}

/**
 * Furnishing that follows the lending lifecycle: disbursements, policies, repayments and
 * ageing update the shared records inside the transaction that changed them, so the next
 * profile read shows them. The audit entry is appended in that transaction.
 */
export async function furnishProgrammeAccount(tx: Executor, ctx: Context, rec: ProgrammeAccount) {
  const [prev] = await store.lockOwnAccounts(tx, rec.institutionId, [rec.accountRef]);
  const month = monthOf(rec.asOf);
  // a back-dated event never rewinds the history: it lands in the latest reported month
  const at = prev && month < prev.statusMonth ? prev.statusMonth : month;
  const next = recordMonthlyStatus(prev?.paymentHistory ?? null, prev?.statusMonth ?? null, at, rec.status)!;
  const { saved, changes } = await saveAccounts(
    tx,
    [
      {
        institutionId: rec.institutionId,
        borrowerId: rec.borrowerId,
        accountRef: rec.accountRef,
        kind: rec.kind,
        originalAmount: rec.originalAmount,
        balance: rec.balance,
        openedOn: rec.openedOn,
        closedOn: rec.closedOn,
        status: rec.status,
        statusMonth: next.historyMonth,
        paymentHistory: next.history,
        createdAt: ctx.now,
        updatedAt: ctx.now,
      },
    ],
    new Set(prev ? [prev.accountRef] : []),
    'programme',
  );
  // the same pair a command's record() writes: the audit row and the domain event
  await appendAudit(tx, ctx, changes);
  await appendEvents(tx, ctx, changes);
  return saved[0];
}
