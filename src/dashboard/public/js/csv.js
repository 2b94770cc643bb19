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

/** The unit of a figure in the CSV: money exactly, in yuan. */
const UNIT = { money: '元 CNY', wan: '元 CNY', rate: 'fraction', ratio: 'times', int: 'count', months: 'months' };

function buildCsv(shown) {
  const rows = [];
  const row = (...fields) => rows.push(fields.map((f) => (Array.isArray(f) ? csvField(f[0], true) : csvField(f, false))).join(','));
  row(['张家口市小额贷款保证保险项目监测看板 Programme metrics']);
  row(['金额均为精确到分的人民币元 Amounts are exact, in yuan (CNY)']);
  row('generatedAt', shown.generatedAt);
  row('periodFrom', shown.period.from ?? '');
  row('periodTo', shown.period.to);
  row('filter', [describeFilter(shown.filter)]);
  row('minimumCellSize', shown.minimumCellSize);
  row('referenceGuaranteeCost', shown.referenceGuaranteeCost);
  rows.push('');
  row(['[kpis] 资金、撬动与核心指标 Money, leverage and key figures']);
  row('id', 'metric', 'value', 'unit');
  for (const k of shown.kpis) row(k.id, [k.label], csvValue(k.value, k.suppressed), UNIT[k.kind] || '');
  rows.push('');
  row(['[monthly] 月度放款 Monthly disbursement (元 CNY)']);
  row('key', 'label', 'disbursed', 'loans', 'partial');
  for (const c of shown.series.monthly)
    row([c.key], [c.label], csvValue(c.disbursed, c.suppressed), csvValue(c.loans, c.suppressed), c.partial ? 'partial' : '');
  rows.push('');
  row(['[byCounty] 按区县放款 Disbursed by county (元 CNY)']);
  row('key', 'label', 'disbursed');
  for (const c of shown.series.county) row([c.key], [c.label], csvValue(c.disbursed, c.suppressed));
  rows.push('');
  row(['[byCategory] 按借款人类别放款 Disbursed by borrower category (元 CNY)']);
  row('key', 'label', 'disbursed');
  for (const c of shown.series.category) row([c.key], [c.label], csvValue(c.disbursed, c.suppressed));
  for (const [table, title] of [
    ['bank', '[bankLeague] 银行排名 Banks (元 CNY)'],
    ['insurer', '[insurerLeague] 保险公司排名 Insurers (元 CNY)'],
  ]) {
    rows.push('');
    row([title]);
    row('rank', 'institutionId', 'institution', 'loans', 'disbursed', 'defaultRate', 'lossRatio', 'claimsPaid');
    for (const r of shown.league.filter((x) => x.table === table)) {
      const s = r.suppressed;
      const c = r.cell;
      row(
        r.rank,
        [r.id],
        [r.name],
        csvValue(c.loans, s),
        csvValue(c.disbursed, s),
        csvValue(c.defaultRate, s),
        csvValue(c.lossRatio, s),
        csvValue(c.claimsPaid, s),
      );
    }
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
