import { Decimal } from 'decimal.js';
import { z } from 'zod';
import { BORROWER_CATEGORIES } from '../../domain.js';
import { badInput, notFound } from '../../errors.js';
import type { Context } from '../../context.js';
import { institutionId, parse, text } from '../../validation.js';
import { findInstitution, listInstitutions } from '../institutions/api.js';
import { fundBalances } from '../ledger/api.js';
import { parametersInForce } from '../parameters/api.js';
import { businessDate } from '../../time.js';
import { metricsPolicy } from './policy.js';
import * as store from './store.js';
import { conditionsOf, keyOf, suppress, type Condition, type Dim, type Size } from './suppression.js';

const filterSchema = z
  .object({
    year: z.number().int().min(2000).max(2100).nullish(),
    county: text(100).nullish(),
    category: z.enum(BORROWER_CATEGORIES).nullish(),
    sector: text(100).nullish(),
    institutionId: institutionId.nullish(),
  })
  .nullish();

const rate = (num: Decimal.Value, den: Decimal.Value) =>
  new Decimal(den).isZero() ? null : new Decimal(num).div(den).toDecimalPlaces(6, Decimal.ROUND_HALF_UP).toString();

function figures(r: store.GroupRow | undefined, referenceCost: string) {
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

type Figures = ReturnType<typeof figures>;
const WITHHELD = Object.fromEntries(Object.keys(figures(undefined, '1')).map((f) => [f, null])) as Record<keyof Figures, null>;

/** One group's figures, all null when withheld. */
export type MetricCellView = { key: string | null; label: string | null; suppressed: boolean } & {
  [F in keyof Figures]: Figures[F] | null;
};
/** A bank or insurer's place in the league table. */
export interface LeagueRowView {
  rank: number;
  institutionId: string;
  cell: MetricCellView;
}

/**
 * The finance bureau's view: totals, the monthly series, breakdowns and the league table for a
 * year (or all years) and at most one dimension, all read from the kept groups, with small groups
 * withheld consistently across every table (see suppression.ts).
 */
export async function programmeMetrics(ctx: Context, args: { filter?: unknown }) {
  metricsPolicy.gate(ctx, 'programmeMetrics');
  const f = parse(filterSchema, args.filter, 'filter') ?? {};
  const year = f.year ?? undefined;
  const chosen: Condition[] = [];
  if (f.county) chosen.push(['county', f.county]);
  if (f.category) chosen.push(['category', f.category]);
  if (f.sector) chosen.push(['sector', f.sector]);
  if (f.institutionId) {
    const inst = await findInstitution(ctx.db.orm, f.institutionId);
    if (!inst || inst.kind === 'GOVERNMENT') throw notFound('Bank or insurer');
    chosen.push([inst.kind === 'BANK' ? 'bank' : 'insurer', inst.id]);
  }
  if (chosen.length > 1) {
    throw badInput(
      'filter: one of county, category, sector or institution at a time (every published figure must stay safe against differencing)',
      { field: 'filter' },
    );
  }
  const today = businessDate(ctx.now);
  // the period's last day: the year's, or today's if earlier; the leverage counts the money paid in by then
  const through = year === undefined || `${year}-12-31` > today ? today : `${year}-12-31`;
  const [params, rowsYear, rowsAll, institutions, funds, paidIn] = await Promise.all([
    parametersInForce(ctx, ctx.now),
    store.groups(ctx.db.orm, year === undefined ? 'ALL' : `Y${year}`),
    year === undefined ? Promise.resolve(null) : store.groups(ctx.db.orm, 'ALL'),
    listInstitutions(ctx.db.orm),
    fundBalances(ctx),
    store.fundsPaidIn(ctx.db.orm, through),
  ]);
  const money = new Decimal(paidIn.premiumSubsidy).plus(paidIn.riskCompensation).toFixed(2);
  const k = params.document.minimumCellSize;
  const ref = params.document.referenceGuaranteeCost;
  const byKey = new Map(rowsYear.map((r) => [r.key, r]));
  const sizesOf = (rs: store.GroupRow[]) =>
    new Map<string, Size>(rs.map((r) => [r.key, { apps: r.applications, people: r.newApplicants }]));
  const sizes = withZero(sizesOf(rowsYear));
  const withheld = suppress(sizes, k, rowsAll ? sizesOf(rowsAll) : undefined);
  const names = new Map(institutions.map((i) => [i.id, i.name]));
  const labelOf = (dim: Dim, v: string) => (dim === 'bank' || dim === 'insurer' ? (names.get(v) ?? v) : v);

  const cell = (conds: Condition[], key: string | null, label: string | null): MetricCellView => {
    const id = keyOf(conds);
    const suppressed = withheld.has(id);
    return { key, label, suppressed, ...(suppressed ? WITHHELD : figures(byKey.get(id), ref)) };
  };
  const breakdown = (dim: Dim) => {
    const filterDim = chosen[0]?.[0];
    if (filterDim === dim) return [cell(chosen, chosen[0][1], labelOf(dim, chosen[0][1]))];
    const values = rowsYear
      .map((r) => conditionsOf(r.key))
      .filter(
        (c) =>
          c.length === chosen.length + 1 &&
          c.some(([d]) => d === dim) &&
          chosen.every(([d, v]) => c.some(([d2, v2]) => d2 === d && v2 === v)),
      )
      .map((c) => c.find(([d]) => d === dim)![1])
      .sort();
    return values.map((v) => cell([...chosen, [dim, v]], v, labelOf(dim, v)));
  };

  const totals = cell(chosen, null, null);
  const leverage =
    chosen.length === 0 && !totals.suppressed
      ? {
          creditDisbursed: totals.disbursed!,
          governmentMoney: money,
          ratio: new Decimal(money).isZero()
            ? null
            : new Decimal(totals.disbursed!).div(money).toDecimalPlaces(1, Decimal.ROUND_HALF_UP).toFixed(1),
        }
      : null;
  const byBank = breakdown('bank');
  const byInsurer = breakdown('insurer');
  const firstDay = year === undefined ? paidIn.firstDeposit : maxDate(paidIn.firstDeposit, `${year}-01-01`);
  // the programme as a whole, whatever the filter: its totals over all years, withheld or not
  const allRows = rowsAll ?? rowsYear;
  const allWithheld = rowsAll ? suppress(withZero(sizesOf(rowsAll)), k) : withheld;
  return {
    minimumCellSize: k,
    referenceGuaranteeCost: ref,
    totals,
    leverage,
    governmentMoney: { premiumSubsidy: paidIn.premiumSubsidy, riskCompensation: paidIn.riskCompensation, total: money, through },
    fundRunway: allWithheld.has('')
      ? null
      : runway({
          all: figures(
            allRows.find((r) => r.key === ''),
            ref,
          ),
          since: paidIn.firstDeposit ?? firstCohortDay(allRows),
          today,
          fundBalance: funds.riskCompensationFund,
          insurerShare: params.document.lossShares.insurer,
          compensationRatio: params.document.riskCompensation.ratio,
        }),
    period: { from: firstDay && firstDay <= through ? firstDay : null, to: through },
    funds,
    monthly: breakdown('month'),
    byCounty: breakdown('county'),
    byCategory: breakdown('category'),
    bySector: breakdown('sector'),
    byBank,
    byInsurer,
    leagueTable: ranked([...byBank, ...byInsurer]),
    bankLeague: ranked(byBank),
    insurerLeague: ranked(byInsurer),
    generatedAt: ctx.now,
  };
}

/** The programme total's size is always known, if only as empty. */
function withZero(sizes: Map<string, Size>) {
  if (!sizes.has('')) sizes.set('', { apps: 0, people: 0 });
  return sizes;
}

/** Ranked by credit disbursed, withheld rows last, ties by id. */
function ranked(cells: MetricCellView[]): LeagueRowView[] {
  return [...cells]
    .sort(
      (a, b) =>
        Number(a.suppressed) - Number(b.suppressed) ||
        new Decimal(b.disbursed ?? 0).cmp(a.disbursed ?? 0) ||
        String(a.key).localeCompare(String(b.key)),
    )
    .map((c, i) => ({ rank: i + 1, institutionId: c.key!, cell: c }));
}

const maxDate = (a: string | null, b: string) => (a === null ? null : a > b ? a : b);

/** The first day of the earliest cohort month, or null when nothing was ever applied for. */
function firstCohortDay(rs: store.GroupRow[]): string | null {
  const months = rs
    .flatMap((r) =>
      conditionsOf(r.key)
        .filter(([d]) => d === 'month')
        .map(([, v]) => v),
    )
    .sort();
  return months.length ? `${months[0]}-01` : null;
}

const DAYS_A_MONTH = new Decimal(365.25).div(12);

/** See FundRunway in schema/metrics.graphql: the method, and why it leaves quotas and recoveries out. */
function runway(a: {
  all: Figures;
  since: string | null;
  today: string;
  fundBalance: string;
  insurerShare: string;
  compensationRatio: string;
}) {
  if (a.since === null) return null;
  const days = Math.max(0, (Date.parse(`${a.today}T00:00:00Z`) - Date.parse(`${a.since}T00:00:00Z`)) / 86_400_000) + 1;
  const months = Decimal.max(1, new Decimal(days).div(DAYS_A_MONTH));
  const monthlyCredit = new Decimal(a.all.disbursed).div(months).toDecimalPlaces(2, Decimal.ROUND_HALF_UP);
  const rate = a.all.defaultRate;
  const demand =
    rate === null ? null : monthlyCredit.mul(rate).mul(a.insurerShare).mul(a.compensationRatio).toDecimalPlaces(2, Decimal.ROUND_HALF_UP);
  return {
    fundBalance: a.fundBalance,
    since: a.since,
    monthlyCredit: monthlyCredit.toFixed(2),
    defaultRate: rate,
    insurerShare: a.insurerShare,
    compensationRatio: a.compensationRatio,
    monthlyDemand: demand?.toFixed(2) ?? null,
    months:
      demand === null || demand.isZero()
        ? null
        : new Decimal(a.fundBalance).div(demand).toDecimalPlaces(1, Decimal.ROUND_HALF_UP).toFixed(1),
  };
}
