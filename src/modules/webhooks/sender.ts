import http from 'node:http';
import https from 'node:https';
import { guardedLookup, literalRefusal, type GuardOptions } from './guard.js';

export interface PostResult {
  /** The HTTP status, when one came back. */
  status: number | null;
  ok: boolean;
  /** Why it failed, in a few words (never the response body). */
  error: string | null;
}

/**
 * POST one webhook: through the SSRF guard (the connection goes only to an address it checked),
 * no redirects followed, the whole exchange bounded by `timeoutMs`, at most 64 KiB of the
 * response read. 2xx is success; anything else, or no answer, is a failure to retry.
 */
export function postWebhook(
  rawUrl: string,
  headers: Record<string, string>,
  body: string,
  opts: GuardOptions & { timeoutMs: number },
): Promise<PostResult> {
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    return Promise.resolve({ status: null, ok: false, error: 'invalid url' });
  }
  const refused = literalRefusal(url, opts);
  if (refused) return Promise.resolve({ status: null, ok: false, error: `refused: ${refused}` });
  const client = url.protocol === 'https:' ? https : http;
  return new Promise<PostResult>((resolve) => {
    let settled = false;
    const done = (r: PostResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(r);
    };
    const req = client.request(
      url,
      {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) },
        lookup: guardedLookup(opts),
        agent: false,
      },
      (res) => {
        const status = res.statusCode ?? 0;
        let read = 0;
        res.on('data', (c: Buffer) => {
          read += c.length;
          if (read > 65_536) res.destroy();
        });
        const finish = () =>
          done({ status, ok: status >= 200 && status < 300, error: status >= 200 && status < 300 ? null : `HTTP ${status}` });
        res.on('end', finish);
        res.on('close', finish);
        res.on('error', finish);
      },
    );
    const timer = setTimeout(() => {
      req.destroy(new Error('timeout'));
      done({ status: null, ok: false, error: `timeout after ${opts.timeoutMs} ms` });
    }, opts.timeoutMs);
    req.on('error', (err: NodeJS.ErrnoException) =>
      done({ status: null, ok: false, error: (err.code === 'EWEBHOOKREFUSED' ? err.message : (err.code ?? err.message)).slice(0, 200) }),
    );
    req.end(body);
  });
}
