/* League tables, one for banks and one for insurers: every loan has one of each, so each
 * table's disbursed column adds up to the programme's (the total row), never to twice it. */

import { $, el, num } from './dom.js';

/** The columns after rank and name: [suffix, field, kind, label]. The label also heads the column on a phone's card. */
export const LEAGUE_COLUMNS = [
  ['loans', 'loans', 'int', '贷款笔数 Loans'],
  ['disbursed', 'disbursed', 'wan', '放款金额 (万元) Disbursed (CNY 10k)'],
  ['default-rate', 'defaultRate', 'rate', '违约率 Default rate'],
  ['loss-ratio', 'lossRatio', 'rate', '赔付率 Loss ratio'],
  ['claims-paid', 'claimsPaid', 'wan', '已付理赔 (万元) Claims paid (CNY 10k)'],
];

function cellTd(testid, kind, value, suppressed, label) {
  const td = num('td', testid, kind, value, suppressed, 'n');
  td.dataset.label = label;
  return td;
}

function renderTable(kind, rows, totals, shown) {
  const body = $(`league-${kind}-body`);
  const foot = $(`league-${kind}-foot`);
  body.replaceChildren();
  foot.replaceChildren();
  if (!rows.length) {
    body.append(el('tr', {}, el('td', { colspan: String(LEAGUE_COLUMNS.length + 2), class: 'empty', text: '无数据 No data' })));
    return;
  }
  for (const r of rows) {
    const id = r.institution.id;
    const c = r.cell;
    const s = !!c.suppressed;
    const p = `league-${kind}-${id}`;
    const rank = num('td', p + '-rank', 'int', r.rank, false, 'n rank');
    rank.dataset.label = '排名 Rank';
    body.append(
      el(
        'tr',
        { 'data-testid': p, class: s ? 'row-withheld' : undefined },
        rank,
        el('th', { scope: 'row', class: 'inst' }, el('span', { class: 'inst-name', 'data-testid': p + '-name', text: r.institution.name })),
        ...LEAGUE_COLUMNS.map(([suffix, field, k, label]) => cellTd(`${p}-${suffix}`, k, c[field], s, label)),
      ),
    );
    shown.league.push({ table: kind, rank: r.rank, id, name: r.institution.name, suppressed: s, cell: c });
  }
  // the programme (or the filtered selection) as a whole: what the column adds up to
  const p = `league-${kind}-total`;
  const ts = !!totals.suppressed;
  foot.append(
    el(
      'tr',
      { class: 'total-row', 'data-testid': p },
      el('td', { class: 'n rank', 'aria-hidden': 'true' }),
      el('th', { scope: 'row', class: 'inst', text: '合计 Total' }),
      cellTd(p + '-loans', 'int', totals.loans, ts, LEAGUE_COLUMNS[0][3]),
      cellTd(p + '-disbursed', 'wan', totals.disbursed, ts, LEAGUE_COLUMNS[1][3]),
      cellTd(p + '-default-rate', 'rate', totals.defaultRate, ts, LEAGUE_COLUMNS[2][3]),
      cellTd(p + '-loss-ratio', 'rate', totals.lossRatio, ts, LEAGUE_COLUMNS[3][3]),
      cellTd(p + '-claims-paid', 'wan', totals.claimsPaid, ts, LEAGUE_COLUMNS[4][3]),
    ),
  );
}

export function renderLeague(pm, shown) {
  renderTable('bank', pm.bankLeague, pm.totals, shown);
  renderTable('insurer', pm.insurerLeague, pm.totals, shown);
}
