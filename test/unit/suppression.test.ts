import { describe, expect, it } from 'vitest';
import { keyOf, suppress, type Dim, type Size } from '../../src/modules/metrics/suppression.js';

const k = 5;
/** Build sizes from borrowers listed as [county, sector, month] (each a first-time applicant). */
function cube(people: [string, string, string][]) {
  const sizes = new Map<string, Size>();
  const add = (conds: [Dim, string][]) => {
    const key = keyOf(conds);
    const s = sizes.get(key) ?? { apps: 0, people: 0 };
    sizes.set(key, { apps: s.apps + 1, people: s.people + 1 });
  };
  for (const [county, sector, month] of people) {
    const c: [Dim, string][] = [
      ['county', county],
      ['sector', sector],
      ['month', month],
    ];
    add([]);
    for (const x of c) add([x]);
    for (let i = 0; i < c.length; i++) for (let j = i + 1; j < c.length; j++) add([c[i], c[j]]);
  }
  return sizes;
}
const rep = (n: number, row: [string, string, string]) => Array.from({ length: n }, () => row);

describe('suppression', () => {
  it('withholds groups under k and leaves the rest', () => {
    const s = cube([
      ...rep(30, ['A', 'breeding', '2026-01']),
      ...rep(3, ['B', 'breeding', '2026-01']),
      ...rep(30, ['C', 'retail', '2026-01']),
    ]);
    const out = suppress(s, k);
    expect(out.has('county=B')).toBe(true);
    expect(out.has('')).toBe(false);
    // one of the two large counties is withheld as well (secondary), not both
    expect([out.has('county=A'), out.has('county=C')].filter(Boolean)).toHaveLength(1);
  });

  it('withholds a second cell so that total − published cells cannot reveal the small one', () => {
    const s = cube([
      ...rep(30, ['A', 'breeding', '2026-01']),
      ...rep(3, ['B', 'breeding', '2026-01']),
      ...rep(30, ['C', 'retail', '2026-01']),
    ]);
    const out = suppress(s, k);
    const counties = ['county=A', 'county=B', 'county=C'].filter((c) => out.has(c));
    expect(counties.length).toBeGreaterThanOrEqual(2);
    const hidden = counties.reduce((n, c) => n + s.get(c)!.people, 0);
    expect(hidden).toBeGreaterThanOrEqual(k);
  });

  it('blocks the differencing attack: county X minus (county X and sector Y) would reveal a group of 2', () => {
    // county X: 10 in breeding, 2 in retail; both published figures would leak the 2
    const s = cube([
      ...rep(10, ['X', 'breeding', '2026-01']),
      ...rep(2, ['X', 'retail', '2026-01']),
      ...rep(40, ['Z', 'breeding', '2026-01']),
      ...rep(40, ['Z', 'retail', '2026-01']),
    ]);
    const out = suppress(s, k);
    const total = !out.has('county=X');
    const cell = !out.has('county=X|sector=breeding');
    // never both published (their difference is the 2 borrowers of X in retail)
    expect(total && cell).toBe(false);
    expect(out.has('county=X|sector=retail')).toBe(true);
  });

  it('is consistent: a group is withheld in every table it appears in, so no pair of published figures differs by a small group', () => {
    const rows: [string, string, string][] = [];
    const counties = ['A', 'B', 'C', 'D'];
    const sectors = ['breeding', 'planting', 'retail'];
    const months = ['2026-01', '2026-02'];
    let n = 0;
    for (const c of counties)
      for (const s of sectors) for (const m of months) rows.push(...rep(((n++ * 7) % 11) + (n % 3 === 0 ? 0 : 1), [c, s, m]));
    const sizes = cube(rows);
    const out = suppress(sizes, k);
    const published = [...sizes.keys()].filter((x) => !out.has(x) && sizes.get(x)!.apps > 0);
    // for every published pair where one group's conditions contain the other's, the difference is 0 or ≥ k
    for (const a of published) {
      for (const b of published) {
        if (a === b) continue;
        const ca = a ? a.split('|') : [];
        const cb = b ? b.split('|') : [];
        if (!ca.every((c) => cb.includes(c))) continue; // b is finer than a
        const diff = sizes.get(a)!.people - sizes.get(b)!.people;
        expect(diff === 0 || diff >= k).toBe(true);
      }
    }
  });

  it('withholds a year’s figure when all years minus that year is a small group', () => {
    const year = cube(rep(20, ['A', 'breeding', '2026-01']));
    const all = cube([...rep(20, ['A', 'breeding', '2026-01']), ...rep(2, ['A', 'breeding', '2025-06'])]);
    const out = suppress(year, k, all);
    expect(out.has('')).toBe(true);
    const allEnough = cube([...rep(20, ['A', 'breeding', '2026-01']), ...rep(6, ['A', 'breeding', '2025-06'])]);
    expect(suppress(year, k, allEnough).has('')).toBe(false);
  });

  it('publishes empty groups as zeros: nothing to hide', () => {
    const s = new Map<string, Size>([['', { apps: 0, people: 0 }]]);
    expect(suppress(s, k).size).toBe(0);
  });
});
