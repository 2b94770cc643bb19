import { z } from 'zod';
import type { Context } from '../../context.js';
import { pageSize, parse } from '../../validation.js';
import { webhookPolicy } from './policy.js';
import * as store from './store.js';
import { deliveryView, endpointView } from './views.js';

export { registerWebhook } from './commands/registerWebhook.js';
export { rotateWebhookSecret } from './commands/rotateWebhookSecret.js';
export { replayDeliveries } from './commands/replayDeliveries.js';

/** The caller institution's endpoints, oldest first, without secrets. */
export async function webhooks(ctx: Context) {
  const actor = webhookPolicy.gate(ctx, 'list');
  return (await store.endpointsOf(ctx.db.orm, actor.institutionId)).map(endpointView);
}

const deliveriesArgs = z.object({
  status: z.enum(['PENDING', 'DELIVERED', 'DEAD']).nullish(),
  first: pageSize(200).nullish(),
});

/** Deliveries to the caller institution's endpoints, newest first. */
export async function webhookDeliveries(ctx: Context, args: z.input<typeof deliveriesArgs>) {
  const actor = webhookPolicy.gate(ctx, 'list');
  const a = parse(deliveriesArgs, args);
  return (await store.deliveriesOf(ctx.db.orm, actor.institutionId, a.status ?? null, a.first ?? 50)).map(deliveryView);
}
