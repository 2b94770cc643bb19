import { Decimal } from 'decimal.js';
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { requireRole } from '../../auth/policy.js';
import { one } from '../../db/client.js';
import type { Context } from '../../context.js';
import { isoDate, pageSize, parse, uuid } from '../../validation.js';
import { appendAudit } from '../audit/store.js';
import { FUND, institutionAccount, reserveAccount, BUDGET } from './posting.js';
import * as store from './store.js';

export async function fundBalances(ctx: Context) {
  const actor = requireRole(ctx, 'GOVERNMENT', 'ADMIN', 'BANK', 'INSURER');
  const accounts = await store.accountsByKind(ctx.db.orm, ['FUND', 'RESERVE']);
  const balance = (id: string) => accounts.find((a) => a.id === id)?.balance ?? '0.00';
  const arrears = await one<{ subsidy: string; shortfall: string }>(
    ctx.db.orm,
    sql`select (select coalesce(sum(subsidy_amount - subsidy_paid), 0)::text from policies) as subsidy,
               (select coalesce(sum(compensation_shortfall), 0)::text from claims) as shortfall`,
  );
  const everyone = actor.role === 'GOVERNMENT' || actor.role === 'ADMIN';
  return {
    premiumSubsidyFund: balance(FUND.PREMIUM_SUBSIDY),
    riskCompensationFund: balance(FUND.RISK_COMPENSATION),
    subsidyOwed: arrears!.subsidy,
    compensationShortfall: arrears!.shortfall,
    riskReserves: accounts
      .filter((a) => a.kind === 'RESERVE' && (everyone || a.id === reserveAccount(actor.institutionId ?? '')))
      .map((a) => ({ institutionId: a.institutionId!, balance: a.balance })),
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
export async function ledgerEntries(ctx: Context, args: unknown) {
  const actor = requireRole(ctx, 'GOVERNMENT', 'ADMIN', 'BANK', 'INSURER');
  const a = parse(ledgerArgs, args);
  const f = a.filter ?? {};
  const accountIds =
    actor.role === 'ADMIN'
      ? undefined
      : actor.role === 'GOVERNMENT'
        ? [FUND.PREMIUM_SUBSIDY, FUND.RISK_COMPENSATION, BUDGET]
        : [institutionAccount(actor.institutionId!), reserveAccount(actor.institutionId!)];
  const txs = await store.transactions(ctx.db.orm, {
    accountIds,
    kind: f.kind ?? undefined,
    from: f.from ?? undefined,
    to: f.to ?? undefined,
    loanId: f.loanId ?? undefined,
    claimId: f.claimId ?? undefined,
    limit: a.first,
  });
  const entries = await store.entriesOf(ctx.db.orm, txs.map((t) => t.id));
  const masked = actor.role === 'GOVERNMENT';
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
  requireRole(ctx, 'ADMIN', 'GOVERNMENT');
  const r = await store.trialBalance(ctx.db.orm);
  return { total: new Decimal(r.total).toFixed(2), accountsOutOfBalance: r.mismatched, unbalancedTransactions: r.unbalanced };
}
