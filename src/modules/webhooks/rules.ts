import { createHmac, randomBytes } from 'node:crypto';

/**
 * Standard Webhooks (standardwebhooks.com), pure: the secret's form, the signature, the retry
 * schedule. The message id is the alert id, the same on every attempt and replay.
 */
export const EVENT_TYPES = ['alert.raised'] as const;
export type WebhookEventType = (typeof EVENT_TYPES)[number];

/** `whsec_` + base64 of 32 random bytes. */
export function newSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

/** `v1,` + base64(HMAC-SHA256(the secret's bytes, `${id}.${timestamp}.${body}`)). */
export function sign(secret: string, id: string, timestamp: number, body: string): string {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  return `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64')}`;
}

/** The webhook-signature header: the current secret's signature, and the previous one's during its grace period. */
export function signatureHeader(
  endpoint: { secret: string; previousSecret: string | null; previousSecretUntil: Date | null },
  id: string,
  timestamp: number,
  body: string,
  now: Date,
): string {
  const sigs = [sign(endpoint.secret, id, timestamp, body)];
  if (endpoint.previousSecret && endpoint.previousSecretUntil && endpoint.previousSecretUntil > now) {
    sigs.push(sign(endpoint.previousSecret, id, timestamp, body));
  }
  return sigs.join(' ');
}

/** How long a rotated-out secret keeps signing alongside the new one. */
export const ROTATION_GRACE_MS = 24 * 3_600_000;

/**
 * The wait after the failed attempt number `failed` (1 for the first): min(cap, base·2^(failed-1))
 * scaled by a jitter in [0.5, 1), so many endpoints failing together do not retry in step.
 */
export function retryDelayMs(failed: number, opts: { baseMs: number; capMs: number }, random: () => number = Math.random): number {
  const exp = Math.min(opts.capMs, opts.baseMs * 2 ** Math.max(0, failed - 1));
  return Math.round(exp * (0.5 + random() * 0.5));
}

/** What one attempt's outcome does to the delivery. */
export function afterAttempt(
  attempts: number,
  ok: boolean,
  opts: { baseMs: number; capMs: number; maxAttempts: number },
  now: Date,
  random: () => number = Math.random,
): { status: 'DELIVERED' | 'PENDING' | 'DEAD'; attempts: number; nextAttemptAt: Date } {
  const n = attempts + 1;
  if (ok) return { status: 'DELIVERED', attempts: n, nextAttemptAt: now };
  if (n >= opts.maxAttempts) return { status: 'DEAD', attempts: n, nextAttemptAt: now };
  return { status: 'PENDING', attempts: n, nextAttemptAt: new Date(now.getTime() + retryDelayMs(n, opts, random)) };
}
