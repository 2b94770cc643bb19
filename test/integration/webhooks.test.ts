import { randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alerts, webhookDeliveries } from '../../src/db/schema/index.js';
import { deliverDue, queueDeliveries, type WebhookDeps } from '../../src/modules/webhooks/api.js';
import { adminToken, borrower, disbursedLoan, furnish, institution, key, type Inst } from '../factories.js';
import { codeOf, ok, useTestApp, type TestApp } from '../helpers/app.js';
import { onRealServer } from '../helpers/db.js';
import { startReceiver, verifyStandardWebhook } from '../helpers/webhook-receiver.js';

/**
 * Webhooks through GraphQL and a receiver on 127.0.0.1 (loopback allowed by the test-only
 * setting): Standard Webhooks signatures, retries with backoff to the same webhook-id, the
 * dead-letter state and its replay, secret rotation, the SSRF guard, and the tenant boundary.
 * The worker runs in-process here against the test clock; webhooks-restart.test.ts runs the real
 * server and kills it.
 */
const app = useTestApp({
  now: '2026-06-15T02:00:00.000Z',
  env: { WEBHOOK_ALLOW_LOOPBACK: 'true', WEBHOOK_RETRY_BASE_MS: '1000', WEBHOOK_MAX_ATTEMPTS: '5', WEBHOOK_TIMEOUT_MS: '2000' },
});
let t: TestApp;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let bank: Inst;
let borrowerId: string;
let deps: WebhookDeps;

const REGISTER = `mutation($u: String!, $e: [String!], $k: String!) {
  registerWebhook(url: $u, eventTypes: $e, idempotencyKey: $k) { id url eventTypes secret createdAt } }`;
const DELIVERIES = `query($s: WebhookDeliveryStatus) { webhookDeliveries(status: $s) {
  id endpointId messageId eventType status attempts nextAttemptAt lastStatusCode lastError deliveredAt } }`;

beforeAll(async () => {
  t = await app();
  receiver = await startReceiver();
  bank = await institution(t, 'BANK');
  borrowerId = (await borrower(t, bank)).id;
  deps = { db: t.app.db, config: t.config, clock: () => t.now, log: t.app.log };
});
afterAll(async () => receiver?.close());

/** An insurer with an endpoint at `path` on the receiver: its token, endpoint id and secret. */
async function subscriber(path: string) {
  const ins = await institution(t, 'INSURER');
  const e = ok(await t.gql(ins.token, REGISTER, { u: receiver.url(path), k: key() })).registerWebhook;
  return { ins, endpointId: e.id as string, secret: e.secret as string };
}

/** An alert for the institution, as the monitoring consumer writes it (straight to the table: setup). */
async function raiseAlert(institutionId: string, visibleFrom = t.now) {
  const [a] = await t.tdb.db.orm
    .insert(alerts)
    .values({
      institutionId,
      borrowerId,
      eventId: randomUUID(),
      eventType: 'credit.account.updated',
      rule: 'DPD_90_ELSEWHERE',
      severity: 'RED',
      basis: 'LIVE_POLICY',
      message: '借款人在其他机构出现逾期90天以上',
      detail: { accountRef: 'L-1', status: 'DPD_90', balance: '1000.00', furnisher: bank.id },
      parameterVersion: 1,
      createdAt: t.now,
      visibleFrom,
    })
    .returning();
  return a;
}

const advance = (ms: number) => t.setNow(new Date(t.now.getTime() + ms));
const deliveriesOf = (endpointId: string) =>
  t.tdb.db.orm.select().from(webhookDeliveries).where(eq(webhookDeliveries.endpointId, endpointId));

