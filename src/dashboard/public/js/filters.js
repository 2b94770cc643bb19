/* Filters: what the server accepts and nothing else. A year (or all years), and at most one
 * breakdown dimension with one value: the server refuses two dimensions at once (every published
 * figure must stay safe against differencing), so the form cannot express them. */

import { $, el } from './dom.js';
import { categoryLabel, sectorLabel } from './labels.js';
import { state } from './state.js';

/** The dimensions a user may filter by, and the MetricsFilter field each one sets (banks and insurers both set institutionId). */
export const DIMENSIONS = {
  county: { field: 'county', zh: '区县', en: 'County' },
  category: { field: 'category', zh: '借款人类别', en: 'Borrower category' },
  sector: { field: 'sector', zh: '行业', en: 'Sector' },
  bank: { field: 'institutionId', zh: '合作银行', en: 'Bank' },
  insurer: { field: 'institutionId', zh: '保险公司', en: 'Insurer' },
};

/** Per dimension, its values [{ value, text }] from the unfiltered answer. */
const choices = {};

export function resetFilters() {
  $('f-year').value = '';
  $('f-dimension').value = '';
  fillValues('');
}

/** The MetricsFilter the form stands for: { year?, <one field>? }. */
export function readFilter() {
  const f = {};
  const year = $('f-year').value;
  if (year !== '') f.year = parseInt(year, 10);
  const dim = DIMENSIONS[$('f-dimension').value];
  const value = $('f-value').value;
  if (dim && value !== '') f[dim.field] = value;
  return f;
}

/** The MetricsFilter fields in words. */
const FIELD_LABEL = {
  county: '区县 County',
  category: '借款人类别 Borrower category',
  sector: '行业 Sector',
  institutionId: '机构 Institution',
};

/** The filter in words for the CSV and the status line, Chinese first (from the filter itself, not the form). */
export function describeFilter(f) {
  const parts = [];
  if (f.year !== undefined) parts.push(`年度 year=${f.year}`);
  for (const [field, label] of Object.entries(FIELD_LABEL)) {
    if (f[field] === undefined) continue;
    const named = Object.values(choices)
      .flat()
      .find((c) => c.value === f[field]);
    parts.push(`${label}=${f[field]}${named && named.text !== f[field] ? ` (${named.text})` : ''}`);
  }
  return parts.length ? parts.join('; ') : '无 none';
}

/** The value list for a dimension; disabled (and empty) when no dimension is chosen. */
function fillValues(dimKey) {
  const select = $('f-value');
  select.replaceChildren();
  const list = choices[dimKey];
  if (!DIMENSIONS[dimKey]) {
    select.append(el('option', { value: '', text: '先选择分组维度 Choose a dimension first' }));
    select.disabled = true;
    return;
  }
  select.append(el('option', { value: '', text: '请选择 Choose…' }));
  for (const c of list || []) select.append(el('option', { value: c.value, text: c.text }));
  select.disabled = false;
}

/** Wiring: a year or a value re-queries; a dimension change clears the value (and re-queries only when that clears a filter). */
export function initFilters(reload) {
  $('f-year').addEventListener('change', reload);
  $('f-dimension').addEventListener('change', () => {
    const hadValue = Object.keys(state.filter || {}).some((k) => k !== 'year');
    fillValues($('f-dimension').value);
    if (hadValue) reload();
    else if (!$('f-value').disabled) $('f-value').focus();
  });
  $('f-value').addEventListener('change', reload);
  fillValues('');
}

function setYears(years) {
  const select = $('f-year');
  const keep = select.value;
  while (select.options.length > 1) select.remove(1);
  for (const y of years) select.append(el('option', { value: y, text: `${y}年 ${y}` }));
  select.value = keep;
  if (select.value !== keep) select.value = '';
}

/** The choices, from the unfiltered answer and the institution directory. */
export function populateOptions(pm, institutions) {
  const years = new Set();
  for (const c of pm.monthly) {
    const m = /^(\d{4})-\d{2}$/.exec(c.key || '');
    if (m) years.add(m[1]);
  }
  setYears(Array.from(years).sort().reverse());
  choices.county = pm.byCounty
    .filter((c) => c.key)
    .map((c) => ({ value: c.key, text: c.label && c.label !== c.key ? `${c.label} (${c.key})` : c.key }));
  choices.category = pm.byCategory.filter((c) => c.key).map((c) => ({ value: c.key, text: categoryLabel(c) }));
  choices.sector = pm.bySector.filter((c) => c.key).map((c) => ({ value: c.key, text: sectorLabel(c) }));
  for (const [dim, kind, rows] of [
    ['bank', 'BANK', pm.bankLeague],
    ['insurer', 'INSURER', pm.insurerLeague],
  ]) {
    const byId = new Map();
    for (const i of institutions || []) if (i.kind === kind) byId.set(i.id, i.name);
    for (const r of rows) if (!byId.has(r.institution.id)) byId.set(r.institution.id, r.institution.name);
    choices[dim] = Array.from(byId, ([value, name]) => ({ value, text: name })).sort((a, b) => a.text.localeCompare(b.text, 'zh-CN'));
  }
  // the category list is fixed by the programme even when a category has no loans yet
  if (!choices.category.length)
    choices.category = ['STARTUP_MICRO_ENTERPRISE', 'RURAL_HOUSEHOLD', 'INDIVIDUAL_ENTREPRENEUR'].map((k) => ({
      value: k,
      text: categoryLabel({ key: k }),
    }));
  const dim = $('f-dimension').value;
  const keep = $('f-value').value;
  fillValues(dim);
  $('f-value').value = keep;
  state.optionsLoaded = true;
}

export function clearOptions() {
  setYears([]);
  for (const k of Object.keys(choices)) delete choices[k];
  resetFilters();
  state.optionsLoaded = false;
}
