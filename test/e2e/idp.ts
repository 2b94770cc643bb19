/**
 * A local, standards-compliant OpenID provider for the dashboard's sign-in test: the npm
 * `oidc-provider` package on 127.0.0.1, with its development login and consent pages. It signs
 * RS256 access tokens (JWT) for the API's audience, carrying the role and inst claims the API
 * needs, and serves its keys at the jwks_uri its discovery document names.
 */
import { createServer, type Server } from 'node:http';
import { exportJWK, generateKeyPair } from 'jose';
import Provider from 'oidc-provider';
import { listen } from '../../src/http/server.js';

export interface LocalIdp {
  issuer: string;
  /** Who may sign in, by login name: the claims their access tokens carry. */
  accounts: Record<string, { role: string; inst?: string }>;
  stop(): Promise<void>;
}

/** The provider's address first (the issuer names it), then the provider; `redirectUri`: the dashboard's. */
export async function startIdp(opts: {
  clientId: string;
  redirectUri: string;
  audience: string;
  accounts: Record<string, { role: string; inst?: string }>;
}): Promise<LocalIdp & { server: Server }> {
  let handler: ((req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => void) | null = null;
  const server = createServer((req, res) => (handler ? handler(req, res) : res.writeHead(503).end()));
  const issuer = `http://127.0.0.1:${await listen(server, 0, '127.0.0.1')}`;
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const key = { ...(await exportJWK(privateKey)), kid: 'idp-test-1', alg: 'RS256', use: 'sig' };
  const resource = 'urn:credit-share:api';
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: opts.clientId,
        token_endpoint_auth_method: 'none',
        application_type: 'web',
        redirect_uris: [opts.redirectUri],
        grant_types: ['authorization_code'],
        response_types: ['code'],
      },
    ],
    jwks: { keys: [key] },
    cookies: { keys: ['dashboard-e2e-cookie-key-0123456789'] },
    // PKCE for every authorization code (the default requires it of public clients only)
    pkce: { required: () => true },
    scopes: ['openid', 'metrics'],
    features: {
      devInteractions: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => resource,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx: unknown, indicator: string) => {
          if (indicator !== resource) throw new Error(`unknown resource ${indicator}`);
          return {
            scope: 'metrics',
            audience: opts.audience,
            accessTokenFormat: 'jwt',
            accessTokenTTL: 600,
            jwt: { sign: { alg: 'RS256' } },
          };
        },
      },
    },
    // the claims the API reads: role and institution, per account
    extraTokenClaims: (_ctx: unknown, token: { accountId?: string }) => opts.accounts[token.accountId ?? ''] ?? undefined,
    findAccount: (_ctx: unknown, sub: string) => (opts.accounts[sub] ? { accountId: sub, claims: () => ({ sub }) } : undefined),
    clientBasedCORS: (_ctx: unknown, origin: string, client: { redirectUris: string[] }) =>
      client.redirectUris.some((u) => new URL(u).origin === origin),
    ttl: { AccessToken: 600, AuthorizationCode: 60, IdToken: 600, Interaction: 600, Session: 3600, Grant: 3600 },
    renderError: (ctx: { type: string; body: string }, out: Record<string, string>) => {
      ctx.type = 'text/plain';
      ctx.body = `oidc error: ${JSON.stringify(out)}`;
    },
  });
  handler = provider.callback();
  return {
    issuer,
    accounts: opts.accounts,
    server,
    stop: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
