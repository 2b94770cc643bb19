/**
 * The finance bureau's dashboard end to end: the real server (GraphQL + /dashboard route) on a
 * random port, demo data in the test database, a local Chromium driven by playwright-core.
 * Every figure on the page (and in its CSV export) must equal what the API answers. Screenshots
 * go to test/e2e/output/ (not committed).
 */
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Decimal } from 'decimal.js';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../src/app.js';
import { loadConfig, type Config } from '../../src/config.js';
import { createDashboardRoute, dashboardRoute, offersDemoIdentities } from '../../src/dashboard/route.js';
import { loadDemoData } from '../../src/demo/load.js';
import { SEED_PLAN } from '../../src/demo/programme.js';
import { createHttpServer, listen } from '../../src/http/server.js';
import { codeOf, ok, TEST_SECRET, testConfig, useTestApp, type TestApp } from '../helpers/app.js';
import { startIdp } from './idp.js';
import {
  CHROMIUM,
  compareShown,
  contrastProblems,
  csvOf,
  csvSection,
  display,
  exactYuan,
  expectedKpis,
  expectedLeague,
  inFiscalUnits,
  parseCsv,
  partialMonths,
  QUERY,
  shownNumbers,
  type Cell,
  type Filter,
  type Metrics,
  type Scalar,
} from './helpers.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const OUTPUT = join(ROOT, 'test', 'e2e', 'output');

const app = useTestApp();
let t: TestApp;
let server: Server | undefined;
let base: string;
let browser: Browser | undefined;
let context: BrowserContext;
let page: Page;
let govToken: string;
let bankToken: string;
const consoleProblems: string[] = [];
/** Set while a test makes requests fail on purpose: the browser logs each failed load. */
let failingOnPurpose = false;

beforeAll(async () => {
  if (!CHROMIUM) {
    throw new Error(
      'No Chromium or Chrome found for the dashboard test: set CHROME_PATH, or run `npm run setup:browser` (Debian: apt-get install chromium).',
    );
  }
  t = await app();
  await loadDemoData(t.tdb.db, { seed: 20140601, borrowers: 2000, asOf: t.now, pepper: t.config.nationalIdPepper });
  // the test's server signs with its own secret, so it offers no demo identities (see the picker's test)
  server = createHttpServer(t.app, [createDashboardRoute(t.app)]);
  base = `http://127.0.0.1:${await listen(server, 0, '127.0.0.1')}`;
  govToken = await t.token({ sub: 'gov-1', role: 'GOVERNMENT', inst: 'zjk-finance-bureau' });
  bankToken = await t.token({ sub: 'bank-1', role: 'BANK', inst: 'saibei-rural-bank' });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-sync',
    ],
  });
  context = await browser.newContext({ viewport: { width: 1440, height: 900 }, acceptDownloads: true, locale: 'zh-CN' });
  page = await context.newPage();
  watch(page);
  mkdirSync(OUTPUT, { recursive: true });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  if (server) {
    server.closeAllConnections();
    await new Promise<void>((r) => server!.close(() => r()));
  }
}, 60_000);

function watch(p: Page) {
  p.on('console', (m) => {
    if (failingOnPurpose && /^Failed to load resource/.test(m.text())) return;
    if (m.type() === 'error' || /Content.Security.Policy/i.test(m.text())) consoleProblems.push(`console.${m.type()}: ${m.text()}`);
  });
  p.on('pageerror', (e) => consoleProblems.push(`pageerror: ${e.message}`));
}

async function apiMetrics(filter: Filter | null): Promise<Metrics> {
  return ok(await t.gql<{ programmeMetrics: Metrics }>(govToken, QUERY, { f: filter })).programmeMetrics;
}

/** Waits until the page shows the answer for `filter`; fails with the page's error if it shows one. */
async function settled(filter: Filter, on: Page = page) {
  const key = JSON.stringify(filter);
  await on.waitForFunction(
    (k) => (document.body.dataset.state === 'ready' || document.body.dataset.state === 'error') && document.body.dataset.filter === k,
    key,
    { timeout: 20_000 },
  );
  const state = await on.evaluate(() => document.body.dataset.state);
  if (state !== 'ready') throw new Error(`the dashboard shows an error for ${key}: ${await on.textContent('[data-testid=error]')}`);
}

/** A fresh page signed in with `token` (through the sign-in form, as a user would). */
async function signIn(token: string, on: Page = page) {
  await on.goto(`${base}/dashboard`);
  await on.evaluate(() => sessionStorage.clear());
  await on.reload();
  await on.fill('[data-testid=token-input]', token);
  await on.click('[data-testid=sign-in]');
  await on.waitForFunction(() => document.body.dataset.state === 'ready' || document.body.dataset.state === 'error', undefined, {
    timeout: 20_000,
  });
}

/** Picks a breakdown and its value, as a user would. */
async function chooseBreakdown(dimension: string, value: string) {
  await page.selectOption('[data-testid=filter-dimension]', dimension);
  await page.selectOption('[data-testid=filter-value]', value);
}

