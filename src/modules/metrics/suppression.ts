/**
 * Small-group suppression for the programme metrics, safe against differencing.
 *
 * Every published figure belongs to a group: the whole programme, one dimension value
 * (county X) or two (county X and sector Y; months are a dimension too). A group's size is
 * `people`: borrowers whose first programme application is in it, a lower bound of who is
 * behind it. `apps` tells an empty group (nothing to hide) from a small one.
 *
 * 1. Primary: a non-empty group with fewer than k people is withheld; so is a group whose
 *    difference from any coarser group (drop one or both conditions; for a year, the same
 *    group over all years) holds fewer than k people but is not empty, since subtracting the
 *    two published figures would reveal that difference.
 * 2. Secondary, to a fixpoint: in every table (a total and the cells that partition it: the
 *    programme by county, county X by sector, …) the withheld cells must be at least two and
 *    hold at least k people together, or total − published cells would reveal them. Forced
 *    moves come first: a withheld total withholds all its cells, and a table with nothing
 *    left to withhold withholds its total. Only then is a choice made: the smallest published
 *    cell of an exposed table. Decisions are per group, not per table, so the same group is
 *    withheld in every table it appears in.
 */
export const DIMS = ['county', 'category', 'sector', 'bank', 'insurer', 'month'] as const;
export type Dim = (typeof DIMS)[number];
export type Condition = readonly [Dim, string];

export interface Size {
  apps: number;
  people: number;
}

export function keyOf(conds: readonly Condition[]): string {
  return [...conds]
    .sort((a, b) => DIMS.indexOf(a[0]) - DIMS.indexOf(b[0]))
    .map(([d, v]) => `${d}=${v}`)
    .join('|');
}

export function conditionsOf(key: string): Condition[] {
  if (key === '') return [];
  return key.split('|').map((part) => {
    const i = part.indexOf('=');
    return [part.slice(0, i) as Dim, part.slice(i + 1)] as const;
  });
}

function subsets<T>(xs: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let mask = 0; mask < 1 << xs.length; mask++) out.push(xs.filter((_, i) => mask & (1 << i)));
  return out;
}

const EMPTY: Size = { apps: 0, people: 0 };

export function suppress(sizes: Map<string, Size>, k: number, allTime?: Map<string, Size>): Set<string> {
  const out = new Set<string>();
  const size = (key: string) => sizes.get(key) ?? EMPTY;
  const revealsSmall = (outer: Size, inner: Size) => outer.apps - inner.apps > 0 && outer.people - inner.people < k;

  for (const [key, s] of sizes) {
    if (s.apps === 0) continue;
    const conds = conditionsOf(key);
    let withhold = s.people < k;
    for (const coarser of subsets(conds)) {
      if (withhold || coarser.length === conds.length) continue;
      withhold = revealsSmall(size(keyOf(coarser)), s);
    }
    if (!withhold && allTime) withhold = revealsSmall(allTime.get(key) ?? EMPTY, s);
    if (withhold) out.add(key);
  }

  const tables = partitions(sizes);
  const nonEmpty = tables.map((t) => t.cells.filter((c) => size(c).apps > 0));
  /** A table whose withheld cells total − published cells would reveal. */
  const exposed = (i: number) => {
    if (out.has(tables[i].total)) return false; // nothing published to subtract from
    const withheld = nonEmpty[i].filter((c) => out.has(c));
    return withheld.length > 0 && (withheld.length < 2 || withheld.reduce((n, c) => n + size(c).people, 0) < k);
  };
  for (;;) {
    // forced moves first: they often settle a table that would otherwise cost a needless choice
    let forced = true;
    while (forced) {
      forced = false;
      tables.forEach((t, i) => {
        if (out.has(t.total)) {
          for (const c of nonEmpty[i]) {
            if (!out.has(c)) {
              out.add(c);
              forced = true;
            }
          }
        } else if (exposed(i) && nonEmpty[i].every((c) => out.has(c))) {
          out.add(t.total);
          forced = true;
        }
      });
    }
    // then one choice: the smallest published cell of the first exposed table
    const i = tables.findIndex((_, j) => exposed(j));
    if (i < 0) break;
    const next = nonEmpty[i]
      .filter((c) => !out.has(c))
      .sort((a, b) => size(a).people - size(b).people || size(a).apps - size(b).apps || a.localeCompare(b))[0];
    out.add(next);
  }
  return out;
}

/** Every total and the cells that partition it, among the groups present. */
export function partitions(sizes: Map<string, Size>): { total: string; cells: string[] }[] {
  const byTotalAndDim = new Map<string, string[]>();
  for (const key of sizes.keys()) {
    const conds = conditionsOf(key);
    for (let i = 0; i < conds.length; i++) {
      const rest = conds.filter((_, j) => j !== i);
      const id = `${keyOf(rest)}#${conds[i][0]}`;
      (byTotalAndDim.get(id) ?? byTotalAndDim.set(id, []).get(id)!).push(key);
    }
  }
  return [...byTotalAndDim].map(([id, cells]) => ({ total: id.slice(0, id.lastIndexOf('#')), cells }));
}
