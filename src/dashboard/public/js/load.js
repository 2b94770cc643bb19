/* Loading, the skeleton and errors. An error never blanks the page: it says what went wrong in
 * Chinese first, keeps the last figures on screen marked as not matching the filter, and keeps the
 * server's own words in a collapsed "technical details". */

import { ApiError, gql, QUERY } from './api.js';
import { $ } from './dom.js';
import { describeFilter, populateOptions, readFilter } from './filters.js';
import { render } from './render.js';
import { state } from './state.js';

export async function load() {
  if (!state.token) return;
  const filter = readFilter();
  const seq = ++state.seq;
  document.body.dataset.state = 'loading';
  $('dashboard').setAttribute('aria-busy', 'true');
  $('dashboard').classList.add('loading');
  // the first answer: a skeleton of the page in place of figures not yet there
  $('skeleton').hidden = !!state.shown;
  $('figures').hidden = !state.shown;
  $('status').textContent = '加载中… Loading…';
  try {
    const data = await gql(QUERY, { f: Object.keys(filter).length ? filter : null });
    if (seq !== state.seq) return;
    if (!data.programmeMetrics)
      throw new ApiError([{ message: 'programmeMetrics returned no data', extensions: { code: 'NO_DATA' } }], 200);
    hideError();
    if (!state.optionsLoaded && Object.keys(filter).length === 0) populateOptions(data.programmeMetrics, data.institutions);
    $('figures').hidden = false;
    render(data.programmeMetrics, filter);
    $('dashboard').classList.remove('stale');
    $('status').textContent = '已更新 Up to date · ' + describeFilter(filter);
    document.body.dataset.filter = JSON.stringify(filter);
    document.body.dataset.state = 'ready';
  } catch (err) {
    if (seq !== state.seq) return;
    showError(err, filter);
    document.body.dataset.filter = JSON.stringify(filter);
    document.body.dataset.state = 'error';
  } finally {
    if (seq === state.seq) {
      $('dashboard').setAttribute('aria-busy', 'false');
      $('dashboard').classList.remove('loading');
      $('skeleton').hidden = true;
    }
  }
}

const ERROR_TEXT = {
  FORBIDDEN: [
    '无权访问 Access denied',
    '此看板仅供财政局 (GOVERNMENT) 和系统管理员 (ADMIN) 使用，当前身份无权查看项目指标。' +
      'This dashboard is for the finance bureau (GOVERNMENT) and administrators (ADMIN); the identity you signed in with may not read programme metrics.',
  ],
  UNAUTHENTICATED: [
    '身份验证失败 Not authenticated',
    '令牌无效或已过期，请退出后重新登录。The token is invalid or has expired: sign out and sign in again.',
  ],
  BAD_USER_INPUT: [
    '筛选条件无效 Invalid filter',
    '服务器不接受当前筛选条件，请重置筛选后重试。The server did not accept this filter: reset the filters and try again.',
  ],
  NOT_FOUND: [
    '未找到筛选对象 Not found',
    '所选机构已不在名录中，请重置筛选。The institution chosen is no longer in the directory: reset the filters.',
  ],
  RATE_LIMITED: ['请求过于频繁 Too many requests', '请稍候片刻再试。Wait a moment and try again.'],
  SERVICE_UNAVAILABLE: [
    '服务暂不可用 Service unavailable',
    '服务器正忙或正在重启，请稍后重试。The server is busy or restarting: try again shortly.',
  ],
  NETWORK_ERROR: ['无法连接服务器 Cannot reach the server', '请检查网络后重试。Check the connection and try again.'],
};
const FALLBACK = [
  '查询失败 The query failed',
  '服务器未能返回数据，请稍后重试；如持续出现，请联系系统管理员。The server could not answer: try again later, and tell the administrators if it persists.',
];

function showError(err, filter) {
  const code = (err && err.code) || 'ERROR';
  const [title, body] = ERROR_TEXT[code] || FALLBACK;
  $('error-title').textContent = title;
  const denied = code === 'FORBIDDEN' || code === 'UNAUTHENTICATED';
  const stale = !denied && !!state.shown;
  $('error-body').textContent =
    body +
    (stale ? ` 下方仍显示上一次的数据（${describeFilter(state.filter)}）。The figures below are still those of the last answer.` : '');
  const details =
    err && err.errors ? err.errors.map((e) => `${(e.extensions && e.extensions.code) || 'ERROR'}: ${e.message}`) : [String(err)];
  $('error-code').textContent = details.join('\n');
  $('error').dataset.code = code;
  $('error').hidden = false;
  $('status').textContent = '查询失败 Failed · ' + describeFilter(filter);
  if (denied) {
    // no figures at all for a token that may not see them
    clearData();
    $('dashboard').hidden = true;
  } else {
    // keep what is on screen, marked as not the answer to the current filter
    $('dashboard').classList.toggle('stale', stale);
    $('figures').hidden = !stale;
  }
}

export function hideError() {
  $('error').hidden = true;
  delete $('error').dataset.code;
  $('error-title').textContent = '';
  $('error-body').textContent = '';
  $('error-code').textContent = '';
  if (state.token) $('dashboard').hidden = false;
}

export function clearData() {
  for (const k of Object.keys(state.charts)) {
    state.charts[k].destroy();
    delete state.charts[k];
  }
  for (const id of [
    'money',
    'kpis',
    'funds',
    'league-bank-body',
    'league-bank-foot',
    'league-insurer-body',
    'league-insurer-foot',
    'note-monthly',
    'partial-monthly',
    'note-county',
    'note-category',
  ])
    $(id).replaceChildren();
  for (const id of ['generated-at', 'min-cell', 'ref-cost', 'period']) {
    $(id).textContent = '';
    delete $(id).dataset.value;
  }
  $('dashboard').classList.remove('stale');
  state.shown = null;
  state.filter = {};
}