describe('from the outbox to the receiver', () => {
  it('an insurer with a live policy receives the RED alert when another bank furnishes a 90-day delinquency; a bank without a basis receives nothing', async () => {
    const [insurer, lender, other, stranger] = await Promise.all([
      institution(t, 'INSURER'),
      institution(t, 'BANK'),
      institution(t, 'BANK'),
      institution(t, 'BANK'),
    ]);
    const b = await borrower(t, lender);
    await disbursedLoan(t, b, lender, insurer);
    const admin = await adminToken(t);
    const PROCESS = `mutation { processEvents { events alerts deliveriesQueued } }`;
    ok(await t.gql(admin, PROCESS));
    const ins = ok(await t.gql(insurer.token, REGISTER, { u: receiver.url('/e2e-insurer'), k: key() })).registerWebhook;
    ok(await t.gql(stranger.token, REGISTER, { u: receiver.url('/e2e-stranger'), k: key() }));

    await furnish(t, other, [
      { borrowerId: b.id, accountRef: 'W-1', openedOn: '2026-01-10', statusMonth: '2026-05-01', status: 'CURRENT' },
    ]);
    await furnish(t, other, [{ borrowerId: b.id, accountRef: 'W-1', openedOn: '2026-01-10', statusMonth: '2026-06-01', status: 'DPD_90' }]);
    expect(ok(await t.gql(admin, PROCESS)).processEvents.deliveriesQueued).toBeGreaterThanOrEqual(1);
    // the first adverse status waits out its prior notice: so does its delivery
    await deliverDue(deps);
    const rules = () => receiver.on('/e2e-insurer').map((r) => JSON.parse(r.body).data.rule as string);
    expect(rules()).not.toContain('DPD_90_ELSEWHERE');
    advance(16 * 86_400_000);
    await deliverDue(deps);
    expect(rules()).toContain('DPD_90_ELSEWHERE');
    const got = receiver.on('/e2e-insurer').find((r) => JSON.parse(r.body).data.rule === 'DPD_90_ELSEWHERE')!;
    verifyStandardWebhook(ins.secret, got.headers, got.body, Math.floor(t.now.getTime() / 1000));
    // the payload's data is the Alert as the GraphQL API shows it
    const q = `{ alerts(severity: RED) { edges { node { id borrowerId severity rule basis eventId eventType message detail raisedAt acknowledgedAt parameterVersion } } } }`;
    const alert = ok(await t.gql(insurer.token, q)).alerts.edges[0].node;
    const payload = JSON.parse(got.body);
    expect(payload).toEqual({ type: 'alert.raised', timestamp: alert.raisedAt, data: alert });
    expect(got.headers['webhook-id']).toBe(alert.id);
    expect(receiver.on('/e2e-stranger')).toEqual([]);
  });
});

describe('registerWebhook and webhooks', () => {
  it('answers a Standard Webhooks secret once; the list shows the endpoint without it, to its own institution only', async () => {
    const { ins, endpointId, secret } = await subscriber('/register');
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    expect(Buffer.from(secret.slice(6), 'base64').length).toBeGreaterThanOrEqual(24);
    const list = ok(await t.gql(ins.token, `{ webhooks { id url eventTypes secret } }`)).webhooks;
    expect(list).toEqual([{ id: endpointId, url: receiver.url('/register'), eventTypes: ['alert.raised'], secret: null }]);
    const other = await institution(t, 'INSURER');
    expect(ok(await t.gql(other.token, `{ webhooks { id } }`)).webhooks).toEqual([]);
    // and another institution cannot rotate it: NOT_FOUND, not FORBIDDEN (no existence oracle)
    const r = await t.gql(other.token, `mutation($id: ID!, $k: String!) { rotateWebhookSecret(id: $id, idempotencyKey: $k) { id } }`, {
      id: endpointId,
      k: key(),
    });
    expect(codeOf(r)).toBe('NOT_FOUND');
  });

  it('refuses unknown event types', async () => {
    const ins = await institution(t, 'INSURER');
    const r = await t.gql(ins.token, REGISTER, { u: receiver.url('/x'), e: ['loan.disbursed'], k: key() });
    expect(codeOf(r)).toBe('BAD_USER_INPUT');
  });

  it('refuses private, link-local, unique-local, mapped and unresolvable addresses (SSRF)', async () => {
    const ins = await institution(t, 'INSURER');
    for (const u of [
      'http://10.0.0.5/hook',
      'http://172.16.3.4/hook',
      'http://192.168.1.1/hook',
      'http://169.254.169.254/latest/meta-data',
      'http://100.64.0.1/hook',
      'http://0.0.0.0/hook',
      'http://[fd00::1]/hook',
      'http://[fe80::1]/hook',
      'http://[::ffff:10.0.0.1]/hook',
      'http://[::ffff:a9fe:a9fe]/hook',
      'ftp://8.8.8.8/hook',
      'http://user:pw@8.8.8.8/hook',
      'not a url',
      'http://no-such-host.invalid/hook',
    ]) {
      const r = await t.gql(ins.token, REGISTER, { u, k: key() });
      expect(codeOf(r), u).toBe('BAD_USER_INPUT');
    }
    expect(ok(await t.gql(ins.token, `{ webhooks { id } }`)).webhooks).toEqual([]);
  });
});

