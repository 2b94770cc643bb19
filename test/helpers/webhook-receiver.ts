import { createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the receiver got: its headers, the raw body, the status it answered. */
export interface Received {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  status: number;
  at: number;
}

/**
 * A webhook receiver on 127.0.0.1: each path answers the statuses scripted for it in turn
 * (`script('/p', [500, 500, 500])`), then 204. `delivered(id)` counts the 2xx answers per webhook-id.
 */
export async function startReceiver() {
  const received: Received[] = [];
  const scripts = new Map<string, number[]>();
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const path = req.url ?? '/';
      const status = scripts.get(path)?.shift() ?? 204;
      received.push({ path, headers: req.headers, body, status, at: Date.now() });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    url: (path: string) => `http://127.0.0.1:${port}${path}`,
    received,
    script: (path: string, statuses: number[]) => void scripts.set(path, [...statuses]),
    on: (path: string) => received.filter((r) => r.path === path),
    delivered: (id: string) => received.filter((r) => r.headers['webhook-id'] === id && r.status >= 200 && r.status < 300).length,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/**
 * The Standard Webhooks verification, written from the specification (standardwebhooks.com),
 * independently of the server's signer: the secret is base64 after `whsec_`; the signed content
 * is `${webhook-id}.${webhook-timestamp}.${body}`; webhook-signature is a space-separated list of
 * `v1,<base64 HMAC-SHA256>`; one match suffices; the timestamp must be within the tolerance.
 * Returns the index of the matching signature, or throws.
 */
export function verifyStandardWebhook(
  secret: string,
  headers: http.IncomingHttpHeaders,
  body: string,
  nowSeconds: number,
  toleranceSeconds = 300,
): number {
  const id = headers['webhook-id'];
  const ts = headers['webhook-timestamp'];
  const sigHeader = headers['webhook-signature'];
  if (typeof id !== 'string' || typeof ts !== 'string' || typeof sigHeader !== 'string') throw new Error('missing headers');
  const timestamp = Number(ts);
  if (!Number.isInteger(timestamp) || Math.abs(nowSeconds - timestamp) > toleranceSeconds) throw new Error('timestamp out of tolerance');
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  const expected = createHmac('sha256', key).update(`${id}.${ts}.${body}`).digest();
  const sigs = sigHeader.split(' ');
  for (let i = 0; i < sigs.length; i++) {
    const [version, sig] = sigs[i].split(',', 2);
    if (version !== 'v1' || !sig) continue;
    const given = Buffer.from(sig, 'base64');
    if (given.length === expected.length && timingSafeEqual(given, expected)) return i;
  }
  throw new Error('no matching signature');
}
