import type { AccountStatus } from '../../domain.js';
import type { Executor } from '../../db/client.js';
import type { Context } from '../../context.js';
import { businessDate } from '../../time.js';
import { furnishProgrammeAccount } from '../credit/api.js';
import type { LoanRow, PolicyRow } from './store.js';

interface Report {
  status: AccountStatus;
  balance: string;
  closedOn?: string | null;
  /** The business date the status is for. */
  asOf: string;
}

/** The bank's record of a programme loan in the shared credit records. */
export const furnishLoan = (tx: Executor, ctx: Context, loan: LoanRow, r: Report) =>
  furnishProgrammeAccount(tx, ctx, {
    institutionId: loan.bankId,
    borrowerId: loan.borrowerId,
    accountRef: loan.loanNumber,
    kind: 'LOAN',
    originalAmount: loan.principal,
    balance: r.balance,
    openedOn: loan.disbursedOn,
    closedOn: r.closedOn ?? null,
    status: r.status,
    asOf: r.asOf,
  });

/** The insurer's record of a programme policy in the shared credit records. */
export const furnishPolicy = (tx: Executor, ctx: Context, policy: PolicyRow, r: Report) =>
  furnishProgrammeAccount(tx, ctx, {
    institutionId: policy.insurerId,
    borrowerId: policy.borrowerId,
    accountRef: policy.policyNumber,
    kind: 'INSURANCE_POLICY',
    originalAmount: policy.insuredAmount,
    balance: r.balance,
    openedOn: businessDate(new Date(policy.issuedAt)),
    closedOn: r.closedOn ?? null,
    status: r.status,
    asOf: r.asOf,
  });
