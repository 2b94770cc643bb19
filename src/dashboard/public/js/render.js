/* Rendering: the meta line, then the KPI tiles, charts and league table. */

import { renderCharts } from './charts.js';
import { $, num } from './dom.js';
import { renderKpis } from './kpis.js';
import { renderLeague } from './league.js';
import { state } from './state.js';

export function render(pm, filter) {
  state.minimumCellSize = pm.minimumCellSize;
  const shown = {
    filter,
    generatedAt: pm.generatedAt,
    minimumCellSize: pm.minimumCellSize,
    referenceGuaranteeCost: pm.referenceGuaranteeCost,
    kpis: [],
    series: {},
    league: [],
  };

  $('generated-at').textContent = new Date(pm.generatedAt).toLocaleString('zh-CN', { hour12: false });
  $('generated-at').dateTime = pm.generatedAt;
  $('generated-at').dataset.value = pm.generatedAt;
  $('min-cell').replaceWith(Object.assign(num('span', 'meta-minimum-cell-size', 'int', pm.minimumCellSize, false), { id: 'min-cell' }));
  $('ref-cost').replaceWith(
    Object.assign(num('span', 'meta-reference-guarantee-cost', 'rate', pm.referenceGuaranteeCost, false), { id: 'ref-cost' }),
  );

  renderKpis(pm, shown);
  renderCharts(pm, shown);
  renderLeague(pm, shown);
  state.shown = shown;
}