describe('delivery', () => {
  it('POSTs the alert with webhook-id = the alert id, signed so that a Standard Webhooks verifier accepts it', async () => {
    const { ins, endpointId, secret } = await subscriber('/signed');
    const alert = await raiseAlert(ins.id);
    expect(await queueDeliveries(deps)).toBe(1);
    const run = await deliverDue(deps);
    expect(run.delivered).toBeGreaterThanOrEqual(1);
    const [got] = receiver.on('/signed');
    expect(got.headers['webhook-id']).toBe(alert.id);
    expect(got.headers['content-type']).toBe('application/json');
    expect(verifyStandardWebhook(secret, got.headers, got.body, Math.floor(t.now.getTime() / 1000))).toBe(0);
    // a tampered body or another secret does not verify
    expect(() =>
      verifyStandardWebhook(secret, got.headers, got.body.replace('RED', 'YELLOW'), Math.floor(t.now.getTime() / 1000)),
    ).toThrow();
    expect(() =>
      verifyStandardWebhook(`whsec_${Buffer.alloc(32, 1).toString('base64')}`, got.headers, got.body, Math.floor(t.now.getTime() / 1000)),
    ).toThrow();
    const payload = JSON.parse(got.body);
    expect(payload).toMatchObject({
      type: 'alert.raised',
      timestamp: t.now.toISOString(),
      data: {
        id: alert.id,
        borrowerId,
        severity: 'RED',
        rule: 'DPD_90_ELSEWHERE',
        basis: 'LIVE_POLICY',
        eventId: alert.eventId,
        raisedAt: t.now.toISOString(),
        acknowledgedAt: null,
        parameterVersion: 1,
      },
    });
    // the alert's record detail, no personal identifiers
    expect(got.body).not.toMatch(/nationalId|national_id|name"|phone|address/);
    const [d] = ok(await t.gql(ins.token, DELIVERIES)).webhookDeliveries;
    expect(d).toMatchObject({
      endpointId,
      messageId: alert.id,
      eventType: 'alert.raised',
      status: 'DELIVERED',
      attempts: 1,
      lastStatusCode: 204,
    });
  });

  it('a receiver that fails 3 times gets the event on the 4th try, with the same webhook-id, after growing jittered waits', async () => {
    const { ins, endpointId, secret } = await subscriber('/flaky');
    receiver.script('/flaky', [500, 503, 502]);
    const alert = await raiseAlert(ins.id);
    await queueDeliveries(deps);
    const waits: number[] = [];
    for (let attempt = 1; attempt <= 4; attempt++) {
      await deliverDue(deps);
      const [d] = await deliveriesOf(endpointId);
      expect(d.attempts).toBe(attempt);
      if (attempt < 4) {
        expect(d.status).toBe('PENDING');
        waits.push(d.nextAttemptAt.getTime() - t.now.getTime());
        // not due before its time
        advance(waits[waits.length - 1] - 1);
        expect((await deliverDue(deps)).attempted).toBe(0);
        advance(1);
      } else expect(d.status).toBe('DELIVERED');
    }
    // base 1 s: 1 s, 2 s, 4 s, each scaled by a jitter in [0.5, 1]
    waits.forEach((w, i) => {
      expect(w).toBeGreaterThanOrEqual(1000 * 2 ** i * 0.5);
      expect(w).toBeLessThanOrEqual(1000 * 2 ** i);
    });
    const got = receiver.on('/flaky');
    expect(got.map((r) => r.status)).toEqual([500, 503, 502, 204]);
    expect(new Set(got.map((r) => r.headers['webhook-id']))).toEqual(new Set([alert.id]));
    expect(new Set(got.map((r) => r.body)).size).toBe(1);
    for (const r of got) verifyStandardWebhook(secret, r.headers, r.body, Math.floor(t.now.getTime() / 1000), 3600);
    expect(receiver.delivered(alert.id)).toBe(1);
  });

  it('gives up after WEBHOOK_MAX_ATTEMPTS (DEAD); replayDeliveries queues it again with the same webhook-id', async () => {
    const { ins, endpointId } = await subscriber('/down');
    const since = t.now.toISOString();
    receiver.script('/down', [500, 500, 500, 500, 500]);
    const alert = await raiseAlert(ins.id);
    await queueDeliveries(deps);
    for (let i = 0; i < 5; i++) {
      await deliverDue(deps);
      advance(3_600_000);
    }
    const dead = ok(await t.gql(ins.token, DELIVERIES, { s: 'DEAD' })).webhookDeliveries;
    expect(dead).toHaveLength(1);
    expect(dead[0]).toMatchObject({ messageId: alert.id, attempts: 5, lastStatusCode: 500, lastError: 'HTTP 500' });
    expect((await deliverDue(deps)).attempted).toBe(0);

    // another institution's replay touches nothing of this one's
    const other = await institution(t, 'BANK');
    const REPLAY = `mutation($s: DateTime!, $k: String!) { replayDeliveries(since: $s, idempotencyKey: $k) { queued } }`;
    expect(ok(await t.gql(other.token, REPLAY, { s: since, k: key() })).replayDeliveries.queued).toBe(0);
    expect(ok(await t.gql(other.token, DELIVERIES)).webhookDeliveries).toEqual([]);

    expect(ok(await t.gql(ins.token, REPLAY, { s: since, k: key() })).replayDeliveries.queued).toBe(1);
    await deliverDue(deps);
    const [d] = await deliveriesOf(endpointId);
    expect(d).toMatchObject({ status: 'DELIVERED', attempts: 1 });
    expect(receiver.on('/down').map((r) => r.headers['webhook-id'])).toEqual(Array(6).fill(alert.id));
  });

  it('waits for an alert held by prior notice until it is visible', async () => {
    const { ins } = await subscriber('/held');
    const alert = await raiseAlert(ins.id, new Date(t.now.getTime() + 15 * 86_400_000));
    await queueDeliveries(deps);
    await deliverDue(deps);
    expect(receiver.delivered(alert.id)).toBe(0);
    advance(15 * 86_400_000);
    await deliverDue(deps);
    expect(receiver.delivered(alert.id)).toBe(1);
  });

  it('after a rotation signs with both secrets for 24 hours, then with the new one only', async () => {
    const { ins, endpointId, secret: old } = await subscriber('/rotate');
    const rotated = ok(
      await t.gql(ins.token, `mutation($id: ID!, $k: String!) { rotateWebhookSecret(id: $id, idempotencyKey: $k) { id secret } }`, {
        id: endpointId,
        k: key(),
      }),
    ).rotateWebhookSecret;
    expect(rotated.secret).toMatch(/^whsec_/);
    expect(rotated.secret).not.toBe(old);
    await raiseAlert(ins.id);
    await queueDeliveries(deps);
    await deliverDue(deps);
    const now = () => Math.floor(t.now.getTime() / 1000);
    const first = receiver.on('/rotate')[0];
    expect((first.headers['webhook-signature'] as string).split(' ')).toHaveLength(2);
    expect(verifyStandardWebhook(rotated.secret, first.headers, first.body, now())).toBe(0);
    expect(verifyStandardWebhook(old, first.headers, first.body, now())).toBe(1);

    advance(24 * 3_600_000 + 1000);
    await raiseAlert(ins.id);
    await queueDeliveries(deps);
    await deliverDue(deps);
    const second = receiver.on('/rotate')[1];
    expect((second.headers['webhook-signature'] as string).split(' ')).toHaveLength(1);
    expect(verifyStandardWebhook(rotated.secret, second.headers, second.body, now())).toBe(0);
    expect(() => verifyStandardWebhook(old, second.headers, second.body, now())).toThrow();
  });

  it('queues each alert once per endpoint: a batch processed again (the cursor did not move) adds nothing', async () => {
    const { ins, endpointId } = await subscriber('/once');
    // a second endpoint of the same institution gets its own copy
    const e2 = ok(await t.gql(ins.token, REGISTER, { u: receiver.url('/once-2'), k: key() })).registerWebhook.id as string;
    const alert = await raiseAlert(ins.id);
    expect(await queueDeliveries(deps)).toBe(2);
    // a crash between the commit and the cursor update: the batch comes round again
    await t.tdb.db.orm.execute(sql`update event_consumers set last_seq = ${alert.seq - 1} where name = 'webhooks'`);
    expect(await queueDeliveries(deps)).toBe(0);
    expect(await deliveriesOf(endpointId)).toHaveLength(1);
    expect(await deliveriesOf(e2)).toHaveLength(1);
    await deliverDue(deps);
    expect(receiver.delivered(alert.id)).toBe(2);
  });

  it('refuses at delivery an endpoint whose address is private (the guard runs on every connection)', async () => {
    const { ins, endpointId } = await subscriber('/moved');
    // as if the endpoint's host had come to resolve inward (stored directly: registration would refuse it)
    await t.tdb.db.orm.execute(sql`update webhook_endpoints set url = 'http://10.1.2.3/hook' where id = ${endpointId}`);
    await raiseAlert(ins.id);
    await queueDeliveries(deps);
    await deliverDue(deps);
    const [d] = await deliveriesOf(endpointId);
    expect(d.status).toBe('PENDING');
    expect(d.lastError).toMatch(/refused/);
  });

  it.runIf(onRealServer())('two workers at once never send the same delivery twice', async () => {
    const { ins } = await subscriber('/race');
    const ids = [];
    for (let i = 0; i < 30; i++) ids.push((await raiseAlert(ins.id)).id);
    await queueDeliveries(deps);
    await Promise.all([deliverDue(deps, 50), deliverDue(deps, 50), deliverDue(deps, 50)]);
    expect(receiver.on('/race')).toHaveLength(30);
    for (const id of ids) expect(receiver.delivered(id)).toBe(1);
  });
});
