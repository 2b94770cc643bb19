/* Session: the token (kept in session storage only), sign-in and sign-out. */

import { $ } from './dom.js';
import { resetFilters } from './filters.js';
import { clearData, hideError, load } from './load.js';
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
  state.optionsLoaded = false;
  clearData();
  resetFilters();
  for (const id of ['f-year', 'f-county', 'f-sector', 'f-institution']) {
    const s = $(id);
    while (s.options.length > 1) s.remove(1);
    for (const g of Array.from(s.querySelectorAll('optgroup'))) g.remove();
  }
  hideError();
  $('session').hidden = true;
  $('dashboard').hidden = true;
  $('signin').hidden = false;
  document.body.dataset.state = 'signed-out';
  delete document.body.dataset.filter;
  $('token-input').focus();
}
