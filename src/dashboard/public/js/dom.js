/* DOM helpers (textContent only) and the displayed number: formatted text, raw API value in
 * data-value, a data-testid; withheld figures carry an explanatory label. */

import { FORMAT, fmtYuan } from './format.js';
import { state } from './state.js';

const WITHHELD_TEXT = '已隐藏 withheld';

/** Chinese first, English second, in one string. */
export const both = (zh, en) => [zh, en].filter(Boolean).join(' ');

export const $ = (id) => document.getElementById(id);

function withheldTip() {
  const n = state.minimumCellSize;
  return (
    `已隐藏：该数据来自少于 ${n ?? '最小单元'} 名借款人的分组，或可与其他公布数据相减推算出隐藏数据，为保护借款人隐私不予公布。` +
    `\nWithheld: this figure comes from a group of fewer than ${n ?? 'the minimum number of'} borrowers, ` +
    'or would reveal a withheld figure by subtraction, so it is suppressed to protect borrowers\u2019 privacy.'
  );
}

export function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') e.className = v;
    else if (k === 'text') e.textContent = v;
    else e.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children) if (c !== null && c !== undefined) e.append(c);
  return e;
}

/**
 * One displayed number: formatted text, raw API value in data-value, a data-testid; money (in
 * 万元 or 亿元) carries the exact yuan figure as its title.
 * Withheld → "withheld" (data-suppressed="true", data-value=""); null but published → "—".
 */
export function num(tag, testid, kind, value, suppressed, extraClass) {
  const e = el(tag, { class: 'num' + (extraClass ? ' ' + extraClass : ''), 'data-testid': testid, 'data-kind': kind });
  if (suppressed) {
    e.classList.add('is-withheld');
    e.dataset.value = '';
    e.dataset.suppressed = 'true';
    e.append(withheldChip());
  } else if (value === null || value === undefined) {
    e.classList.add('na');
    e.dataset.value = '';
    e.title = '不适用 Not applicable';
    e.textContent = '—';
  } else {
    e.dataset.value = String(value);
    e.textContent = FORMAT[kind](value);
    if (kind === 'money' || kind === 'wan') e.title = fmtYuan(value);
  }
  return e;
}

/** The "withheld" label, focusable, explaining small-group suppression on hover and focus. */
export function withheldChip() {
  const tip = withheldTip();
  return el(
    'span',
    { class: 'withheld', title: tip, 'data-tip': tip, tabindex: '0', 'aria-describedby': 'suppression-footnote' },
    WITHHELD_TEXT,
  );
}
