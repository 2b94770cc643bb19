/* Charts (Chart.js, loaded as a classic script before the modules): monthly, by county, by category. */

import { $, el, withheldChip } from './dom.js';
import { fmtAxisMoney, fmtInt, fmtMoney, fmtYuan } from './format.js';
import { categoryLabel, cellLabel } from './labels.js';
import { state } from './state.js';

const PALETTE = ['#1f4e8c', '#2a9d8f', '#e9a03b', '#c8553d', '#6a4c93', '#4d908e', '#577590', '#f3722c'];

function withheldNote(noteEl, cells) {
  noteEl.replaceChildren();
  const hidden = cells.filter((c) => c.suppressed);
  if (!hidden.length) return;
  noteEl.append(withheldChip(), ` 以下分组数据已隐藏，未在图中显示 Withheld, not charted (${hidden.length}): `);
  hidden.forEach((c, i) => {
    if (i) noteEl.append('、');
    noteEl.append(el('span', { class: 'withheld-key', 'data-testid': 'withheld-' + (c.key || 'unknown'), text: cellLabel(c) }));
  });
}

/** No animation: a growing bar shows figures that never were. */
function chartOptions(extra) {
  return Object.assign(
    {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      plugins: { legend: { position: 'bottom', labels: { boxWidth: 12, boxHeight: 12 } } },
    },
    extra,
  );
}

const lastDayOf = (ym) => {
  const [y, m] = ym.split('-').map(Number);
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
};

/**
 * The months the period cuts short: the programme's (or the year's) first month when it did not
 * start on the 1st, and the current month until its last day. Key → { zh, en } of what it covers.
 */
export function partialMonths(pm) {
  const out = new Map();
  const from = pm.period && pm.period.from;
  const to = pm.period && pm.period.to;
  for (const c of pm.monthly) {
    if (!c.key) continue;
    const first = from && from.slice(0, 7) === c.key && from.slice(8) !== '01';
    const last = to && to.slice(0, 7) === c.key && Number(to.slice(8)) !== lastDayOf(c.key);
    if (!first && !last) continue;
    const a = first ? Number(from.slice(8)) : 1;
    const b = last ? Number(to.slice(8)) : lastDayOf(c.key);
    out.set(c.key, { zh: `仅含 ${a}–${b} 日`, en: `days ${a}–${b} only` });
  }
  return out;
}

/** Diagonal stripes: a partial month's bar, lighter and hatched, so it does not read as a collapse. */
function hatch(color) {
  const c = document.createElement('canvas');
  c.width = c.height = 8;
  const g = c.getContext('2d');
  g.fillStyle = 'rgba(31, 78, 140, 0.18)';
  g.fillRect(0, 0, 8, 8);
  g.strokeStyle = color;
  g.lineWidth = 2;
  g.beginPath();
  g.moveTo(0, 8);
  g.lineTo(8, 0);
  g.moveTo(-2, 2);
  g.lineTo(2, -2);
  g.moveTo(6, 10);
  g.lineTo(10, 6);
  g.stroke();
  return g.createPattern(c, 'repeat');
}

function upsertChart(key, canvas, config, cells) {
  if (state.charts[key]) state.charts[key].destroy();
  state.charts[key] = new window.Chart(canvas, config);
  // An empty selection says so rather than showing bare axes.
  const empty = !cells.some((c) => Number(c.disbursed || 0) !== 0 || Number(c.loans || 0) !== 0);
  const box = canvas.parentElement;
  let msg = box.querySelector('.chart-empty');
  if (!msg) {
    msg = el('p', { class: 'chart-empty', 'data-testid': canvas.id + '-empty', text: '暂无数据 No data for this selection' });
    box.append(msg);
  }
  msg.hidden = !empty;
}

/** Under the monthly chart: which months are partial, and what they cover. */
function partialNote(partial) {
  const note = $('partial-monthly');
  note.replaceChildren();
  const card = note.closest('figure');
  card.dataset.partialMonths = Array.from(partial.keys()).join(',');
  if (!partial.size) return;
  note.append(
    el('span', { class: 'partial-sample', 'aria-hidden': 'true' }),
    ' 斜纹柱、虚线为不完整月份，不代表放款下滑 Hatched bars and dashed line: partial months, not a fall in lending — ',
  );
  Array.from(partial).forEach(([key, p], i) => {
    if (i) note.append('；');
    note.append(el('span', { class: 'partial-key', 'data-testid': 'partial-' + key, text: `${key} ${p.zh} (${p.en})` }));
  });
}

