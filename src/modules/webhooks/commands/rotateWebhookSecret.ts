import { defineCommand } from '../../../command.js';
import { parse, uuid } from '../../../validation.js';
import { webhookPolicy } from '../policy.js';
import { newSecret, ROTATION_GRACE_MS } from '../rules.js';
import * as store from '../store.js';
import { endpointView } from '../views.js';

/** A new secret for the endpoint; the one it replaces keeps signing alongside it for 24 hours. */
export const rotateWebhookSecret = defineCommand({
  name: 'rotateWebhookSecret',
  gate: (ctx) => webhookPolicy.gate(ctx, 'rotate'),
  parse: (a: { id: string }) => ({ id: parse(uuid, a.id, 'id') }),
  idempotent: true,
  async run({ tx, actor, now, record }, a) {
    const e = webhookPolicy.authorize(actor, 'rotate', await store.lockEndpoint(tx, a.id));
    const secret = newSecret();
    const previousSecretUntil = new Date(now.getTime() + ROTATION_GRACE_MS);
    const updated = await store.updateEndpoint(tx, e.id, { secret, previousSecret: e.secret, previousSecretUntil });
    record({
      action: 'webhook.secret_rotated',
      targetType: 'webhook_endpoint',
      targetId: e.id,
      detail: { previousSecretUntil: previousSecretUntil.toISOString() },
    });
    return { ...endpointView(updated), secret };
  },
});
