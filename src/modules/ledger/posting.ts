import { Decimal } from 'decimal.js';
import type { Executor } from '../../db/client.js';
import type { Context } from '../../context.js';
import { businessDate } from '../../time.js';
import * as store from './store.js';

export const FUND = {
  PREMIUM_SUBSIDY: 'FUND:PREMIUM_SUBSIDY',
  RISK_COMPENSATION: 'FUND:RISK_COMPENSATION',
} as const;
export type FundAccount = (typeof FUND)[keyof typeof FUND];
export const BUDGET = 'BUDGET:GOVERNMENT';
export const BORROWERS = 'EXTERNAL:BORROWERS';
export const institutionAccount = (id: string) => `INSTITUTION:${id}`;
export const reserveAccount = (insurerId: string) => `RESERVE:${insurerId}`;

export type TransactionKind =
  | 'FUND_DEPOSIT'
  | 'BORROWER_PREMIUM'
  | 'PREMIUM_SUBSIDY'
  | 'RISK_RESERVE'
  | 'CLAIM_PAYMENT'
  | 'RISK_COMPENSATION'
  | 'RECOVERY'
  | 'REVERSAL'
  | 'PREMIUM_REFUND';

export interface Posting {
  kind: TransactionKind;
  memo: string;
  entries: { account: string; amount: Decimal.Value }[];
  loanId?: string;
  policyId?: string;
  claimId?: string;
  borrowerId?: string;
  reverses?: string;
}

/**
 * Accounts whose running balance is kept (and locked while it moves). The budget and the
 * borrowers' account are counterparties only: their balance is the sum of their entries when
 * asked, so they never become a lock every posting waits on.
 */
export const tracksBalance = (account: string) => !account.startsWith('BUDGET:') && !account.startsWith('EXTERNAL:');

/** Institution and reserve accounts come into being on first use. */
async function ensureFor(tx: Executor, ctx: Context, ids: string[]) {
  const missing = ids.filter((id) => id.startsWith('INSTITUTION:') || id.startsWith('RESERVE:'));
  await store.ensureAccounts(
    tx,
    missing.map((id) => {
      const [kind, inst] = id.split(':');
      return {
        id,
        kind,
        institutionId: inst,
        name: kind === 'RESERVE' ? `Risk reserve of ${inst} (风险准备金)` : `Settlement of ${inst}`,
        createdAt: ctx.now,
      };
    }),
  );
}

/**
 * Post one balanced ledger transaction inside the caller's transaction: entries appended,
 * balances moved, accounts locked in id order. Zero-amount legs are dropped; a posting whose
 * legs do not sum to zero is a programming error and throws before anything is written.
 */
export async function post(tx: Executor, ctx: Context, p: Posting) {
  const legs = p.entries.map((e) => ({ account: e.account, amount: new Decimal(e.amount) })).filter((e) => !e.amount.isZero());
  if (legs.length === 0) return null;
  const sum = legs.reduce((s, e) => s.plus(e.amount), new Decimal(0));
  if (!sum.isZero()) throw new Error(`unbalanced ${p.kind} posting (sum ${sum.toFixed(2)})`);
  const ids = legs.map((l) => l.account);
  await ensureFor(tx, ctx, ids);
  await store.lockAccounts(tx, ids.filter(tracksBalance));
  const t = await store.insertTransaction(tx, {
    kind: p.kind,
    businessDate: businessDate(ctx.now),
    at: ctx.now,
    loanId: p.loanId,
    policyId: p.policyId,
    claimId: p.claimId,
    borrowerId: p.borrowerId,
    reverses: p.reverses,
    memo: p.memo,
    createdBy: ctx.actor ? `${ctx.actor.role}:${ctx.actor.userId}` : 'system',
    requestId: ctx.requestId,
  });
  await store.insertEntries(
    tx,
    legs.map((l) => ({ transactionId: t.id, accountId: l.account, amount: l.amount.toFixed(2) })),
  );
  const deltas = new Map<string, string>();
  for (const l of legs.filter((x) => tracksBalance(x.account))) {
    deltas.set(l.account, new Decimal(deltas.get(l.account) ?? 0).plus(l.amount).toFixed(2));
  }
  await store.addToBalances(tx, deltas);
  return t;
}

/**
 * Lock, in the one global order, every account a multi-posting operation will touch, before
 * its first posting: two operations then never wait on each other in opposite orders.
 */
export async function lockAll(tx: Executor, ctx: Context, accounts: string[]) {
  const tracked = accounts.filter(tracksBalance);
  await ensureFor(tx, ctx, tracked);
  await store.lockAccounts(tx, tracked);
}

/** A fund's balance, locked until the caller's transaction ends: concurrent payers queue here. */
export async function lockFund(tx: Executor, fund: FundAccount): Promise<Decimal> {
  const [a] = await store.lockAccounts(tx, [fund]);
  return new Decimal(a.balance);
}
