import { Decimal } from 'decimal.js';
import type { Executor } from '../../db/client.js';
import * as store from './store.js';
import { conditionsOf, keyOf, suppress, type Condition, type Dim, type Size } from './suppression.js';

const rate = (num: Decimal.Value, den: Decimal.Value) =>
  new Decimal(den).isZero() ? null : new Decimal(num).div(den).toDecimalPlaces(6, Decimal.ROUND_HALF_UP).toString();

/** One group's published figures, from its kept row (all zero when the group is empty). */
export function figures(r: store.GroupRow | undefined, referenceCost: string) {
  const z = (x: string | undefined) => x ?? '0';
  const disbursed = z(r?.disbursed);
  const avgCost = rate(z(r?.costWeighted), disbursed);
  const decided = (r?.approvals ?? 0) + (r?.declines ?? 0);
  return {
    applications: r?.applications ?? 0,
    approvals: r?.approvals ?? 0,
    approvalRate: rate(r?.approvals ?? 0, decided),
    loans: r?.loans ?? 0,
    disbursed,
    outstanding: z(r?.outstanding),
    borrowersReached: r?.borrowersReached ?? 0,
    averageInterestRate: rate(z(r?.interestWeighted), disbursed),
    averagePremiumRate: rate(z(r?.premiumRateWeighted), disbursed),
    averageFinancingCost: avgCost,
    savingsVsGuaranteeCompany:
      avgCost === null
        ? null
        : new Decimal(1).minus(new Decimal(avgCost).div(referenceCost)).toDecimalPlaces(6, Decimal.ROUND_HALF_UP).toString(),
    defaults: r?.defaults ?? 0,
    defaultedAmount: z(r?.defaultedAmount),
    defaultRate: rate(r?.defaults ?? 0, r?.loans ?? 0),
    claimsPaid: z(r?.claimsPaid),
    compensationPaid: z(r?.compensationPaid),
    recoveries: z(r?.recoveries),
    premiums: z(r?.premiums),
    premiumSubsidy: z(r?.subsidy),
    lossRatio: rate(new Decimal(z(r?.claimsPaid)).minus(z(r?.compensationPaid)).minus(z(r?.recoveredInsurer)), z(r?.premiums)),
  };
}

export type Figures = ReturnType<typeof figures>;

/** What one scope's kept groups give, once per version of the aggregates: every request at that version reuses it. */
export interface CubeView {
  version: number;
  /** The scope's figures of a group (memoised), by group key. */
  figuresOf(key: string): Figures;
  /** Keys withheld in the scope (a year checked against all years as well). */
  withheld: ReadonlySet<string>;
  /** The values of `dim` among the groups that split the group `total` (a group key) by it, sorted. */
  values(total: string, dim: Dim): readonly string[];
  /** The programme over all years: its total's figures and whether that total is withheld. */
  all: { total: Figures; withheld: boolean; firstCohortDay: string | null };
}

/**
 * Views kept per process and database (a process serves one; a test file may open a few): a
 * few versions × scopes × parameter pairs each, the least recently used going first.
 */
const MAX_VIEWS = 16;
const cache = new WeakMap<Executor, Map<string, Promise<CubeView>>>();

function remember(views: Map<string, Promise<CubeView>>, id: string, p: Promise<CubeView>) {
  views.delete(id);
  views.set(id, p);
  while (views.size > MAX_VIEWS) views.delete(views.keys().next().value!);
}

/**
 * The view of a scope (a cohort year, or all years when undefined) at the aggregates' version
 * `version` (store.version, read by the caller this request), for the minimum cell size and
 * reference cost in force. Built from the database on a miss; the view is filed under the
 * version its own statement read (one snapshot), so it always equals what that version holds.
 */
export function cubeView(db: Executor, version: number, year: number | undefined, k: number, ref: string): Promise<CubeView> {
  const views = cache.get(db) ?? cache.set(db, new Map()).get(db)!;
  const idOf = (v: number) => `${v}|${year ?? ''}|${k}|${ref}`;
  const id = idOf(version);
  const hit = views.get(id);
  if (hit) {
    remember(views, id, hit);
    return hit;
  }
  const built = build(db, year, k, ref).then((v) => {
    // a write committed between the caller's version read and ours: file it under what it is
    if (v.version !== version) {
      if (views.get(id) === built) views.delete(id);
      remember(views, idOf(v.version), built);
    }
    return v;
  });
  built.catch(() => {
    if (views.get(id) === built) views.delete(id);
  });
  remember(views, id, built);
  return built;
}

async function build(db: Executor, year: number | undefined, k: number, ref: string): Promise<CubeView> {
  const scope = year === undefined ? 'ALL' : `Y${year}`;
  const { version, rows } = await store.groups(db, year === undefined ? ['ALL'] : [scope, 'ALL']);
  const rowsYear = rows.filter((r) => r.scope === scope);
  const rowsAll = year === undefined ? null : rows.filter((r) => r.scope === 'ALL');
  const parsed = new Map<string, Condition[]>(rows.map((r) => [r.key, conditionsOf(r.key)]));
  const sizesOf = (rs: store.GroupRow[]) =>
    withZero(new Map<string, Size>(rs.map((r) => [r.key, { apps: r.applications, people: r.newApplicants }])));
  const withheld = suppress(sizesOf(rowsYear), k, rowsAll ? sizesOf(rowsAll) : undefined);
  const allWithheld = rowsAll ? suppress(sizesOf(rowsAll), k) : withheld;

  // every (total, dimension) split among the scope's groups, parsed once
  const splits = new Map<string, string[]>();
  for (const r of rowsYear) {
    const conds = parsed.get(r.key)!;
    conds.forEach(([dim, value], i) => {
      const id = `${keyOf(conds.filter((_, j) => j !== i))}#${dim}`;
      (splits.get(id) ?? splits.set(id, []).get(id)!).push(value);
    });
  }
  for (const vs of splits.values()) vs.sort();

  const byKey = new Map(rowsYear.map((r) => [r.key, r]));
  const memo = new Map<string, Figures>();
  const figuresOf = (key: string) => memo.get(key) ?? memo.set(key, figures(byKey.get(key), ref)).get(key)!;
  const allRows = rowsAll ?? rowsYear;
  const months = allRows.flatMap((r) => parsed.get(r.key)!.filter(([d]) => d === 'month')).map(([, v]) => v);
  const first = months.length ? months.reduce((a, b) => (b < a ? b : a)) : null;
  return {
    version,
    figuresOf,
    withheld,
    values: (total, dim) => splits.get(`${total}#${dim}`) ?? [],
    all: {
      total: rowsAll
        ? figures(
            rowsAll.find((r) => r.key === ''),
            ref,
          )
        : figuresOf(''),
      withheld: allWithheld.has(''),
      firstCohortDay: first ? `${first}-01` : null,
    },
  };
}

/** The programme total's size is always known, if only as empty. */
function withZero(sizes: Map<string, Size>) {
  if (!sizes.has('')) sizes.set('', { apps: 0, people: 0 });
  return sizes;
}
