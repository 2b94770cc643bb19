import { readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Config } from '../config.js';
import type { Database } from '../db/client.js';
import { demoLogins } from '../demo/tokens.js';
import type { Route } from '../http/server.js';

/**
 * The finance bureau's programme dashboard: one static page, its scripts (browser ES modules under
 * public/js/, entry main.js) and two stylesheets, and Chart.js from node_modules (no CDN: the
 * servers have no internet), and /dashboard/sign-in.json, the ways to sign in this server offers.
 * The page itself calls POST /graphql with the user's token; nothing here reads figures or checks tokens.
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

/** The page's policy; `connectTo`: an OpenID provider's origin, whose discovery and token endpoints the page calls. */
function csp(connectTo?: string): string {
  return [
    "default-src 'self'",
    `connect-src 'self'${connectTo ? ` ${connectTo}` : ''}`,
    "img-src 'self' data: blob:",
    "style-src 'self'",
    "script-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}
export const DASHBOARD_CSP = csp();

function securityHeaders(policy = DASHBOARD_CSP): Record<string, string> {
  return {
    'cache-control': 'no-store',
    'content-security-policy': policy,
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

const SIGN_IN = '/dashboard/sign-in.json';

/**
 * The demo identities are offered only by a development server that signs with the published
 * development secret (as `npm start` does, printing the same tokens): never in production, whose
 * configuration refuses that secret anyway, and never under a real JWT_SECRET or an IdP's keys.
 */
export function offersDemoIdentities(config: Config): boolean {
  return !config.production && config.jwt.mode === 'hs256' && config.jwt.isDevSecret;
}

/**
 * Sign-in through the finance bureau's OpenID Connect provider: the authorization code flow with
 * PKCE, in the browser, for a public client. The access token it yields is what the API verifies
 * with the provider's keys (JWT_JWKS_URL, JWT_ISSUER, JWT_AUDIENCE): it must carry the role and
 * inst claims, as any token the API accepts.
 */
export interface OidcOptions {
  /** The provider's issuer URL; its discovery document is at /.well-known/openid-configuration under it. */
  issuer: string;
  /** The dashboard's client id at the provider (a public client: no secret; redirect URI <origin>/dashboard). */
  clientId: string;
  /** Scopes to ask for; `openid` by default. */
  scope?: string;
}

export interface SignInOptions {
  /** The tokens `npm start` prints, in development only; null elsewhere. */
  demoIdentities: { role: string; note: string; token: string }[] | null;
  /** The OpenID provider to sign in with, when one is configured. */
  oidc: { issuer: string; clientId: string; scope: string } | null;
}

async function signInOptions(app: { config: Config; db: Database } | undefined, oidc: OidcOptions | undefined): Promise<SignInOptions> {
  return {
    demoIdentities: app && offersDemoIdentities(app.config) ? await demoLogins(app.config, app.db) : null,
    oidc: oidc ? { issuer: oidc.issuer.replace(/\/$/, ''), clientId: oidc.clientId, scope: oidc.scope ?? 'openid' } : null,
  };
}

/**
 * The dashboard's route. Given the server's configuration and database it also offers the demo
 * identities in development (see offersDemoIdentities); given an OpenID provider, sign-in through
 * it; with neither, token paste only.
 */
export function createDashboardRoute(app?: { config: Config; db: Database }, opts: { oidc?: OidcOptions } = {}): Route {
  const policy = csp(opts.oidc ? new URL(opts.oidc.issuer).origin : undefined);
  return async (req, res, url) => {
    if (url.pathname !== SIGN_IN) return serveDashboard(req, res, url, policy);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendText(req, res, 405, 'Method not allowed', { allow: 'GET, HEAD' });
      return true;
    }
    const body = Buffer.from(JSON.stringify(await signInOptions(app, opts.oidc)), 'utf8');
    res.writeHead(200, {
      ...securityHeaders(policy),
      'content-type': 'application/json; charset=utf-8',
      'content-length': String(body.length),
    });
    res.end(req.method === 'HEAD' ? undefined : body);
    return true;
  };
}

/** The page and its assets, with token paste only (no demo identities). */
export const dashboardRoute: Route = createDashboardRoute();

/** Serves GET/HEAD /dashboard, /dashboard/ and the whitelisted assets; true when it answered. */
async function serveDashboard(req: IncomingMessage, res: ServerResponse, url: URL, policy: string): Promise<boolean> {
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
  res.writeHead(200, { ...securityHeaders(policy), 'content-type': entry.type, 'content-length': String(body.length) });
  res.end(req.method === 'HEAD' ? undefined : body);
  return true;
}
