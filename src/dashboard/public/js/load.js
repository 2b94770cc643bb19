/* Loading and errors. */

import { ApiError, gql, QUERY } from './api.js';
import { $ } from './dom.js';
import { populateOptions, readFilter } from './filters.js';
import { render } from './render.js';
import { state } from './state.js';

export async function load() {
  if (!state.token) return;
  const filter = readFilter();
  const seq = ++state.seq;
  document.body.dataset.state = 'loading';
  $('dashboard').setAttribute('aria-busy', 'true');
  $('dashboard').classList.add('loading');
  $('status').textContent = '加载中… Loading…';
  try {
    const data = await gql(QUERY, { f: Object.keys(filter).length ? filter : null });
    if (seq !== state.seq) return;
    if (!data.programmeMetrics)
      throw new ApiError([{ message: 'programmeMetrics returned no data', extensions: { code: 'NO_DATA' } }], 200);
    hideError();
    if (!state.optionsLoaded && Object.keys(filter).length === 0) populateOptions(data.programmeMetrics, data.institutions);
    render(data.programmeMetrics, filter);
    $('status').textContent = '已更新 Up to date';
    document.body.dataset.filter = JSON.stringify(filter);
    document.body.dataset.state = 'ready';
  } catch (err) {
    if (seq !== state.seq) return;
    showError(err);
    document.body.dataset.filter = JSON.stringify(filter);
    document.body.dataset.state = 'error';
  } finally {
    if (seq === state.seq) {
      $('dashboard').setAttribute('aria-busy', 'false');
      $('dashboard').classList.remove('loading');
    }
  }
}

const ERROR_TEXT = {
  FORBIDDEN: [
    '无权访问 Access denied',
    '此看板仅供财政局 (GOVERNMENT) 和系统管理员 (ADMIN) 使用，当前令牌无权查看项目指标。' +
      'This dashboard is for the finance bureau (GOVERNMENT) and administrators (ADMIN); the token you signed in with may not read programme metrics.',
  ],
  UNAUTHENTICATED: [
    '身份验证失败 Not authenticated',
    '令牌无效或已过期，请退出并粘贴新的令牌。The token is invalid or has expired: sign out and paste a new one.',
  ],
  BAD_USER_INPUT: ['筛选条件无效 Invalid filter', '服务器拒绝了当前筛选条件。The server rejected the current filter.'],
  NETWORK_ERROR: ['无法连接服务器 Cannot reach the server', '请检查网络后重试。Check the connection and try again.'],
};

function showError(err) {
  const code = (err && err.code) || 'ERROR';
  const [title, body] = ERROR_TEXT[code] || ['查询失败 The query failed', '服务器返回了错误。The server answered with an error.'];
  $('error-title').textContent = title;
  $('error-body').textContent = body;
  const details =
    err && err.errors ? err.errors.map((e) => `${(e.extensions && e.extensions.code) || 'ERROR'}: ${e.message}`) : [String(err)];
  $('error-code').textContent = details.join('\n');
  $('error').dataset.code = code;
  $('error').hidden = false;
  $('status').textContent = '查询失败 Failed';
  clearData();
  // No figures at all for a token that may not see them; keep filters for other failures.
  const denied = code === 'FORBIDDEN' || code === 'UNAUTHENTICATED';
  $('dashboard').hidden = denied;
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
  for (const id of ['kpis', 'funds', 'league-body', 'note-monthly', 'note-county', 'note-category']) $(id).replaceChildren();
  for (const id of ['generated-at', 'min-cell', 'ref-cost']) {
    $(id).textContent = '';
    delete $(id).dataset.value;
  }
  state.shown = null;
}
