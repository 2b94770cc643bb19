import { z } from 'zod';
import { defineCommand } from '../../../command.js';
import type { Context } from '../../../context.js';
import { parse, text } from '../../../validation.js';
import { checkUrl } from '../guard.js';
import { webhookPolicy } from '../policy.js';
import { EVENT_TYPES, newSecret } from '../rules.js';
import * as store from '../store.js';
import { endpointView } from '../views.js';

const registerArgs = z.object({
  url: text(2000),
  eventTypes: z
    .array(z.enum(EVENT_TYPES, { message: `must be one of ${EVENT_TYPES.join(', ')}` }))
    .min(1, 'must name at least one event type')
    .nullish(),
});
type RegisterArgs = { url: string; eventTypes?: string[] | null };

const register = defineCommand({
  name: 'registerWebhook',
  gate: (ctx) => webhookPolicy.gate(ctx, 'register'),
  parse: (a: RegisterArgs) => {
    const p = parse(registerArgs, a);
    return { url: p.url, eventTypes: [...new Set(p.eventTypes ?? ['alert.raised'])] };
  },
  idempotent: true,
  async run({ tx, actor, now, record }, a) {
    const secret = newSecret();
    const e = await store.insertEndpoint(tx, {
      institutionId: actor.institutionId,
      url: a.url,
      eventTypes: a.eventTypes,
      secret,
      createdAt: now,
    });
    // the secret never goes into the audit trail or the event
    record({
      action: 'webhook.registered',
      targetType: 'webhook_endpoint',
      targetId: e.id,
      detail: { url: a.url, eventTypes: a.eventTypes },
    });
    return { ...endpointView(e), secret };
  },
});

/**
 * Register an endpoint of the caller's institution. The URL passes the SSRF guard first (https
 * in production; every address the host resolves to public). The answer carries the secret,
 * the only time it is shown (a replay with the same key returns the same answer).
 */
export async function registerWebhook(ctx: Context, args: RegisterArgs & { idempotencyKey?: string | null }) {
  webhookPolicy.gate(ctx, 'register');
  const url = typeof args.url === 'string' ? args.url.trim() : '';
  await checkUrl(url, { production: ctx.config.production, allowLoopback: ctx.config.webhooks.allowLoopback });
  return register(ctx, args);
}
