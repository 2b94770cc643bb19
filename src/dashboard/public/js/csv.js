/* CSV export: exactly what is shown, numbers as the API returned them. */

import { $, el } from './dom.js';
import { describeFilter } from './filters.js';
import { state } from './state.js';

function csvField(v, isText) {
  let s = v === null || v === undefined ? '' : String(v);
  // Spreadsheet formula injection: text from the API must not start a formula.
  if (isText && /^[=+\-@\t\r]/.test(s)) s = "'" + s;
  return /[",\r\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
}

function csvValue(v, suppressed) {
  return suppressed ? 'withheld' : v === null || v === undefined ? '' : String(v);
}

function buildCsv(shown) {
  const rows = [];
  const row = (...fields) => rows.push(fields.map((f) => (Array.isArray(f) ? csvField(f[0], true) : csvField(f, false))).join(','));
  row(['项目监测看板 Programme metrics']);
  row('generatedAt', shown.generatedAt);
  row('filter', [describeFilter(shown.filter)]);
  row('minimumCellSize', shown.minimumCellSize);
  row('referenceGuaranteeCost', shown.referenceGuaranteeCost);
  rows.push('');
  row(['[kpis] 核心指标与资金余额 Key figures and fund balances']);
  row('id', 'metric', 'value');
  for (const k of shown.kpis) row(k.id, [k.label], csvValue(k.value, k.suppressed));
  rows.push('');
  row(['[monthly] 月度放款 Monthly disbursement']);
  row('key', 'label', 'disbursed', 'loans');
  for (const c of shown.series.monthly) row([c.key], [c.label], csvValue(c.disbursed, c.suppressed), csvValue(c.loans, c.suppressed));
  rows.push('');
  row(['[byCounty] 按区县放款 Disbursed by county']);
  row('key', 'label', 'disbursed');
  for (const c of shown.series.county) row([c.key], [c.label], csvValue(c.disbursed, c.suppressed));
  rows.push('');
  row(['[byCategory] 按借款人类别放款 Disbursed by borrower category']);
  row('key', 'label', 'disbursed');
  for (const c of shown.series.category) row([c.key], [c.label], csvValue(c.disbursed, c.suppressed));
  rows.push('');
  row(['[leagueTable] 机构排名 Institution league table']);
  row('rank', 'institutionId', 'institution', 'kind', 'loans', 'disbursed', 'defaultRate', 'lossRatio', 'claimsPaid');
  for (const r of shown.league) {
    const s = r.suppressed;
    row(
      r.rank,
      [r.id],
      [r.name],
      r.kind,
      csvValue(r.loans, s),
      csvValue(r.disbursed, s),
      csvValue(r.defaultRate, s),
      csvValue(r.lossRatio, s),
      csvValue(r.claimsPaid, s),
    );
  }
  // BOM: spreadsheet programs then read the Chinese labels as UTF-8.
  return '\uFEFF' + rows.join('\r\n') + '\r\n';
}

export function exportCsv() {
  if (!state.shown) {
    $('status').textContent = '没有可导出的数据 Nothing to export yet';
    return;
  }
  const blob = new Blob([buildCsv(state.shown)], { type: 'text/csv;charset=utf-8' });
  const href = URL.createObjectURL(blob);
  const stamp = String(state.shown.generatedAt || '')
    .replace(/[:.]/g, '-')
    .replace(/[^0-9TZ-]/g, '');
  const a = el('a', { href, download: `programme-metrics-${stamp || 'export'}.csv`, hidden: true });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(href), 60_000);
}
