/* A figure tile: a bilingual label, one number, optional sub-figures, a note and a method. */

import { both, el, num } from './dom.js';

/**
 * t: { id, zh, en, kind, value, suppressed, featured, note, title, method, extra, subs: [{ id, zh, en, kind, value, suppressed }] }.
 * `title` is the tooltip of the whole tile; `method` a "计算方法 Method" disclosure (touch screens have no hover).
 * Records every number in shown.kpis in display order.
 */
export function tile(t, shown) {
  const valueId = 'kpi-' + t.id;
  const head = el(
    'div',
    { class: 'kpi-label', id: valueId + '-label' },
    el('span', { class: 'zh', text: t.zh }),
    el('span', { class: 'en', text: t.en }),
  );
  const main = t.kind ? num('div', valueId, t.kind, t.value, t.suppressed, 'kpi-value') : null;
  if (main) main.setAttribute('aria-labelledby', valueId + '-label');
  if (t.kind) shown.kpis.push({ id: valueId, label: both(t.zh, t.en), kind: t.kind, value: t.value, suppressed: !!t.suppressed });
  const box = el(
    'article',
    { class: 'kpi' + (t.featured ? ' kpi-featured' : '') + (t.wide ? ' kpi-wide' : ''), 'data-testid': 'tile-' + t.id, title: t.title },
    head,
    main,
  );
  if (t.extra) box.append(t.extra);
  if (t.subs && t.subs.length) {
    const dl = el('dl', { class: 'kpi-subs' });
    for (const s of t.subs) {
      const sid = 'kpi-' + s.id;
      dl.append(el('div', { class: 'kpi-sub' }, el('dt', { text: both(s.zh, s.en) }), num('dd', sid, s.kind, s.value, s.suppressed)));
      shown.kpis.push({ id: sid, label: both(s.zh, s.en), kind: s.kind, value: s.value, suppressed: !!s.suppressed });
    }
    box.append(dl);
  }
  if (t.note) box.append(el('p', { class: 'kpi-note', 'data-testid': 'tile-' + t.id + '-note', text: t.note }));
  if (t.method) {
    box.append(
      el(
        'details',
        { class: 'kpi-method' },
        el('summary', { text: '计算方法 Method' }),
        el('p', { 'data-testid': 'tile-' + t.id + '-method', text: t.method }),
      ),
    );
  }
  return box;
}
