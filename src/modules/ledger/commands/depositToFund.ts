import { Decimal } from 'decimal.js';
import { z } from 'zod';
import { defineCommand } from '../../../command.js';
import { parse, positiveAmount } from '../../../validation.js';
// The one ledger file that calls up into losses: losses posts through ledger/api.ts, which never exports this command, so no import cycle.
import { settleCompensationShortfalls } from '../../losses/api.js';
import { settleSubsidyArrears } from '../funds.js';
import { ledgerPolicy } from '../policy.js';
import { BUDGET, FUND, post } from '../posting.js';

const args = z.object({
  fund: z.enum(['PREMIUM_SUBSIDY', 'RISK_COMPENSATION']),
  amount: positiveAmount,
  memo: z.string().trim().min(1).max(500),
});

/**
 * A budget deposit into a fund (GOVERNMENT). What the fund owes from before (subsidies not yet
 * paid, compensation cut short) is settled from it at once, oldest first.
 */
export const depositToFund = defineCommand({
  name: 'depositToFund',
  gate: (ctx) => ledgerPolicy.gate(ctx, 'depositToFund'),
  parse: (a: z.input<typeof args>) => parse(args, a),
  idempotent: true,
  async run({ ctx, tx, record }, a) {
    const fund = FUND[a.fund];
    const t = (await post(tx, ctx, {
      kind: 'FUND_DEPOSIT',
      memo: a.memo,
      entries: [
        { account: fund, amount: a.amount },
        { account: BUDGET, amount: new Decimal(a.amount).neg() },
      ],
    }))!;
    const settled =
      fund === FUND.PREMIUM_SUBSIDY ? await settleSubsidyArrears(tx, ctx) : await settleCompensationShortfalls(tx, ctx, record);
    record({
      action: 'fund.deposit',
      targetType: 'ledger_transaction',
      targetId: t.id,
      detail: { fund: a.fund, amount: a.amount, arrearsSettled: settled.toFixed(2) },
    });
    return { transactionId: t.id, fund: a.fund, amount: new Decimal(a.amount).toFixed(2), arrearsSettled: settled.toFixed(2) };
  },
});