async function chartInfo(on: Page = page) {
  return on.evaluate(() => {
    const C = (window as any).Chart;
    const get = (id: string) => {
      const canvas = document.querySelector(`[data-testid="${id}"]`) as HTMLCanvasElement | null;
      if (!canvas) throw new Error(`no canvas ${id}`);
      const chart = C?.getChart(canvas);
      if (!chart) throw new Error(`no Chart.js chart on ${id}`);
      const px = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
      let painted = 0;
      for (let i = 3; i < px.length; i += 4) if (px[i] > 0) painted++;
      const fill = chart.data.datasets[0].backgroundColor;
      return {
        labels: chart.data.labels.map(String) as string[],
        lengths: chart.data.datasets.map((d: any) => d.data.length) as number[],
        data: chart.data.datasets.map((d: any) => d.data.map(Number)) as number[][],
        /** Per bar: a plain colour, or a pattern (hatched). */
        fills: (Array.isArray(fill) ? fill : []).map((f: unknown) => (typeof f === 'string' ? 'colour' : 'pattern')) as string[],
        animation: chart.options.animation as unknown,
        painted,
        pixels: canvas.width * canvas.height,
      };
    };
    return { monthly: get('chart-monthly'), county: get('chart-county'), category: get('chart-category') };
  });
}

async function assertPageShows(pm: Metrics, on: Page = page) {
  compareShown(await shownNumbers(on, 'kpi-'), expectedKpis(pm), 'KPI');
  compareShown(await shownNumbers(on, 'league-'), expectedLeague(pm), 'league tables');
  // each table's rows in the API's order, names as the API gives them
  for (const [table, rows] of [
    ['banks', pm.bankLeague],
    ['insurers', pm.insurerLeague],
  ] as const) {
    const ids = await on.$$eval(`[data-testid=league-${table}] tbody tr[data-testid]`, (trs) =>
      trs.map((tr) => tr.getAttribute('data-testid')),
    );
    expect(ids).toEqual(rows.map((r) => `league-${table.slice(0, -1)}-${r.institution.id}`));
    for (const r of rows)
      expect(await on.textContent(`[data-testid="league-${table.slice(0, -1)}-${r.institution.id}-name"]`)).toBe(r.institution.name);
  }

  const charts = await chartInfo(on);
  const series: [keyof typeof charts, Cell[], number][] = [
    ['monthly', pm.monthly, 2],
    ['county', pm.byCounty, 1],
    ['category', pm.byCategory, 1],
  ];
  for (const [name, cells, datasets] of series) {
    const published = cells.filter((c) => !c.suppressed);
    const info = charts[name];
    expect(info.animation, `${name}: no animation (intermediate frames show figures that never were)`).toBe(false);
    expect(info.lengths, `${name} chart: one point per published cell in each dataset`).toEqual(Array(datasets).fill(published.length));
    expect(info.data[0], `${name} chart: disbursed amounts`).toEqual(published.map((c) => Number(c.disbursed ?? 0)));
    if (name === 'monthly') {
      expect(info.labels).toEqual(published.map((c) => c.label ?? c.key));
      expect(info.data[1], 'monthly chart: loans').toEqual(published.map((c) => Number(c.loans ?? 0)));
    }
    if (published.some((c) => Number(c.disbursed ?? 0) > 0))
      expect(info.painted, `${name} chart is drawn`).toBeGreaterThan(info.pixels * 0.01);
    expect(await on.isVisible(`[data-testid="chart-${name}-empty"]`), `${name}: "no data" shown only when there is none`).toBe(
      !published.some((c) => Number(c.disbursed ?? 0) !== 0 || Number(c.loans ?? 0) !== 0),
    );
    const note = (await on.textContent(`[data-testid="chart-${name}-withheld"]`)) ?? '';
    for (const c of cells.filter((x) => x.suppressed))
      expect(note, `${name}: withheld ${c.key} listed under the chart`).toContain(c.label ?? c.key);
    if (!cells.some((x) => x.suppressed)) expect(note).toBe('');
  }

  expect(await on.getAttribute('[data-testid=meta-minimum-cell-size]', 'data-value')).toBe(String(pm.minimumCellSize));
  expect(await on.getAttribute('[data-testid=meta-reference-guarantee-cost]', 'data-value')).toBe(pm.referenceGuaranteeCost);
  // every number on the page is one a test can find
  expect(await on.$$eval('.num:not([data-testid])', (els) => els.length)).toBe(0);
}

