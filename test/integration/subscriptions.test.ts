import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { sql } from 'drizzle-orm';
import { rows } from '../../src/db/client.js';
import { createClient } from 'graphql-sse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../src/app.js';
import { forgetInstitution } from '../../src/auth/known-actors.js';
import type { Role } from '../../src/domain.js';
import { createHttpServer, listen } from '../../src/http/server.js';
import { Lifecycle } from '../../src/http/lifecycle.js';
import { createStreamHandler } from '../../src/http/sse.js';
import { signDevToken } from '../../src/auth/tokens.js';
import { createTestDatabase } from '../helpers/db.js';
import { startServer } from '../helpers/server-process.js';
import { borrower, consent, furnish, institution, type BorrowerHandle, type Inst } from '../factories.js';
import { ok, testConfig, useTestApp, type TestApp } from '../helpers/app.js';

/**
 * GraphQL subscriptions over Server-Sent Events at /graphql/stream: alertRaised to the watching
 * institution, noticeGiven to the borrower. Alerts and notices are inserted straight into their
 * tables here (the monitoring consumer that writes them has its own tests): the feed reads the
 * tables, whoever wrote the rows.
 */
const app = useTestApp({ now: '2026-06-15T02:00:00.000Z' });
let t: TestApp;
let server: Server;
let lifecycle: Lifecycle;
let base: string;
let bank: Inst;
let insurer: Inst;
let otherInsurer: Inst;
let b: BorrowerHandle;
const tokens = {} as Record<Role, string>;

const ALERTS = `subscription($s: AlertSeverity) { alertRaised(severity: $s) { id borrowerId severity rule basis eventType message detail raisedAt parameterVersion } }`;
const NOTICES = `subscription { noticeGiven { id kind accountRef status balance message notifiedAt institution { id } } }`;

interface Msg {
  event: string;
  data: any;
}

interface Stream {
  status: number;
  headers: Headers;
  messages: Msg[];
  /** Resolves once the response body ended (by `complete` and close, or a cut connection). */
  ended: Promise<void>;
  /** The next message not yet taken, waiting up to `ms`. */
  next(ms?: number): Promise<Msg>;
  close(): void;
}

/** Open a stream with fetch and parse text/event-stream by hand (the protocol, not a client's view of it). */
async function open(
  token: string | null,
  query: string,
  variables?: Record<string, unknown>,
  url = `${base}/graphql/stream`,
): Promise<Stream> {
  const ctrl = new AbortController();
  const res = await fetch(url, {
    method: 'POST',
    signal: ctrl.signal,
    headers: {
      'content-type': 'application/json',
      accept: 'text/event-stream',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify({ query, variables }),
  });
  const messages: Msg[] = [];
  let taken = 0;
  const waiter: { wake: (() => void) | null } = { wake: null };
  const ended = (async () => {
    if (!res.body) return;
    const decoder = new TextDecoder();
    let buf = '';
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        buf += decoder.decode(chunk, { stream: true });
        let i: number;
        while ((i = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, i);
          buf = buf.slice(i + 2);
          const lines = block.split('\n').filter((l) => !l.startsWith(':') && l.length);
          if (!lines.length) continue;
          const event =
            lines
              .find((l) => l.startsWith('event:'))
              ?.slice(6)
              .trim() ?? 'message';
          const data = lines
            .filter((l) => l.startsWith('data:'))
            .map((l) => l.slice(5).trim())
            .join('\n');
          messages.push({ event, data: data ? JSON.parse(data) : null });
          waiter.wake?.();
        }
      }
    } catch {
      // aborted by the test, or the connection was cut
    } finally {
      waiter.wake?.();
    }
  })();
  let done = false;
  void ended.then(() => (done = true));
  return {
    status: res.status,
    headers: res.headers,
    messages,
    ended,
    async next(ms = 6000) {
      const deadline = Date.now() + ms;
      while (messages.length <= taken) {
        if (done) throw new Error(`stream ended; messages: ${JSON.stringify(messages)}`);
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`no message within ${ms} ms`);
        await new Promise<void>((r) => {
          waiter.wake = r;
          setTimeout(r, Math.min(left, 200));
        });
      }
      return messages[taken++];
    },
    close: () => ctrl.abort(),
  };
}

