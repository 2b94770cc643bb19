import { readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The finance bureau's programme dashboard: one static page, its scripts (browser ES modules under
 * public/js/, entry main.js) and two stylesheets, and Chart.js from node_modules (no CDN: the
 * servers have no internet). The page itself calls POST /graphql with the user's token; nothing
 * here reads data or checks tokens.
 */

const HERE = dirname(fileURLToPath(import.meta.url));
const PUBLIC = join(HERE, 'public');
const SCRIPTS = join(PUBLIC, 'js');
// chart.js does not export its UMD file; find the package through its CommonJS entry (dist/chart.cjs).
const CHART_DIST = dirname(createRequire(import.meta.url).resolve('chart.js'));

const HTML = 'text/html; charset=utf-8';
const JS = 'text/javascript; charset=utf-8';
const CSS = 'text/css; charset=utf-8';

interface Asset {
  file: string;
  type: string;
}

/** A module file name: lower-case words joined by hyphens, `.js`; no dots, slashes or other characters. */
const MODULE_NAME = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*\.js$/;

/**
 * The only files served: URL path → file on disk. Nothing else under /dashboard is readable. The
 * page's modules are the regular files in public/js/ whose names match MODULE_NAME, listed once
 * at startup (a file added later is not served until a restart).
 */
const FILES: ReadonlyMap<string, Asset> = new Map<string, Asset>([
  ['/dashboard', { file: join(PUBLIC, 'index.html'), type: HTML }],
  ['/dashboard/', { file: join(PUBLIC, 'index.html'), type: HTML }],
  ['/dashboard/app.css', { file: join(PUBLIC, 'app.css'), type: CSS }],
  ['/dashboard/figures.css', { file: join(PUBLIC, 'figures.css'), type: CSS }],
  ...readdirSync(SCRIPTS, { withFileTypes: true })
    .filter((d) => d.isFile() && MODULE_NAME.test(d.name))
    .map((d): [string, Asset] => [`/dashboard/js/${d.name}`, { file: join(SCRIPTS, d.name), type: JS }]),
  ['/dashboard/vendor/chart.umd.js', { file: join(CHART_DIST, 'chart.umd.js'), type: JS }],
]);

export const DASHBOARD_CSP = [
  "default-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data: blob:",
  "style-src 'self'",
  "script-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

function securityHeaders(): Record<string, string> {
  return {
    'cache-control': 'no-store',
    'content-security-policy': DASHBOARD_CSP,
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'no-referrer',
    'cross-origin-opener-policy': 'same-origin',
  };
}

function sendText(req: IncomingMessage, res: ServerResponse, status: number, text: string, extra: Record<string, string> = {}) {
  const body = Buffer.from(text, 'utf8');
  res.writeHead(status, {
    ...securityHeaders(),
    'content-type': 'text/plain; charset=utf-8',
    'content-length': String(body.length),
    ...extra,
  });
  res.end(req.method === 'HEAD' ? undefined : body);
}

/** Serves GET/HEAD /dashboard, /dashboard/ and the whitelisted assets; true when it answered. */
export async function dashboardRoute(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
  const path = url.pathname;
  if (path !== '/dashboard' && !path.startsWith('/dashboard/')) return false;
  const entry = FILES.get(path);
  if (!entry) {
    sendText(req, res, 404, 'Not found');
    return true;
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    sendText(req, res, 405, 'Method not allowed', { allow: 'GET, HEAD' });
    return true;
  }
  const body = await readFile(entry.file);
  res.writeHead(200, { ...securityHeaders(), 'content-type': entry.type, 'content-length': String(body.length) });
  res.end(req.method === 'HEAD' ? undefined : body);
  return true;
}
