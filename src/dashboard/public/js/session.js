/* Session: the token (kept in session storage only), sign-in and sign-out. */

import { $, el } from './dom.js';
import { clearOptions, resetFilters } from './filters.js';
import { clearData, hideError, load } from './load.js';
import { finishOidc, startOidc } from './oidc.js';
import { state } from './state.js';

export const TOKEN_KEY = 'creditShare.dashboard.token';

function normaliseToken(raw) {
  return String(raw || '')
    .trim()
    .replace(/^Bearer\s+/i, '')
    .replace(/\s+/g, '');
}

function decodeClaims(token) {
  try {
    const part = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    const json = decodeURIComponent(
      Array.from(
        atob(part.padEnd(part.length + ((4 - (part.length % 4)) % 4), '=')),
        (c) => '%' + c.charCodeAt(0).toString(16).padStart(2, '0'),
      ).join(''),
    );
    const c = JSON.parse(json);
    return c && typeof c === 'object' ? c : null;
  } catch {
    return null;
  }
}

export function showSignedIn() {
  const claims = decodeClaims(state.token) || {};
  const parts = [claims.sub, claims.role, claims.inst].filter((x) => typeof x === 'string' && x);
  $('who').textContent = parts.length ? parts.join(' · ') : '已登录 Signed in';
  if (typeof claims.exp === 'number') {
    $('who').title = '令牌到期 Token expires ' + new Date(claims.exp * 1000).toLocaleString('zh-CN');
  }
  $('session').hidden = false;
  $('signin').hidden = true;
  $('dashboard').hidden = false;
}

export function signIn(ev) {
  ev.preventDefault();
  const token = normaliseToken($('token-input').value);
  if (!/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(token)) {
    $('token-error').textContent = '这不是有效的 JWT 格式。That does not look like a JWT (three dot-separated parts).';
    $('token-input').setAttribute('aria-invalid', 'true');
    $('token-input').focus();
    return;
  }
  $('token-error').textContent = '';
  $('token-input').removeAttribute('aria-invalid');
  $('token-input').value = '';
  useToken(token);
}

/** Sign in as one of the demo identities the development server offers. */
function signInAsDemo(ev) {
  ev.preventDefault();
  const i = demoIdentities[Number($('demo-identity').value)];
  if (i) useToken(i.token);
}

/** The roles that may read the dashboard: listed first in the picker. */
const DASHBOARD_ROLES = ['GOVERNMENT', 'ADMIN'];
let demoIdentities = [];

/**
 * The sign-in options the server offers: in development only (the server signs with the published
 * development secret), the demo identities `npm start` prints; elsewhere none, and the picker stays hidden.
 */
export async function loadSignInOptions() {
  let opts = null;
  try {
    const res = await fetch('/dashboard/sign-in.json', { cache: 'no-store', credentials: 'same-origin' });
    if (res.ok) opts = await res.json();
  } catch {
    /* no options: token paste only */
  }
  demoIdentities = (opts && Array.isArray(opts.demoIdentities) && opts.demoIdentities) || [];
  const select = $('demo-identity');
  select.replaceChildren();
  const groups = [
    ['可查看看板 May read the dashboard', demoIdentities.map((d, i) => [d, i]).filter(([d]) => DASHBOARD_ROLES.includes(d.role))],
    ['其他角色（将被拒绝）Other roles (refused)', demoIdentities.map((d, i) => [d, i]).filter(([d]) => !DASHBOARD_ROLES.includes(d.role))],
  ];
  for (const [label, items] of groups) {
    if (!items.length) continue;
    const g = el('optgroup', { label });
    for (const [d, i] of items) g.append(el('option', { value: String(i), text: `${d.role} · ${d.note}` }));
    select.append(g);
  }
  $('demo-form').hidden = demoIdentities.length === 0;
  oidc = (opts && opts.oidc) || null;
  $('oidc-form').hidden = !oidc;
  document.body.dataset.signinOptions = [oidc ? 'oidc' : null, demoIdentities.length ? 'demo' : null, 'token'].filter(Boolean).join(' ');
  return opts;
}

let oidc = null;

function oidcFailed(err) {
  $('oidc-error').textContent = err && err.message ? err.message : String(err);
  document.body.dataset.state = 'signed-out';
}

function signInWithOidc(ev) {
  ev.preventDefault();
  $('oidc-error').textContent = '';
  startOidc(oidc).catch(oidcFailed);
}

/** Back from the OpenID provider with a code: exchange it and sign in. */
export async function completeOidc() {
  try {
    const token = await finishOidc(oidc);
    if (token) useToken(token);
    return !!token;
  } catch (err) {
    oidcFailed(err);
    return false;
  }
}

export function initSession() {
  $('signin-form').addEventListener('submit', signIn);
  $('demo-form').addEventListener('submit', signInAsDemo);
  $('oidc-form').addEventListener('submit', signInWithOidc);
  $('sign-out').addEventListener('click', signOut);
}

export function useToken(token) {
  state.token = token;
  try {
    sessionStorage.setItem(TOKEN_KEY, token);
  } catch {
    /* storage disabled: the token lives in memory for this page */
  }
  showSignedIn();
  resetFilters();
  load();
  $('main').focus();
}

export function signOut() {
  try {
    sessionStorage.removeItem(TOKEN_KEY);
  } catch {
    /* ignore */
  }
  state.token = null;
  state.seq++; // drop any answer still in flight
  clearData();
  clearOptions();
  hideError();
  $('session').hidden = true;
  $('dashboard').hidden = true;
  $('signin').hidden = false;
  document.body.dataset.state = 'signed-out';
  delete document.body.dataset.filter;
  $('token-input').focus();
}