/** Nothing arrives for `ms` (a poll or two). */
async function quiet(s: Stream, ms = 2500) {
  const before = s.messages.length;
  await new Promise((r) => setTimeout(r, ms));
  expect(s.messages.slice(before)).toEqual([]);
}

async function insertAlert(inst: Inst, opts: { severity?: string; rule?: string; visibleFrom?: Date } = {}) {
  const id = randomUUID();
  await t.tdb.db.orm.execute(
    sql`insert into alerts (id, institution_id, borrower_id, event_id, event_type, rule, severity, basis, message, detail,
                            parameter_version, created_at, visible_from)
        values (${id}, ${inst.id}, ${b.id}, ${randomUUID()}, 'credit.account.updated', ${opts.rule ?? 'DPD_90_ELSEWHERE'},
                ${opts.severity ?? 'RED'}, 'LIVE_POLICY', '借款人在其他机构的贷款逾期 90 天以上',
                ${JSON.stringify({ accountRef: 'ACC-X', status: 'DPD_90', balance: '5000.00' })}::jsonb,
                1, ${t.now.toISOString()}::timestamptz, ${(opts.visibleFrom ?? t.now).toISOString()}::timestamptz)`,
  );
  return id;
}

async function insertNotice(kind = 'INQUIRY', message = '某机构查询了您的信用报告') {
  const id = randomUUID();
  await t.tdb.db.orm.execute(
    sql`insert into notices (id, borrower_id, kind, institution_id, message, notified_at, effective_at)
        values (${id}, ${b.id}, ${kind}, ${bank.id}, ${message}, ${t.now.toISOString()}::timestamptz, ${t.now.toISOString()}::timestamptz)`,
  );
  return id;
}

/** The first event of a freshly opened stream is its first poll's answer or a refusal; wait until it subscribed. */
const settle = () => new Promise((r) => setTimeout(r, 300));

