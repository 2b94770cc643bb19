import { z } from 'zod';
import { defineCommand } from '../../../command.js';
import { parse } from '../../../validation.js';
import { webhookPolicy } from '../policy.js';
import * as store from '../store.js';

const since = z.coerce.date({ message: 'must be a date-time' });

/**
 * Queue again every DEAD and PENDING delivery to the caller's endpoints created since the
 * instant: a fresh set of attempts, due now, with the same webhook-id (receivers dedupe on it).
 */
export const replayDeliveries = defineCommand({
  name: 'replayDeliveries',
  gate: (ctx) => webhookPolicy.gate(ctx, 'replay'),
  parse: (a: { since: Date | string }) => ({ since: parse(since, a.since, 'since') }),
  idempotent: true,
  async run({ tx, actor, now, record }, a) {
    const queued = await store.requeue(tx, actor.institutionId, a.since, now);
    record({
      action: 'webhook.deliveries_replayed',
      targetType: 'institution',
      targetId: actor.institutionId,
      detail: { since: a.since.toISOString(), queued },
    });
    return { queued };
  },
});
