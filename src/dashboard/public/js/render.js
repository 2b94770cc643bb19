/* Rendering: the meta line, then the money story, the key figures, charts and league tables. */

import { renderCharts } from './charts.js';
import { $, num } from './dom.js';
import { renderKpis } from './kpis.js';
import { renderLeague } from './league.js';
import { renderMoney } from './money.js';
import { state } from './state.js';

export function render(pm, filter) {
  state.minimumCellSize = pm.minimumCellSize;
  const shown = {
    filter,
    generatedAt: pm.generatedAt,
    period: pm.period,
    minimumCellSize: pm.minimumCellSize,
    referenceGuaranteeCost: pm.referenceGuaranteeCost,
    kpis: [],
    series: {},
    league: [],
  };

  $('generated-at').textContent = new Date(pm.generatedAt).toLocaleString('zh-CN', { hour12: false });
  $('generated-at').dateTime = pm.generatedAt;
  $('generated-at').dataset.value = pm.generatedAt;
  $('period').textContent = `${pm.period.from ?? '—'} 至 ${pm.period.to}`;
  $('min-cell').replaceWith(Object.assign(num('span', 'meta-minimum-cell-size', 'int', pm.minimumCellSize, false), { id: 'min-cell' }));
  $('ref-cost').replaceWith(
    Object.assign(num('span', 'meta-reference-guarantee-cost', 'rate', pm.referenceGuaranteeCost, false), { id: 'ref-cost' }),
  );

  renderMoney(pm, filter, shown);
  renderKpis(pm, shown);
  renderCharts(pm, shown);
  renderLeague(pm, shown);
  state.shown = shown;
  state.filter = filter;
}