beforeAll(async () => {
  t = await app();
  lifecycle = new Lifecycle();
  server = createHttpServer(t.app, [], lifecycle);
  base = `http://127.0.0.1:${await listen(server, 0, '127.0.0.1')}`;
  bank = await institution(t, 'BANK');
  insurer = await institution(t, 'INSURER');
  otherInsurer = await institution(t, 'INSURER');
  b = await borrower(t, bank);
  tokens.BANK = bank.token;
  tokens.INSURER = insurer.token;
  tokens.BORROWER = b.token;
  tokens.GOVERNMENT = (await institution(t, 'GOVERNMENT')).token;
  tokens.DATA_SOURCE = (await institution(t, 'DATA_SOURCE')).token;
  tokens.ADMIN = await t.token({ sub: 'admin-1', role: 'ADMIN' });
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('alertRaised over SSE', () => {
  it('streams the institution’s new alerts as they are raised, and only its own', async () => {
    const before = await insertAlert(insurer);
    const s = await open(insurer.token, ALERTS);
    expect(s.status).toBe(200);
    expect(s.headers.get('content-type')).toMatch(/^text\/event-stream/);
    await settle();
    const other = await insertAlert(otherInsurer);
    const mine = await insertAlert(insurer);
    const m = await s.next();
    expect(m.event).toBe('next');
    expect(m.data.errors).toBeUndefined();
    expect(m.data.data.alertRaised).toMatchObject({
      id: mine,
      borrowerId: b.id,
      severity: 'RED',
      rule: 'DPD_90_ELSEWHERE',
      basis: 'LIVE_POLICY',
      detail: { accountRef: 'ACC-X', status: 'DPD_90' },
      raisedAt: t.now.toISOString(),
      parameterVersion: 1,
    });
    await quiet(s);
    const sent = s.messages.map((x) => x.data?.data?.alertRaised?.id);
    expect(sent).not.toContain(before);
    expect(sent).not.toContain(other);
    s.close();
  });

  it('filters by severity', async () => {
    const s = await open(insurer.token, ALERTS, { s: 'YELLOW' });
    await settle();
    await insertAlert(insurer, { severity: 'RED' });
    const yellow = await insertAlert(insurer, { severity: 'YELLOW', rule: 'INQUIRY_BURST' });
    const m = await s.next();
    expect(m.data.data.alertRaised).toMatchObject({ id: yellow, severity: 'YELLOW', rule: 'INQUIRY_BURST' });
    await quiet(s, 1500);
    s.close();
  });

  it('holds an alert on a status under prior notice until readers see it', async () => {
    const s = await open(insurer.token, ALERTS);
    await settle();
    const heldUntil = new Date(t.now.getTime() + 15 * 86_400_000);
    const held = await insertAlert(insurer, { visibleFrom: heldUntil });
    await quiet(s);
    t.setNow(new Date(heldUntil.getTime() + 1000));
    const m = await s.next();
    expect(m.data.data.alertRaised).toMatchObject({ id: held, raisedAt: heldUntil.toISOString() });
    await quiet(s, 1500);
    s.close();
  });

  it('reaches a subscriber on another replica (the feed polls the database)', async () => {
    const replica: App = await createApp({ config: t.config, db: t.tdb.db, clock: () => t.now });
    const other = createHttpServer(replica);
    const url = `http://127.0.0.1:${await listen(other, 0, '127.0.0.1')}/graphql/stream`;
    try {
      const s = await open(insurer.token, ALERTS, undefined, url);
      await settle();
      const id = await insertAlert(insurer);
      expect((await s.next()).data.data.alertRaised.id).toBe(id);
      s.close();
    } finally {
      await new Promise<void>((r) => {
        other.close(() => r());
        other.closeAllConnections();
      });
      await replica.stop();
    }
  });

  it('works with graphql-sse’s own client', async () => {
    const client = createClient({
      url: `${base}/graphql/stream`,
      headers: { authorization: `Bearer ${insurer.token}` },
      fetchFn: fetch,
      retryAttempts: 0,
    });
    const results = client.iterate<{ alertRaised: { id: string; severity: string } }>({ query: ALERTS, variables: { s: 'ORANGE' } });
    const first = results.next();
    await settle();
    await settle();
    const id = await insertAlert(insurer, { severity: 'ORANGE', rule: 'NEW_DELINQUENCY' });
    const r = await Promise.race([first, new Promise<never>((_, rej) => setTimeout(() => rej(new Error('timeout')), 6000))]);
    expect(r.value).toMatchObject({ data: { alertRaised: { id, severity: 'ORANGE', rule: 'NEW_DELINQUENCY' } } });
    await results.return?.(undefined);
    client.dispose();
  });
});

describe('noticeGiven over SSE', () => {
  it('streams the borrower’s new notices, not the ones given before', async () => {
    const old = await insertNotice('INQUIRY', '旧通知');
    const s = await open(b.token, NOTICES);
    expect(s.status).toBe(200);
    await settle();
    const fresh = await insertNotice();
    const m = await s.next();
    expect(m.data.data.noticeGiven).toMatchObject({ id: fresh, kind: 'INQUIRY', institution: { id: bank.id } });
    await quiet(s, 1500);
    expect(s.messages.map((x) => x.data?.data?.noticeGiven?.id)).not.toContain(old);
    s.close();
  });

  it('tells the borrower of an adverse record furnished while subscribed (the prior notice)', async () => {
    const s = await open(b.token, NOTICES);
    await settle();
    await furnish(t, bank, [{ borrowerId: b.id, accountRef: 'SUB-DPD-1', status: 'DPD_30', statusMonth: '2026-06-01' }]);
    const m = await s.next();
    expect(m.data.data.noticeGiven).toMatchObject({ kind: 'ADVERSE_INFORMATION', accountRef: 'SUB-DPD-1', status: 'DPD_30' });
    s.close();
  });
});

describe('who may subscribe', () => {
  const cases: [string, string, Role[]][] = [
    ['alertRaised', ALERTS, ['BANK', 'INSURER']],
    ['noticeGiven', NOTICES, ['BORROWER']],
  ];
  for (const [field, doc, allowed] of cases) {
    it(`${field}: ${allowed.join(', ')} only; FORBIDDEN to every other role, UNAUTHENTICATED without a token`, async () => {
      const outcome = async (token: string | null) => {
        const s = await open(token, doc);
        expect(s.status).toBe(200);
        const m = await s.next(3000);
        s.close();
        return m.data.errors?.[0]?.extensions?.code ?? 'SUBSCRIBED';
      };
      for (const role of Object.keys(tokens) as Role[]) {
        if (allowed.includes(role)) {
          // a subscribed stream stays quiet until something happens
          const s = await open(tokens[role], doc);
          await quiet(s, 1200);
          s.close();
        } else {
          expect([role, await outcome(tokens[role])]).toEqual([role, 'FORBIDDEN']);
        }
      }
      expect(await outcome(null)).toBe('UNAUTHENTICATED');
      expect(await outcome('not.a.jwt')).toBe('UNAUTHENTICATED');
    });
  }

  it('refuses a refused stream with `complete` after the error', async () => {
    const s = await open(tokens.GOVERNMENT, ALERTS);
    expect((await s.next()).data.errors[0].extensions.code).toBe('FORBIDDEN');
    expect((await s.next()).event).toBe('complete');
    await s.ended;
  });

  it('serves only subscriptions, only as an event stream, and checks the document', async () => {
    const q = await open(bank.token, `{ me { role } }`);
    expect((await q.next()).data.errors[0].extensions.code).toBe('BAD_REQUEST');
    const bad = await open(bank.token, `subscription { alertRaised { nope } }`);
    expect((await bad.next()).data.errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
    const unparsable = await open(bank.token, `subscription {`);
    expect((await unparsable.next()).data.errors[0].extensions.code).toBe('GRAPHQL_PARSE_FAILED');
    const plain = await fetch(`${base}/graphql/stream`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${bank.token}` },
      body: JSON.stringify({ query: ALERTS }),
    });
    expect(plain.status).toBe(406);
    expect((await fetch(`${base}/graphql/stream`, { method: 'PUT' })).status).toBe(405);
  });
});

describe('from the outbox (processEvents, the monitoring consumer)', () => {
  const DAY = 86_400_000;
  const PROCESS = `mutation { processEvents { events alerts notices } }`;
  const PROFILE = `query($b: ID!) { creditProfile(borrowerId: $b, purpose: LOAN_APPLICATION) { borrower { id } } }`;

  it('a watching bank hears of another bank’s 90-day delinquency when readers see it; the borrower of each inquiry', async () => {
    const watcher = await institution(t, 'BANK');
    const other = await institution(t, 'BANK');
    const b2 = await borrower(t, watcher);
    await furnish(t, watcher, [
      { borrowerId: b2.id, accountRef: 'W-1', openedOn: '2026-05-01', statusMonth: '2026-06-01', status: 'CURRENT' },
    ]);
    await consent(t, b2, watcher, 'POST_LOAN_MANAGEMENT', new Date(t.now.getTime() + 365 * DAY).toISOString());
    const admin = await t.token({ sub: 'admin-1', role: 'ADMIN' });
    ok(await t.gql(admin, PROCESS));

    const alerts = await open(watcher.token, ALERTS, { s: 'RED' });
    const notices = await open(b2.token, NOTICES);
    await settle();
    await furnish(t, other, [
      { borrowerId: b2.id, accountRef: 'O-1', openedOn: '2026-05-01', statusMonth: '2026-06-01', status: 'DPD_90' },
    ]);
    await consent(t, b2, other, 'LOAN_APPLICATION');
    ok(await t.gql(other.token, PROFILE, { b: b2.id }));
    ok(await t.gql(admin, PROCESS));

    // the borrower: the prior notice of the adverse record, then the inquiry
    const given = [(await notices.next()).data.data.noticeGiven, (await notices.next()).data.data.noticeGiven];
    expect(given.map((n: { kind: string }) => n.kind).sort()).toEqual(['ADVERSE_INFORMATION', 'INQUIRY']);
    expect(given.find((n: { kind: string }) => n.kind === 'INQUIRY').institution).toEqual({ id: other.id });

    // the watcher: nothing while the status is held by prior notice, the RED alert once it is not
    await quiet(alerts, 1500);
    t.setNow(new Date(t.now.getTime() + 16 * DAY));
    const red = (await alerts.next()).data.data.alertRaised;
    expect(red).toMatchObject({ severity: 'RED', rule: 'DPD_90_ELSEWHERE', basis: 'POST_LOAN_CONSENT', borrowerId: b2.id });
    expect(red.detail).toMatchObject({ accountRef: 'O-1', furnisher: other.id, status: 'DPD_90' });
    // the stream's deliveries are on the audit trail, as reads of the file are
    const audited = await rows<{ n: number }>(
      t.tdb.db.orm,
      sql`select count(*)::int as n from audit_log where action = 'monitoring.alert.streamed' and target_id = ${red.id}`,
    );
    expect(audited[0].n).toBe(1);
    alerts.close();
    notices.close();
  });
});

describe('stream lifetime', () => {
  it('ends when the institution is deactivated (the token is checked again while the stream is open)', async () => {
    const inst = await institution(t, 'BANK');
    const lc = new Lifecycle();
    const handle = createStreamHandler({ app: t.app, lifecycle: lc, rateLimit: async () => ({ limited: false }), reauthMs: 200 });
    const srv = createServer((req, res) => void handle(req, res, randomUUID()));
    const url = `http://127.0.0.1:${await listen(srv, 0, '127.0.0.1')}/`;
    try {
      const s = await open(inst.token, ALERTS, undefined, url);
      await settle();
      await t.tdb.db.orm.execute(sql`update institutions set deactivated_at = now() where id = ${inst.id}`);
      forgetInstitution(inst.id);
      await Promise.race([s.ended, new Promise((_, rej) => setTimeout(() => rej(new Error('stream still open')), 3000))]);
      // cut, not completed: a client reconnects, and is then refused
      expect(s.messages.filter((m) => m.event === 'complete')).toEqual([]);
      const again = await open(inst.token, ALERTS, undefined, url);
      expect((await again.next()).data.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    } finally {
      srv.closeAllConnections();
      srv.close();
    }
  });

  it('closes open streams at once when the server drains (SIGTERM), without `complete`', async () => {
    const streams = [await open(insurer.token, ALERTS), await open(b.token, NOTICES)];
    await settle();
    const started = Date.now();
    const drained = await lifecycle.drain(server, 10_000);
    expect(drained).toEqual({ finished: true, cut: 0 });
    expect(Date.now() - started).toBeLessThan(3000);
    for (const s of streams) {
      await s.ended;
      expect(s.messages.filter((m) => m.event === 'complete')).toEqual([]);
    }
  });

  it('the real server (src/main.ts) ends its streams on SIGTERM and exits 0 without waiting out the grace', async () => {
    const tdb = await createTestDatabase();
    const srv = await startServer({ databaseUrl: tdb.url, env: { SHUTDOWN_GRACE_MS: '20000' } });
    try {
      const jwt = testConfig().jwt;
      const admin = await signDevToken(jwt, { sub: 'admin-1', role: 'ADMIN' });
      const created = await fetch(srv.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}` },
        body: JSON.stringify({
          query: `mutation { createInstitution(input: { id: "sse-drain-insurer", kind: INSURER, name: "SSE 测试保险" }) { id } }`,
        }),
      });
      expect((await created.json()).data.createInstitution.id).toBe('sse-drain-insurer');
      const token = await signDevToken(jwt, { sub: 'u', role: 'INSURER', inst: 'sse-drain-insurer' });
      const s = await open(token, ALERTS, undefined, `${srv.url}/stream`);
      expect(s.status).toBe(200);
      await settle();
      const signalled = Date.now();
      srv.child.kill('SIGTERM');
      await s.ended;
      expect(await srv.exited).toBe(0);
      expect(Date.now() - signalled).toBeLessThan(10_000);
      expect(srv.logs.find((l) => l.msg === 'drained')).toMatchObject({ finished: true, cut: 0 });
      expect(s.messages.filter((m) => m.event === 'complete')).toEqual([]);
      // the stream's access line, written when it ended
      expect(srv.logs.find((l) => l.msg === 'request' && l.path === '/graphql/stream')).toMatchObject({
        status: 200,
        operation: 'subscription alertRaised',
        role: 'INSURER',
      });
    } finally {
      srv.child.kill('SIGKILL');
      await tdb.drop();
    }
  }, 120_000);
});
