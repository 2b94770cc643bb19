/* Charts (Chart.js, loaded as a classic script before the modules): monthly, by county, by category. */

import { $, el, withheldChip } from './dom.js';
import { fmtAxisMoney, fmtInt, fmtMoney } from './format.js';
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

function chartOptions(extra) {
  const reduce = window.matchMedia && window.matchMedia('(prefers-reduced-motion: reduce)').matches;
  return Object.assign(
    {
      responsive: true,
      maintainAspectRatio: false,
      animation: reduce ? false : { duration: 450 },
      plugins: { legend: { position: 'bottom', labels: { boxWidth: 12, boxHeight: 12 } } },
    },
    extra,
  );
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

export function renderCharts(pm, shown) {
  if (!window.Chart) throw new Error('Chart.js did not load');
  const ch = window.Chart;
  ch.defaults.font.family = '"PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", "Source Han Sans SC", system-ui, sans-serif';
  ch.defaults.color = '#4a5568';

  // Monthly: amount bars and a loans line on a second axis.
  const months = pm.monthly.filter((c) => !c.suppressed);
  const monthMoney = months.map((c) => c.disbursed);
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
            label: '放款金额 Disbursed (CNY)',
            data: months.map((c) => Number(c.disbursed ?? 0)),
            backgroundColor: 'rgba(31, 78, 140, 0.78)',
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
                  ? `${ctx.dataset.label}: ${fmtMoney(monthMoney[ctx.dataIndex])}`
                  : `${ctx.dataset.label}: ${fmtInt(ctx.raw)}`,
            },
          },
        },
      }),
    },
    months,
  );
  withheldNote($('note-monthly'), pm.monthly);
  shown.series.monthly = pm.monthly.map((c) => ({
    key: c.key,
    label: cellLabel(c),
    suppressed: !!c.suppressed,
    disbursed: c.disbursed,
    loans: c.loans,
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
            label: '放款金额 Disbursed (CNY)',
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
          tooltip: { callbacks: { label: (ctx) => `${ctx.dataset.label}: ${fmtMoney(countyMoney[ctx.dataIndex])}` } },
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
            label: '放款金额 Disbursed (CNY)',
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
          tooltip: { callbacks: { label: (ctx) => `${ctx.label}: ${fmtMoney(catMoney[ctx.dataIndex])}` } },
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
