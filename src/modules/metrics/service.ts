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
import { keyOf, type Condition, type Dim } from './suppression.js';
import { cubeView, figures, type Figures } from './view.js';

const filterSchema = z
  .object({
    year: z.number().int().min(2000).max(2100).nullish(),
    county: text(100).nullish(),
    category: z.enum(BORROWER_CATEGORIES).nullish(),
    sector: text(100).nullish(),
    institutionId: institutionId.nullish(),
  })
  .nullish();

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
  // Lag-tolerant: the kept groups, the institutions and the money paid in come from the read
  // replica when READ_DATABASE_URL is set (ctx.readDb is the primary otherwise). The fund
  // balances stay on the primary: one small statement, and the figure a payment waits on.
  metricsPolicy.gate(ctx, 'programmeMetrics');
  const f = parse(filterSchema, args.filter, 'filter') ?? {};
  const year = f.year ?? undefined;
  const chosen: Condition[] = [];
  if (f.county) chosen.push(['county', f.county]);
  if (f.category) chosen.push(['category', f.category]);
  if (f.sector) chosen.push(['sector', f.sector]);
  if (f.institutionId) {
    const inst = await findInstitution(ctx.readDb.orm, f.institutionId);
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
  const [params, version, institutions, funds, paidIn] = await Promise.all([
    parametersInForce(ctx, ctx.now, ctx.readDb.orm),
    store.version(ctx.readDb.orm),
    listInstitutions(ctx.readDb.orm),
    fundBalances(ctx),
    store.fundsPaidIn(ctx.readDb.orm, through),
  ]);
  const money = new Decimal(paidIn.premiumSubsidy).plus(paidIn.riskCompensation).toFixed(2);
  const k = params.document.minimumCellSize;
  const ref = params.document.referenceGuaranteeCost;
  // the groups summed, the suppression decided, the figures worked out: once per version of the aggregates
  const view = await cubeView(ctx.readDb.orm, version, year, k, ref);
  const names = new Map(institutions.map((i) => [i.id, i.name]));
  const labelOf = (dim: Dim, v: string) => (dim === 'bank' || dim === 'insurer' ? (names.get(v) ?? v) : v);

  const cell = (conds: Condition[], key: string | null, label: string | null): MetricCellView => {
    const id = keyOf(conds);
    const suppressed = view.withheld.has(id);
    return { key, label, suppressed, ...(suppressed ? WITHHELD : view.figuresOf(id)) };
  };
  const breakdown = (dim: Dim) => {
    if (chosen[0]?.[0] === dim) return [cell(chosen, chosen[0][1], labelOf(dim, chosen[0][1]))];
    return view.values(keyOf(chosen), dim).map((v) => cell([...chosen, [dim, v]], v, labelOf(dim, v)));
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
  return {
    minimumCellSize: k,
    referenceGuaranteeCost: ref,
    totals,
    leverage,
    governmentMoney: { premiumSubsidy: paidIn.premiumSubsidy, riskCompensation: paidIn.riskCompensation, total: money, through },
    fundRunway: view.all.withheld
      ? null
      : runway({
          all: view.all.total,
          since: paidIn.firstDeposit ?? view.all.firstCohortDay,
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
