import { defineCommand } from '../../../command.js';
import { parse, uuid } from '../../../validation.js';
import { policyPolicy } from '../policy.js';
import { assertTransition } from '../rules.js';
import * as store from '../store.js';

/** The bank takes the policy in pledge (保单质押): the condition of lending against it. */
export const pledgePolicy = defineCommand({
  name: 'pledgePolicy',
  gate: (ctx) => policyPolicy.gate(ctx, 'pledge'),
  parse: (args: { policyId: string }) => ({ policyId: parse(uuid, args.policyId, 'policyId') }),
  idempotent: true,
  async run({ tx, actor, now, record }, { policyId: id }) {
    const policy = policyPolicy.authorize(actor, 'pledge', await store.lockPolicy(tx, id));
    assertTransition('Policy', policy.status, 'PLEDGED', 'pledge the policy');
    const updated = await store.updatePolicy(tx, id, { status: 'PLEDGED', pledgedAt: now, updatedAt: now });
    record({
      action: 'policy.pledged',
      targetType: 'policy',
      targetId: id,
      borrowerId: policy.borrowerId,
      detail: { bankId: policy.bankId },
    });
    return updated;
  },
});
