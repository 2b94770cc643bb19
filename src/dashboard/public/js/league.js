/* Institution league table. */

import { $, el, num } from './dom.js';
import { KIND_LABEL } from './labels.js';

export function renderLeague(pm, shown) {
  const body = $('league-body');
  body.replaceChildren();
  if (!pm.leagueTable.length) {
    body.append(el('tr', {}, el('td', { colspan: '7', class: 'empty', text: '无数据 No data' })));
    return;
  }
  for (const r of pm.leagueTable) {
    const id = r.institution.id;
    const c = r.cell;
    const s = !!c.suppressed;
    const p = 'league-row-' + id;
    const tr = el(
      'tr',
      { 'data-testid': p, class: s ? 'row-withheld' : undefined },
      num('td', p + '-rank', 'int', r.rank, false, 'n rank'),
      el(
        'th',
        { scope: 'row', class: 'inst' },
        el('span', { class: 'inst-name', 'data-testid': p + '-name', text: r.institution.name }),
        el('span', {
          class: 'badge badge-' + String(r.institution.kind).toLowerCase(),
          text: KIND_LABEL[r.institution.kind] || r.institution.kind,
        }),
      ),
      num('td', p + '-loans', 'int', c.loans, s, 'n'),
      num('td', p + '-disbursed', 'money', c.disbursed, s, 'n'),
      num('td', p + '-default-rate', 'rate', c.defaultRate, s, 'n'),
      num('td', p + '-loss-ratio', 'rate', c.lossRatio, s, 'n'),
      num('td', p + '-claims-paid', 'money', c.claimsPaid, s, 'n'),
    );
    body.append(tr);
    shown.league.push({
      rank: r.rank,
      id,
      name: r.institution.name,
      kind: r.institution.kind,
      suppressed: s,
      loans: c.loans,
      disbursed: c.disbursed,
      defaultRate: c.defaultRate,
      lossRatio: c.lossRatio,
      claimsPaid: c.claimsPaid,
    });
  }
}