export function renderCharts(pm, shown) {
  if (!window.Chart) throw new Error('Chart.js did not load');
  const ch = window.Chart;
  ch.defaults.font.family = '"PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", "Source Han Sans SC", system-ui, sans-serif';
  ch.defaults.color = '#4a5568';

  // Monthly: amount bars and a loans line on a second axis; partial months hatched, their line dashed.
  const months = pm.monthly.filter((c) => !c.suppressed);
  const monthMoney = months.map((c) => c.disbursed);
  const partial = partialMonths(pm);
  const isPartial = months.map((c) => partial.has(c.key));
  const solid = 'rgba(31, 78, 140, 0.85)';
  const striped = hatch('rgba(31, 78, 140, 0.85)');
  upsertChart(
    'monthly',
    $('chart-monthly'),
    {
      type: 'bar',
      data: {
        labels: months.map(cellLabel),
        datasets: [
          {
            type: 'bar',
            label: '放款金额 Disbursed',
            data: months.map((c) => Number(c.disbursed ?? 0)),
            backgroundColor: isPartial.map((p) => (p ? striped : solid)),
            borderColor: solid,
            borderWidth: isPartial.map((p) => (p ? 1 : 0)),
            borderRadius: 3,
            yAxisID: 'y',
            order: 2,
          },
          {
            type: 'line',
            label: '贷款笔数 Loans',
            data: months.map((c) => c.loans ?? 0),
            borderColor: '#e9a03b',
            backgroundColor: '#e9a03b',
            pointRadius: 2.5,
            pointStyle: isPartial.map((p) => (p ? 'rectRot' : 'circle')),
            segment: { borderDash: (ctx) => (isPartial[ctx.p0DataIndex] || isPartial[ctx.p1DataIndex] ? [5, 4] : undefined) },
            tension: 0.25,
            yAxisID: 'y1',
            order: 1,
          },
        ],
      },
      options: chartOptions({
        interaction: { mode: 'index', intersect: false },
        scales: {
          x: { grid: { display: false }, ticks: { maxRotation: 0, autoSkipPadding: 12 } },
          y: { beginAtZero: true, position: 'left', title: { display: true, text: '元 CNY' }, ticks: { callback: fmtAxisMoney } },
          y1: {
            beginAtZero: true,
            position: 'right',
            grid: { drawOnChartArea: false },
            title: { display: true, text: '笔 Loans' },
            ticks: { precision: 0 },
          },
        },
        plugins: {
          legend: { position: 'bottom', labels: { boxWidth: 12, boxHeight: 12, sort: (a, b) => a.datasetIndex - b.datasetIndex } },
          tooltip: {
            callbacks: {
              label: (ctx) =>
                ctx.datasetIndex === 0
                  ? `${ctx.dataset.label}: ${fmtMoney(monthMoney[ctx.dataIndex])} (${fmtYuan(monthMoney[ctx.dataIndex])})`
                  : `${ctx.dataset.label}: ${fmtInt(ctx.raw)}`,
              footer: (items) => {
                const p = items.length ? partial.get(months[items[0].dataIndex].key) : null;
                return p ? `不完整月份，${p.zh} Partial month: ${p.en}` : '';
              },
            },
          },
        },
      }),
    },
    months,
  );
  withheldNote($('note-monthly'), pm.monthly);
  partialNote(partial);
  shown.series.monthly = pm.monthly.map((c) => ({
    key: c.key,
    label: cellLabel(c),
    suppressed: !!c.suppressed,
    disbursed: c.disbursed,
    loans: c.loans,
    partial: partial.has(c.key),
  }));

  // By county: horizontal bars (sixteen Chinese place names read better down the side).
  const counties = pm.byCounty.filter((c) => !c.suppressed);
  const countyMoney = counties.map((c) => c.disbursed);
  upsertChart(
    'county',
    $('chart-county'),
    {
      type: 'bar',
      data: {
        labels: counties.map(cellLabel),
        datasets: [
          {
            label: '放款金额 Disbursed',
            data: counties.map((c) => Number(c.disbursed ?? 0)),
            backgroundColor: 'rgba(42, 157, 143, 0.8)',
            borderRadius: 3,
          },
        ],
      },
      options: chartOptions({
        indexAxis: 'y',
        scales: {
          x: { beginAtZero: true, ticks: { callback: fmtAxisMoney } },
          y: { grid: { display: false }, ticks: { autoSkip: false } },
        },
        plugins: {
          legend: { display: false },
          tooltip: {
            callbacks: {
              label: (ctx) => `${ctx.dataset.label}: ${fmtMoney(countyMoney[ctx.dataIndex])} (${fmtYuan(countyMoney[ctx.dataIndex])})`,
            },
          },
        },
      }),
    },
    counties,
  );
  withheldNote($('note-county'), pm.byCounty);
  shown.series.county = pm.byCounty.map((c) => ({ key: c.key, label: cellLabel(c), suppressed: !!c.suppressed, disbursed: c.disbursed }));

  // By category: doughnut of amounts.
  const cats = pm.byCategory.filter((c) => !c.suppressed);
  const catMoney = cats.map((c) => c.disbursed);
  upsertChart(
    'category',
    $('chart-category'),
    {
      type: 'doughnut',
      data: {
        labels: cats.map(categoryLabel),
        datasets: [
          {
            label: '放款金额 Disbursed',
            data: cats.map((c) => Number(c.disbursed ?? 0)),
            backgroundColor: cats.map((_, i) => PALETTE[i % PALETTE.length]),
            borderColor: '#fff',
            borderWidth: 2,
          },
        ],
      },
      options: chartOptions({
        cutout: '58%',
        plugins: {
          legend: { position: 'bottom', labels: { boxWidth: 12, boxHeight: 12 } },
          tooltip: {
            callbacks: { label: (ctx) => `${ctx.label}: ${fmtMoney(catMoney[ctx.dataIndex])} (${fmtYuan(catMoney[ctx.dataIndex])})` },
          },
        },
      }),
    },
    cats,
  );
  withheldNote($('note-category'), pm.byCategory);
  shown.series.category = pm.byCategory.map((c) => ({
    key: c.key,
    label: categoryLabel(c),
    suppressed: !!c.suppressed,
    disbursed: c.disbursed,
  }));
}