function rawRequest(
  at: string,
  method: string,
  path: string,
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  const u = new URL(at);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: u.hostname, port: u.port, method, path }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('dashboard (end to end in Chromium)', () => {
  it('serves only its whitelisted files, with a strict CSP and no caching', async () => {
    const assets: [string, RegExp][] = [
      ['/dashboard', /^text\/html/],
      ['/dashboard/', /^text\/html/],
      ...readdirSync(join(ROOT, 'src', 'dashboard', 'public', 'js')).map((f): [string, RegExp] => [
        `/dashboard/js/${f}`,
        /^text\/javascript/,
      ]),
      ['/dashboard/app.css', /^text\/css/],
      ['/dashboard/figures.css', /^text\/css/],
      ['/dashboard/vendor/chart.umd.js', /^text\/javascript/],
      ['/dashboard/sign-in.json', /^application\/json/],
    ];
    for (const [path, type] of assets) {
      const r = await rawRequest(base, 'GET', path);
      expect(r.status, path).toBe(200);
      expect(r.headers['content-type'], path).toMatch(type);
      expect(r.headers['cache-control'], path).toBe('no-store');
      expect(r.headers['x-content-type-options'], path).toBe('nosniff');
      const csp = String(r.headers['content-security-policy']);
      for (const d of ["default-src 'self'", "connect-src 'self'", "img-src 'self' data: blob:", "style-src 'self'"])
        expect(csp, path).toContain(d);
      expect(csp, path).not.toMatch(/unsafe-inline|unsafe-eval|https?:/);
    }
    expect((await rawRequest(base, 'GET', '/dashboard/vendor/chart.umd.js')).body).toMatch(/Chart\.js v4\./);
    // the programme's own name: 小额贷款保证保险 in Zhangjiakou, not the national 创业担保贷款 scheme
    const html = (await rawRequest(base, 'GET', '/dashboard')).body;
    expect(html).toMatch(/<h1>张家口市小额贷款保证保险项目监测看板<\/h1>/);
    expect(html).not.toContain('创业担保贷款');
    for (const path of [
      '/dashboard/../package.json',
      '/dashboard/..%2f..%2fpackage.json',
      '/dashboard/%2e%2e/route.ts',
      '/dashboard/public/index.html',
      '/dashboard/route.ts',
      '/dashboard/vendor/chart.js',
      '/dashboard/vendor/../../../package.json',
      '/dashboard/js/main.js/',
      '/dashboard//js/main.js',
      '/dashboard/sign-in.json/',
    ]) {
      const r = await rawRequest(base, 'GET', path);
      expect(r.status, path).toBe(404);
      expect(r.body, path).not.toMatch(/"name"|import |<!doctype/i);
    }
    expect((await rawRequest(base, 'POST', '/dashboard')).status).toBe(405);
    expect((await rawRequest(base, 'POST', '/dashboard/sign-in.json')).status).toBe(405);
    expect((await rawRequest(base, 'HEAD', '/dashboard/app.css')).status).toBe(200);
  });

  it('has programme figures to compare (the demo data disburses programme loans)', async () => {
    const pm = await apiMetrics(null);
    const published = (cells: Cell[]) => cells.filter((c) => !c.suppressed).length;
    expect(pm.totals.suppressed, 'unfiltered totals are published').toBe(false);
    expect(pm.totals.loans, 'programme loans in the demo data').toBeGreaterThan(0);
    expect(published(pm.monthly), 'published months').toBeGreaterThan(0);
    expect(published(pm.byCounty), 'published counties').toBeGreaterThan(0);
    expect(published(pm.byCategory), 'published categories').toBeGreaterThan(0);
    expect(pm.bankLeague.length, 'banks').toBeGreaterThan(1);
    expect(pm.insurerLeague.length, 'insurers').toBeGreaterThan(1);
  });

  it('shows every figure, both league tables and the charts exactly as the API answers', async () => {
    const pm = await apiMetrics(null);
    await signIn(govToken);
    await settled({});
    await assertPageShows(pm);
    // leverage leads
    expect(await page.$eval('[data-testid=money] > *:first-child', (e) => e.getAttribute('data-testid'))).toBe('tile-leverage');
    // the unfiltered answer fills the choices
    const options = async (id: string) =>
      page.$$eval(`[data-testid=${id}] option`, (os) => os.map((o) => (o as HTMLOptionElement).value).filter(Boolean));
    expect(new Set(await options('filter-year'))).toEqual(new Set(pm.monthly.map((c) => c.key!.slice(0, 4))));
    await page.selectOption('[data-testid=filter-dimension]', 'county');
    expect(await options('filter-value')).toEqual(pm.byCounty.map((c) => c.key));
    await page.selectOption('[data-testid=filter-dimension]', 'bank');
    for (const r of pm.bankLeague) expect(await options('filter-value')).toContain(r.institution.id);
    await page.selectOption('[data-testid=filter-dimension]', '');
    await page.screenshot({ path: join(OUTPUT, 'dashboard-desktop.png'), fullPage: true });
  });

  it('can express only what the server accepts: a year, and one breakdown with one value', async () => {
    const sent: unknown[] = [];
    const onRequest = (r: { url(): string; method(): string; postData(): string | null }) => {
      if (r.url().endsWith('/graphql') && r.method() === 'POST') sent.push(JSON.parse(r.postData() ?? '{}').variables?.f ?? null);
    };
    page.on('request', onRequest);
    try {
      await signIn(govToken);
      await settled({});
      // three controls: year, breakdown, value; the value waits for a breakdown
      expect(await page.$$eval('[data-testid=filters] select', (ss) => ss.map((s) => s.getAttribute('data-testid')))).toEqual([
        'filter-year',
        'filter-dimension',
        'filter-value',
      ]);
      expect(await page.isDisabled('[data-testid=filter-value]')).toBe(true);
      const pm = await apiMetrics(null);
      const county = pm.byCounty.find((c) => !c.suppressed)!.key!;
      await chooseBreakdown('county', county);
      await settled({ county });
      await assertPageShows(await apiMetrics({ county }));
      // another breakdown replaces the first: it never adds to it
      await page.selectOption('[data-testid=filter-dimension]', 'category');
      await settled({});
      expect(await page.inputValue('[data-testid=filter-value]')).toBe('');
      await page.selectOption('[data-testid=filter-value]', 'RURAL_HOUSEHOLD');
      await settled({ category: 'RURAL_HOUSEHOLD' });
      const year = Number(pm.monthly[0].key!.slice(0, 4));
      await page.selectOption('[data-testid=filter-year]', String(year));
      await settled({ year, category: 'RURAL_HOUSEHOLD' });
      await assertPageShows(await apiMetrics({ year, category: 'RURAL_HOUSEHOLD' }));
      // every breakdown, with the year: the server accepts each
      const firstValue = async () =>
        page.$eval('[data-testid=filter-value]', (s) => Array.from((s as HTMLSelectElement).options).find((o) => o.value)!.value);
      for (const [dim, field] of [
        ['sector', 'sector'],
        ['bank', 'institutionId'],
        ['insurer', 'institutionId'],
      ] as const) {
        await page.selectOption('[data-testid=filter-dimension]', dim);
        await settled({ year });
        const value = await firstValue();
        await page.selectOption('[data-testid=filter-value]', value);
        await settled({ year, [field]: value });
      }
      await page.click('[data-testid=reset-filters]');
      await settled({});
      await assertPageShows(pm);
      // not one request named two dimensions
      expect(sent.length).toBeGreaterThan(8);
      for (const f of sent) expect(Object.keys(f ?? {}).filter((k) => k !== 'year').length, JSON.stringify(f)).toBeLessThanOrEqual(1);
    } finally {
      page.off('request', onRequest);
    }
  });

  it('tells the money story: 5M + 5M of government money, leverage for the programme and for each year', async () => {
    const pm = await apiMetrics(null);
    // the seed article's plan, as the demo data pays it in
    expect(pm.governmentMoney).toMatchObject({
      premiumSubsidy: SEED_PLAN.premiumSubsidyDeposit,
      riskCompensation: SEED_PLAN.riskCompensationDeposit,
      total: new Decimal(SEED_PLAN.premiumSubsidyDeposit).plus(SEED_PLAN.riskCompensationDeposit).toFixed(2),
    });
    expect(pm.leverage).toEqual({ creditDisbursed: pm.totals.disbursed, governmentMoney: pm.governmentMoney.total, ratio: '30.0' });
    await signIn(govToken);
    await settled({});
    expect(await page.textContent('[data-testid=kpi-gov-premium-subsidy]')).toBe('500.00万元');
    expect(await page.textContent('[data-testid=kpi-gov-risk-compensation]')).toBe('500.00万元');
    expect(await page.textContent('[data-testid=kpi-gov-total]')).toBe('1,000.00万元');
    expect(await page.textContent('[data-testid=kpi-leverage]')).toBe('30.0×');
    // the bar splits in the same proportion
    const widths = await page.$$eval('[data-testid=gov-split-bar] > *', (els) => els.map((e) => e.getBoundingClientRect().width));
    expect(widths).toHaveLength(2);
    expect(Math.abs(widths[0] - widths[1])).toBeLessThan(2);

    // each year: that year's credit over the money paid in by its end, never "—" once money was paid in
    const years = [...new Set(pm.monthly.map((c) => Number(c.key!.slice(0, 4))))];
    expect(years.length).toBeGreaterThan(1);
    for (const year of years) {
      const y = await apiMetrics({ year });
      expect(y.governmentMoney.through <= `${year}-12-31`).toBe(true);
      expect(y.leverage!.creditDisbursed).toBe(y.totals.disbursed);
      expect(y.leverage!.governmentMoney).toBe(y.governmentMoney.total);
      expect(new Decimal(y.governmentMoney.total).gt(0), `${year}: money paid in by then`).toBe(true);
      expect(y.leverage!.ratio).toBe(
        new Decimal(y.totals.disbursed as string).div(y.governmentMoney.total).toFixed(1, Decimal.ROUND_HALF_UP),
      );
      await page.selectOption('[data-testid=filter-year]', String(year));
      await settled({ year });
      expect(await page.textContent('[data-testid=kpi-leverage]')).toBe(`${y.leverage!.ratio}×`);
      expect(await page.textContent('[data-testid=tile-leverage-note]')).toContain(`${year}年放款`);
    }
    // a dimension filter: no leverage (the money serves the whole programme), the split still shown
    await page.selectOption('[data-testid=filter-year]', '');
    await chooseBreakdown('category', 'RURAL_HOUSEHOLD');
    await settled({ category: 'RURAL_HOUSEHOLD' });
    expect(await page.textContent('[data-testid=kpi-leverage]')).toBe('—');
    expect(await page.textContent('[data-testid=kpi-gov-total]')).toBe('1,000.00万元');
  });

  it('shows the fund runway at the current default rate, with its method', async () => {
    const pm = await apiMetrics(null);
    const r = pm.fundRunway!;
    expect(r.fundBalance).toBe(pm.funds.riskCompensationFund);
    expect(r.defaultRate).toBe(pm.totals.defaultRate);
    const demand = new Decimal(r.monthlyCredit).mul(r.defaultRate!).mul(r.insurerShare).mul(r.compensationRatio);
    expect(r.monthlyDemand).toBe(demand.toFixed(2, Decimal.ROUND_HALF_UP));
    expect(r.months).toBe(new Decimal(r.fundBalance).div(r.monthlyDemand!).toFixed(1, Decimal.ROUND_HALF_UP));
    await signIn(govToken);
    await settled({});
    expect(await page.textContent('[data-testid=kpi-runway]')).toBe(`${r.months}个月`);
    const tip = (await page.getAttribute('[data-testid=tile-runway]', 'title')) ?? '';
    for (const part of [
      inFiscalUnits(r.fundBalance),
      inFiscalUnits(r.monthlyDemand!),
      inFiscalUnits(r.monthlyCredit),
      display('rate', r.defaultRate!),
    ])
      expect(tip, 'the method, with its figures, on hover').toContain(part);
    expect(tip).toMatch(/违约率.*保险公司.*风险补偿比例/);
    await page.click('[data-testid=tile-runway] summary');
    expect(await page.isVisible('[data-testid=tile-runway-method]')).toBe(true);
  });

  it('shows money in 万元 and 亿元 with the exact yuan figure on hover', async () => {
    await signIn(govToken);
    await settled({});
    const money = await page.$$eval(
      '[data-kind=money][data-value]:not([data-value=""]), [data-kind=wan][data-value]:not([data-value=""])',
      (els) =>
        els.map((e) => ({
          kind: e.getAttribute('data-kind')!,
          value: e.getAttribute('data-value')!,
          text: e.textContent!.trim(),
          title: e.getAttribute('title'),
        })),
    );
    expect(money.length).toBeGreaterThan(20);
    for (const m of money) {
      expect(m.text, m.value).toBe(display(m.kind as 'money' | 'wan', m.value));
      expect(m.title, m.value).toBe(exactYuan(m.value));
      if (m.kind === 'money' && new Decimal(m.value).abs().gte(1e4)) expect(m.text).toMatch(/[万亿]元$/);
    }
    const pm = await apiMetrics(null);
    expect(await page.textContent('[data-testid=kpi-disbursed]')).toBe(inFiscalUnits(pm.totals.disbursed as string));
    expect(await page.textContent('[data-testid=kpi-disbursed]')).toMatch(/^\d+\.\d\d亿元$/);
  });

  it('ranks banks and insurers in separate tables, each adding up to the programme', async () => {
    const pm = await apiMetrics(null);
    for (const rows of [pm.bankLeague, pm.insurerLeague]) {
      expect(rows.map((r) => r.rank)).toEqual(rows.map((_, i) => i + 1));
      const sum = rows.reduce((s, r) => s.plus((r.cell.disbursed as string) ?? 0), new Decimal(0));
      if (rows.some((r) => r.cell.suppressed)) expect(sum.lte(pm.totals.disbursed as string)).toBe(true);
      else expect(sum.toFixed(2)).toBe(pm.totals.disbursed);
    }
    expect(pm.bankLeague.every((r) => r.institution.kind === 'BANK')).toBe(true);
    expect(pm.insurerLeague.every((r) => r.institution.kind === 'INSURER')).toBe(true);
    await signIn(govToken);
    await settled({});
    for (const table of ['bank', 'insurer']) {
      const rows = await page.$$eval(`[data-testid=league-${table}s] tbody td[data-testid$="-disbursed"]`, (tds) =>
        tds.map((td) => td.getAttribute('data-value')!),
      );
      const total = await page.getAttribute(`[data-testid=league-${table}-total-disbursed]`, 'data-value');
      expect(total).toBe(pm.totals.disbursed);
      expect(rows.reduce((s, v) => s.plus(v || 0), new Decimal(0)).toFixed(2), `${table}s add up to the programme`).toBe(total);
    }
  });

  it('marks partial first and last months, so they do not read as collapses', async () => {
    const pm = await apiMetrics(null);
    const partial = partialMonths(pm);
    expect(pm.period.from, 'the demo programme starts mid-month').not.toMatch(/-01$/);
    expect(partial, 'its first month is partial').toContain(pm.period.from!.slice(0, 7));
    await signIn(govToken);
    await settled({});
    expect((await page.getAttribute('[data-testid=chart-monthly-card]', 'data-partial-months'))!.split(',')).toEqual(partial);
    const charts = await chartInfo();
    const published = pm.monthly.filter((c) => !c.suppressed).map((c) => c.key!);
    expect(charts.monthly.fills).toEqual(published.map((k) => (partial.includes(k) ? 'pattern' : 'colour')));
    for (const k of partial) expect(await page.isVisible(`[data-testid="partial-${k}"]`)).toBe(true);
    expect(await page.textContent('[data-testid=chart-monthly-partial]')).toMatch(/不完整月份.*partial months/);
  });

  it('exports a CSV of exactly what is shown, in exact yuan', async () => {
    await signIn(govToken);
    await settled({});
    const pm = await apiMetrics(null);
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=export-csv]')]);
    expect(download.suggestedFilename()).toMatch(/\.csv$/);
    const text = readFileSync(await download.path(), 'utf8').replace(/^\uFEFF/, '');
    const rows = parseCsv(text);

    const kpis = csvSection(rows, 'kpis');
    expect(Object.fromEntries(kpis.map((r) => [r.id, r.value]))).toEqual(
      Object.fromEntries(Object.entries(expectedKpis(pm)).map(([id, e]) => [id, csvOf(e)])),
    );
    for (const r of kpis) if (/^\d+\.\d\d$/.test(r.value) && r.unit === '元 CNY') expect(r.value).toMatch(/^\d+\.\d\d$/);
    expect(kpis.find((r) => r.id === 'kpi-gov-total')).toMatchObject({ value: pm.governmentMoney.total, unit: '元 CNY' });

    const partial = partialMonths(pm);
    const monthly = csvSection(rows, 'monthly');
    expect(monthly.map((r) => r.key)).toEqual(pm.monthly.map((c) => c.key));
    for (const [i, c] of pm.monthly.entries()) {
      expect(monthly[i].disbursed, `monthly ${c.key}`).toBe(csvOf({ value: c.disbursed as Scalar, suppressed: c.suppressed }));
      expect(monthly[i].loans, `monthly ${c.key}`).toBe(csvOf({ value: c.loans as Scalar, suppressed: c.suppressed }));
      expect(monthly[i].partial, `monthly ${c.key}`).toBe(partial.includes(c.key!) ? 'partial' : '');
    }
    for (const [name, cells] of [
      ['byCounty', pm.byCounty],
      ['byCategory', pm.byCategory],
    ] as const) {
      expect(
        csvSection(rows, name).map((r) => [r.key, r.disbursed]),
        name,
      ).toEqual(cells.map((c) => [c.key, csvOf({ value: c.disbursed as Scalar, suppressed: c.suppressed })]));
    }
    for (const [name, league] of [
      ['bankLeague', pm.bankLeague],
      ['insurerLeague', pm.insurerLeague],
    ] as const) {
      const got = csvSection(rows, name);
      expect(got.map((r) => r.institutionId)).toEqual(league.map((r) => r.institution.id));
      for (const [i, r] of league.entries()) {
        expect(got[i].rank).toBe(String(r.rank));
        expect(got[i].institution).toBe(r.institution.name);
        for (const field of ['loans', 'disbursed', 'defaultRate', 'lossRatio', 'claimsPaid'])
          expect(got[i][field], `${r.institution.id} ${field}`).toBe(
            csvOf({ value: r.cell[field] as Scalar, suppressed: r.cell.suppressed }),
          );
      }
    }
  });

  it('answers a server error in Chinese first and keeps the figures on screen', async () => {
    await signIn(govToken);
    await settled({});
    const before = await page.textContent('[data-testid=kpi-disbursed]');
    // the server refuses the next query, in its own (English) words
    failingOnPurpose = true;
    await page.route('**/graphql', (route) =>
      route.fulfill({
        status: 400,
        contentType: 'application/graphql-response+json',
        body: JSON.stringify({
          errors: [{ message: 'filter: one of county, category, sector or institution at a time', extensions: { code: 'BAD_USER_INPUT' } }],
        }),
      }),
    );
    try {
      await page.selectOption('[data-testid=filter-year]', { index: 1 });
      await page.waitForFunction(() => document.body.dataset.state === 'error');
      expect(await page.isVisible('[data-testid=error]')).toBe(true);
      const title = (await page.textContent('[data-testid=error-title]'))!;
      const body = (await page.textContent('[data-testid=error-body]'))!;
      expect(title).toMatch(/^[\u4e00-\u9fff]/);
      expect(body).toMatch(/^[\u4e00-\u9fff]/);
      expect(title + body).not.toContain('filter: one of');
      // the server's words stay available, folded away
      expect(await page.isVisible('[data-testid=error-code]')).toBe(false);
      expect(await page.textContent('[data-testid=error-code]')).toContain('BAD_USER_INPUT');
      // the page is not blank: the last figures stay, marked as not the answer to this filter
      expect(await page.isVisible('[data-testid=kpi-disbursed]')).toBe(true);
      expect(await page.textContent('[data-testid=kpi-disbursed]')).toBe(before);
      expect(body).toContain('上一次的数据');
      // a network failure reads the same way
      await page.unroute('**/graphql');
      await page.route('**/graphql', (route) => route.abort('connectionrefused'));
      const other = await page.$eval('[data-testid=filter-year]', (s) => (s as HTMLSelectElement).options[2].value);
      await page.selectOption('[data-testid=filter-year]', other);
      await page.waitForFunction(
        (k) => document.body.dataset.state === 'error' && document.body.dataset.filter === k,
        JSON.stringify({ year: Number(other) }),
      );
      expect(await page.textContent('[data-testid=error-title]')).toMatch(/^无法连接服务器/);
      expect(await page.isVisible('[data-testid=kpi-disbursed]')).toBe(true);
    } finally {
      await page.unroute('**/graphql');
      failingOnPurpose = false;
    }
    await page.selectOption('[data-testid=filter-year]', '');
    await settled({});
    expect(await page.isVisible('[data-testid=error]')).toBe(false);
  });

  it('shows a skeleton while the first answer loads', async () => {
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    await page.route('**/graphql', async (route) => {
      await held;
      await route.continue();
    });
    try {
      await page.goto(`${base}/dashboard`);
      await page.evaluate(() => sessionStorage.clear());
      await page.reload();
      await page.fill('[data-testid=token-input]', govToken);
      await page.click('[data-testid=sign-in]');
      await page.waitForFunction(() => document.body.dataset.state === 'loading');
      expect(await page.isVisible('[data-testid=skeleton]')).toBe(true);
      expect(await page.getAttribute('#dashboard', 'aria-busy')).toBe('true');
      expect(await page.$$('[data-testid^="kpi-"]')).toHaveLength(0);
      release();
      await settled({});
      expect(await page.isVisible('[data-testid=skeleton]')).toBe(false);
      expect(await page.getAttribute('#dashboard', 'aria-busy')).toBe('false');
    } finally {
      release();
      await page.unroute('**/graphql');
    }
  });

  it('meets WCAG AA contrast for all text, secondary text included', async () => {
    await signIn(govToken);
    await settled({});
    expect(await contrastProblems(page)).toEqual([]);
  });

  it('lays out for a phone: cards instead of wide tables, nothing scrolls sideways', async () => {
    const phone = await browser!.newContext({
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
      locale: 'zh-CN',
    });
    const p = await phone.newPage();
    watch(p);
    try {
      await signIn(govToken, p);
      await settled({}, p);
      await assertPageShows(await apiMetrics(null), p);
      const layout = await p.evaluate(() => ({
        scrollWidth: document.documentElement.scrollWidth,
        innerWidth: window.innerWidth,
        rows: Array.from(document.querySelectorAll('.league tbody tr, .league tfoot tr')).map((tr) => ({
          display: getComputedStyle(tr).display,
          width: tr.getBoundingClientRect().width,
        })),
        headers: Array.from(document.querySelectorAll('.league thead')).map((h) => h.getBoundingClientRect().height),
        tiles: Array.from(document.querySelectorAll('.kpi')).map((k) => k.getBoundingClientRect().right),
      }));
      expect(layout.scrollWidth, 'no sideways scrolling').toBeLessThanOrEqual(layout.innerWidth);
      expect(layout.rows.length).toBeGreaterThan(3);
      for (const r of layout.rows) {
        expect(r.display, 'each league row is a card').toBe('grid');
        expect(r.width).toBeLessThanOrEqual(layout.innerWidth);
      }
      expect(
        layout.headers.every((h) => h <= 1),
        'no table header row on a phone',
      ).toBe(true);
      expect(Math.max(...layout.tiles)).toBeLessThanOrEqual(layout.innerWidth);
      // every figure of a card says what it is
      const labels = await p.$$eval('.league td[data-label]:not(.rank)', (tds) =>
        tds.map((td) => getComputedStyle(td, '::before').content),
      );
      expect(labels.every((l) => /[\u4e00-\u9fff]/.test(l))).toBe(true);
      expect(await contrastProblems(p)).toEqual([]);
      await p.screenshot({ path: join(OUTPUT, 'dashboard-mobile.png'), fullPage: true });
    } finally {
      await phone.close();
    }
  });

  it('offers the demo identities in development only, and signs in with one', async () => {
    // what `npm start` runs: no JWT_SECRET, so the published development secret
    const devConfig = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent' });
    expect(offersDemoIdentities(devConfig)).toBe(true);
    expect(offersDemoIdentities(t.config), 'a real secret: no demo identities').toBe(false);
    expect(offersDemoIdentities({ ...devConfig, env: 'production', production: true } as Config), 'never in production').toBe(false);
    const prodConfig = loadConfig({
      NODE_ENV: 'production',
      JWT_SECRET: TEST_SECRET,
      NATIONAL_ID_PEPPER: 'a-production-pepper-0123',
      LOG_LEVEL: 'silent',
    });
    expect(offersDemoIdentities(prodConfig)).toBe(false);

    const devApp: App = await createApp({ config: devConfig, db: t.tdb.db, clock: () => t.now });
    const devServer = createHttpServer(devApp, [createDashboardRoute(devApp)]);
    const devBase = `http://127.0.0.1:${await listen(devServer, 0, '127.0.0.1')}`;
    const prodRoute = createDashboardRoute({ config: prodConfig, db: t.tdb.db });
    const prodServer = createServer((req, res) => void prodRoute(req, res, new URL(req.url ?? '/', 'http://localhost')));
    const prodBase = `http://127.0.0.1:${await listen(prodServer, 0, '127.0.0.1')}`;
    const staticServer = createServer((req, res) => void dashboardRoute(req, res, new URL(req.url ?? '/', 'http://localhost')));
    const staticBase = `http://127.0.0.1:${await listen(staticServer, 0, '127.0.0.1')}`;
    try {
      for (const at of [prodBase, staticBase, base])
        expect(JSON.parse((await rawRequest(at, 'GET', '/dashboard/sign-in.json')).body), at).toEqual({ demoIdentities: null, oidc: null });
      const offered = JSON.parse((await rawRequest(devBase, 'GET', '/dashboard/sign-in.json')).body).demoIdentities as {
        role: string;
        note: string;
        token: string;
      }[];
      expect(offered.map((d) => d.role)).toEqual(expect.arrayContaining(['GOVERNMENT', 'ADMIN', 'BANK', 'INSURER']));

      // this server offers none: the picker stays hidden, token paste remains
      await page.goto(`${base}/dashboard`);
      await page.evaluate(() => sessionStorage.clear());
      await page.reload();
      await page.waitForFunction(() => document.body.dataset.signinOptions === 'token');
      expect(await page.isVisible('[data-testid=oidc]'), 'no OpenID provider configured').toBe(false);
      expect(await page.isVisible('[data-testid=demo-picker]')).toBe(false);
      expect(await page.isVisible('[data-testid=token-input]')).toBe(true);

      await page.goto(`${devBase}/dashboard`);
      await page.evaluate(() => sessionStorage.clear());
      await page.reload();
      await page.waitForFunction(() => document.body.dataset.signinOptions === 'demo token');
      expect(await page.isVisible('[data-testid=demo-picker]')).toBe(true);
      expect(await page.isVisible('[data-testid=token-input]'), 'token paste stays').toBe(true);
      const choices = await page.$$eval('[data-testid=demo-identity] option', (os) => os.map((o) => o.textContent ?? ''));
      expect(choices[0], 'the dashboard roles first').toMatch(/^(GOVERNMENT|ADMIN) · /);
      const gov = choices.findIndex((c) => c.startsWith('GOVERNMENT · zjk-finance-bureau'));
      expect(gov).toBeGreaterThanOrEqual(0);
      await page.selectOption('[data-testid=demo-identity]', { label: choices[gov] });
      await page.click('[data-testid=demo-sign-in]');
      await page.waitForFunction(() => document.body.dataset.state === 'ready' || document.body.dataset.state === 'error', undefined, {
        timeout: 20_000,
      });
      expect(await page.evaluate(() => document.body.dataset.state)).toBe('ready');
      expect(await page.textContent('[data-testid=signed-in-as]')).toContain('GOVERNMENT');
      expect(await page.textContent('[data-testid=kpi-leverage]')).toBe('30.0×');
    } finally {
      for (const s of [devServer, prodServer, staticServer]) {
        s.closeAllConnections();
        await new Promise<void>((r) => s.close(() => r()));
      }
      await devApp.stop();
    }
  });

  it("signs in through the bureau's OpenID provider: authorization code with PKCE, the token verified with the provider's keys", async () => {
    // the dashboard's address first: the provider sends the user back there
    let handle: ((req: IncomingMessage, res: ServerResponse) => void) | null = null;
    const dash = createServer((req, res) => (handle ? handle(req, res) : res.writeHead(503).end()));
    const dashBase = `http://127.0.0.1:${await listen(dash, 0, '127.0.0.1')}`;
    const idp = await startIdp({
      clientId: 'zjk-dashboard',
      redirectUri: `${dashBase}/dashboard`,
      audience: 'credit-share',
      accounts: { 'gov-analyst': { role: 'GOVERNMENT', inst: 'zjk-finance-bureau' } },
    });
    // the API verifies through its JWKS path, with the keys the provider's discovery document names
    const discovery = (await (await fetch(`${idp.issuer}/.well-known/openid-configuration`)).json()) as { jwks_uri: string };
    const api = await createApp({
      config: testConfig({ JWT_JWKS_URL: discovery.jwks_uri, JWT_ISSUER: idp.issuer, JWT_AUDIENCE: 'credit-share' }),
      db: t.tdb.db,
      clock: () => t.now,
    });
    const inner = createHttpServer(api, [
      createDashboardRoute(api, { oidc: { issuer: idp.issuer, clientId: 'zjk-dashboard', scope: 'openid metrics' } }),
    ]);
    handle = (req, res) => inner.emit('request', req, res);
    const ctx = await browser!.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
    // the provider's development pages import a web font: no internet here
    await ctx.route(/^https:\/\//, (r) => r.abort());
    const p = await ctx.newPage();
    const problems: string[] = [];
    p.on('pageerror', (e) => problems.push(e.message));
    p.on('console', (m) => {
      if (m.type() === 'error' && p.url().startsWith(dashBase)) problems.push(m.text());
    });
    const authorizations: URL[] = [];
    p.on('request', (r) => {
      if (r.url().startsWith(`${idp.issuer}/auth`)) authorizations.push(new URL(r.url()));
    });
    try {
      expect(String((await rawRequest(dashBase, 'GET', '/dashboard')).headers['content-security-policy'])).toContain(
        `connect-src 'self' ${idp.issuer}`,
      );
      await p.goto(`${dashBase}/dashboard`);
      await p.waitForFunction(() => document.body.dataset.signinOptions === 'oidc token');
      expect(await p.isVisible('[data-testid=demo-picker]'), 'no demo identities beside an IdP').toBe(false);
      await p.click('[data-testid=oidc-sign-in]');
      await p.waitForURL((u) => u.origin === idp.issuer);
      const auth = authorizations[0].searchParams;
      expect(auth.get('response_type')).toBe('code');
      expect(auth.get('client_id')).toBe('zjk-dashboard');
      expect(auth.get('code_challenge_method')).toBe('S256');
      expect(auth.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(auth.get('redirect_uri')).toBe(`${dashBase}/dashboard`);
      // the provider's own sign-in and consent pages
      await p.fill('input[name=login]', 'gov-analyst');
      await p.fill('input[name=password]', 'any password');
      await p.click('button[type=submit]');
      await p.waitForSelector('input[name=prompt][value=consent]', { state: 'attached' });
      await p.click('button[type=submit]');
      await p.waitForURL((u) => u.origin === dashBase);
      await p.waitForFunction(() => document.body.dataset.state === 'ready' || document.body.dataset.state === 'error', undefined, {
        timeout: 20_000,
      });
      expect(await p.evaluate(() => document.body.dataset.state), (await p.textContent('[data-testid=error]')) ?? '').toBe('ready');
      expect(new URL(p.url()).search, 'the code is gone from the address').toBe('');
      // the token is the provider's: RS256, its issuer, the API's audience, the bureau's role
      const token = await p.evaluate(() => sessionStorage.getItem('creditShare.dashboard.token'));
      const [header, payload] = token!
        .split('.')
        .slice(0, 2)
        .map((part) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8')));
      expect(header).toMatchObject({ alg: 'RS256', kid: 'idp-test-1' });
      expect(payload).toMatchObject({
        iss: idp.issuer,
        aud: 'credit-share',
        sub: 'gov-analyst',
        role: 'GOVERNMENT',
        inst: 'zjk-finance-bureau',
      });
      expect(await p.textContent('[data-testid=signed-in-as]')).toBe('gov-analyst · GOVERNMENT · zjk-finance-bureau');
      expect(await p.textContent('[data-testid=kpi-leverage]')).toBe('30.0×');
      // a callback that this tab did not start is refused, in Chinese first
      await p.evaluate(() => sessionStorage.clear());
      await p.goto(`${dashBase}/dashboard?code=forged&state=forged`);
      await p.waitForFunction(() => (document.querySelector('[data-testid=oidc-error]')?.textContent ?? '') !== '');
      expect(await p.textContent('[data-testid=oidc-error]')).toMatch(/^登录回调与本次登录请求不符/);
      expect(new URL(p.url()).search).toBe('');
      expect(problems).toEqual([]);
    } finally {
      await ctx.close();
      dash.closeAllConnections();
      await new Promise<void>((r) => dash.close(() => r()));
      await idp.stop();
      await api.stop();
    }
  });

  it('shows a BANK token the FORBIDDEN error in Chinese first, and no figures', async () => {
    expect(codeOf(await t.gql(bankToken, QUERY, { f: null }))).toBe('FORBIDDEN');
    await signIn(bankToken);
    expect(await page.evaluate(() => document.body.dataset.state)).toBe('error');
    expect(await page.isVisible('[data-testid=error]')).toBe(true);
    expect(await page.textContent('[data-testid=error-code]')).toContain('FORBIDDEN');
    expect(await page.textContent('[data-testid=error-title]')).toMatch(/^无权访问 Access denied/);
    expect(await page.$$('[data-testid^="kpi-"]')).toHaveLength(0);
    expect(await page.$$('[data-testid^="league-bank-"]')).toHaveLength(0);
    // signing out forgets the token
    await page.click('[data-testid=sign-out]');
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
    expect(await page.isVisible('[data-testid=token-input]')).toBe(true);
  });

  it('ran without script errors or Content-Security-Policy violations', () => {
    expect(consoleProblems).toEqual([]);
  });
});
