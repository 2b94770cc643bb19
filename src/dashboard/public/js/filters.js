/* Filters: the form, the GraphQL filter it stands for, and the choices from the unfiltered answer. */

import { $, el } from './dom.js';
import { sectorLabel } from './labels.js';
import { state } from './state.js';

const FILTER_FIELDS = ['year', 'county', 'category', 'sector', 'institutionId'];

export function resetFilters() {
  for (const f of FILTER_FIELDS) $('filters').elements.namedItem(f).value = '';
}

export function readFilter() {
  const form = $('filters');
  const f = {};
  for (const k of FILTER_FIELDS) {
    const v = form.elements.namedItem(k).value;
    if (v === '') continue;
    f[k] = k === 'year' ? parseInt(v, 10) : v;
  }
  return f;
}

export function describeFilter(f) {
  const parts = [];
  for (const k of FILTER_FIELDS) if (f[k] !== undefined) parts.push(k + '=' + f[k]);
  return parts.length ? parts.join('; ') : '无 none';
}

function setOptions(select, items) {
  const keep = select.value;
  while (select.options.length > 1) select.remove(1);
  for (const g of Array.from(select.querySelectorAll('optgroup'))) g.remove();
  for (const item of items) {
    if (item.group) {
      const g = el('optgroup', { label: item.group });
      for (const o of item.options) g.append(el('option', { value: o.value, text: o.text }));
      select.append(g);
    } else {
      select.append(el('option', { value: item.value, text: item.text }));
    }
  }
  select.value = keep;
  if (select.value !== keep) select.value = '';
}

export function populateOptions(pm, institutions) {
  const years = new Set();
  for (const c of pm.monthly) {
    const m = /^(\d{4})-\d{2}$/.exec(c.key || '');
    if (m) years.add(m[1]);
  }
  setOptions(
    $('f-year'),
    Array.from(years)
      .sort()
      .reverse()
      .map((y) => ({ value: y, text: y + '年 ' + y })),
  );
  setOptions(
    $('f-county'),
    pm.byCounty.filter((c) => c.key).map((c) => ({ value: c.key, text: c.label && c.label !== c.key ? `${c.label} (${c.key})` : c.key })),
  );
  setOptions(
    $('f-sector'),
    pm.bySector.filter((c) => c.key).map((c) => ({ value: c.key, text: sectorLabel(c) })),
  );
  // Banks and insurers: those in the league table and those in the directory.
  const byId = new Map();
  for (const i of institutions || []) if (i.kind === 'BANK' || i.kind === 'INSURER') byId.set(i.id, i);
  for (const r of pm.leagueTable) if (!byId.has(r.institution.id)) byId.set(r.institution.id, r.institution);
  const groups = [];
  for (const [kind, label] of [
    ['BANK', '银行 Banks'],
    ['INSURER', '保险公司 Insurers'],
  ]) {
    const opts = Array.from(byId.values())
      .filter((i) => i.kind === kind)
      .sort((a, b) => a.name.localeCompare(b.name, 'zh-CN'))
      .map((i) => ({ value: i.id, text: i.name }));
    if (opts.length) groups.push({ group: label, options: opts });
  }
  const others = Array.from(byId.values()).filter((i) => i.kind !== 'BANK' && i.kind !== 'INSURER');
  for (const i of others) groups.push({ value: i.id, text: i.name });
  setOptions($('f-institution'), groups);
  state.optionsLoaded = true;
}
