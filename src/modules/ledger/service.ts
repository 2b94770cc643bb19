import { Decimal } from 'decimal.js';
import { z } from 'zod';
import type { Context } from '../../context.js';
import { isoDate, pageSize, parse, uuid } from '../../validation.js';
import { appendAudit } from '../audit/api.js';
import { ledgerAccountsVisibleTo, ledgerPolicy } from './policy.js';
import { FUND } from './posting.js';
import * as store from './store.js';
import type { LedgerTransactionView, RiskReserveView } from './store.js';

export async function fundBalances(ctx: Context) {
  const actor = ledgerPolicy.gate(ctx, 'fundBalances');
  const accounts = await store.accountsByKind(ctx.db.orm, ['FUND', 'RESERVE']);
  const fund = (id: string) => accounts.find((a) => a.id === id);
  const balance = (id: string) => fund(id)?.balance ?? '0.00';
  const reserves: RiskReserveView[] = accounts
    .filter((a) => a.kind === 'RESERVE')
    .map((a) => ({ institutionId: a.institutionId!, balance: a.balance }));
  return {
    premiumSubsidyFund: balance(FUND.PREMIUM_SUBSIDY),
    riskCompensationFund: balance(FUND.RISK_COMPENSATION),
    // kept on the fund accounts in the transactions that change them (migration 0012): no scan
    subsidyOwed: fund(FUND.PREMIUM_SUBSIDY)?.owed ?? '0.00',
    compensationShortfall: fund(FUND.RISK_COMPENSATION)?.owed ?? '0.00',
    riskReserves: reserves.filter((r) => ledgerPolicy.can(actor, 'seeReserve', r)),
    asOf: ctx.now,
  };
}

const ledgerArgs = z.object({
  first: pageSize(500),
  filter: z
    .object({
      kind: z.string().nullish(),
      from: isoDate.nullish(),
      to: isoDate.nullish(),
      loanId: uuid.nullish(),
      claimId: uuid.nullish(),
    })
    .nullish(),
});

/**
 * Ledger transactions the caller may see: the government those that move a fund (borrowers
 * masked), an institution those on its own accounts, the admin all.
 */
export async function ledgerEntries(ctx: Context, args: z.input<typeof ledgerArgs>): Promise<LedgerTransactionView[]> {
  const actor = ledgerPolicy.gate(ctx, 'ledgerEntries');
  const a = parse(ledgerArgs, args);
  const f = a.filter ?? {};
  const txs = await store.transactions(ctx.db.orm, {
    accountIds: ledgerAccountsVisibleTo(actor),
    kind: f.kind ?? undefined,
    from: f.from ?? undefined,
    to: f.to ?? undefined,
    loanId: f.loanId ?? undefined,
    claimId: f.claimId ?? undefined,
    limit: a.first,
  });
  const entries = await store.entriesOf(
    ctx.db.orm,
    txs.map((t) => t.id),
  );
  const masked = !ledgerPolicy.can(actor, 'seeBorrower', undefined);
  const out = txs.map((t) => ({
    ...t,
    borrowerId: masked ? null : t.borrowerId,
    entries: entries.filter((e) => e.transactionId === t.id).map((e) => ({ accountId: e.accountId, amount: e.amount })),
  }));
  if (!masked && out.some((t) => t.borrowerId)) {
    await appendAudit(ctx.db.orm, ctx, { action: 'ledger.read', detail: { transactionIds: out.map((t) => t.id) } });
  }
  return out;
}

export async function trialBalance(ctx: Context) {
  ledgerPolicy.gate(ctx, 'trialBalance');
  const r = await store.trialBalance(ctx.db.orm);
  return { total: new Decimal(r.total).toFixed(2), accountsOutOfBalance: r.mismatched, unbalancedTransactions: r.unbalanced };
}
