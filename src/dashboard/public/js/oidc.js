/* Sign-in through the finance bureau's OpenID Connect provider: authorization code with PKCE
 * (RFC 7636, S256) for a public client, all in the browser. The access token it yields goes to
 * the API like any other; the API verifies it with the provider's keys. The verifier, state and
 * nonce live in this tab's session storage between leaving for the provider and coming back. */

const KEY = 'creditShare.dashboard.oidc';

export class OidcError extends Error {}

const b64url = (bytes) =>
  btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
const random = (n) => b64url(crypto.getRandomValues(new Uint8Array(n)));

/** Where the provider sends the user back: this page, without its query. */
const redirectUri = () => location.origin + location.pathname;

async function discover(issuer) {
  let res;
  try {
    res = await fetch(issuer + '/.well-known/openid-configuration', { cache: 'no-store' });
  } catch {
    throw new OidcError('无法连接统一身份认证服务。Cannot reach the identity provider.');
  }
  const meta = res.ok ? await res.json().catch(() => null) : null;
  if (!meta || meta.issuer !== issuer || !meta.authorization_endpoint || !meta.token_endpoint)
    throw new OidcError('统一身份认证服务的配置无效。The identity provider\u2019s discovery document is not valid for this issuer.');
  return meta;
}

/** Leaves for the provider's authorization endpoint. */
export async function startOidc(cfg) {
  const meta = await discover(cfg.issuer);
  const verifier = random(32);
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  const state = random(16);
  const nonce = random(16);
  sessionStorage.setItem(KEY, JSON.stringify({ verifier, state, nonce, issuer: cfg.issuer }));
  const url = new URL(meta.authorization_endpoint);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: cfg.clientId,
    redirect_uri: redirectUri(),
    scope: cfg.scope,
    code_challenge: b64url(new Uint8Array(digest)),
    code_challenge_method: 'S256',
    state,
    nonce,
  }).toString();
  location.assign(url.toString());
}

/**
 * Back from the provider: the access token for the code in the address, or null when the address
 * carries none. The address is cleaned at once, so a reload never replays the code.
 */
export async function finishOidc(cfg) {
  const params = new URLSearchParams(location.search);
  if (!params.has('code') && !params.has('error')) return null;
  history.replaceState(null, '', location.pathname);
  let saved = null;
  try {
    saved = JSON.parse(sessionStorage.getItem(KEY) || 'null');
  } catch {
    /* nothing saved */
  }
  sessionStorage.removeItem(KEY);
  if (params.has('error'))
    throw new OidcError(`统一身份认证未完成 (${params.get('error')})。Sign-in at the identity provider did not complete.`);
  if (!cfg || !saved || saved.state !== params.get('state') || saved.issuer !== cfg.issuer)
    throw new OidcError(
      '登录回调与本次登录请求不符，请重新登录。The sign-in response does not match a sign-in started here: sign in again.',
    );
  if (params.has('iss') && params.get('iss') !== cfg.issuer)
    throw new OidcError('登录回调来自其他身份认证服务。The sign-in response came from another identity provider.');
  const meta = await discover(cfg.issuer);
  let body = null;
  let ok = false;
  try {
    const res = await fetch(meta.token_endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code: params.get('code'),
        redirect_uri: redirectUri(),
        client_id: cfg.clientId,
        code_verifier: saved.verifier,
      }).toString(),
    });
    ok = res.ok;
    body = await res.json().catch(() => null);
  } catch {
    /* below */
  }
  if (!ok || !body || typeof body.access_token !== 'string')
    throw new OidcError('未能从统一身份认证服务取得令牌，请重新登录。The identity provider did not issue a token: sign in again.');
  return body.access_token;
}
