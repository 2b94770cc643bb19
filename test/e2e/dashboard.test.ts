/**
 * The finance bureau's dashboard end to end: the real server (GraphQL + /dashboard route) on a
 * random port, demo data in the test database, Debian's Chromium driven by playwright-core.
 * Every figure on the page (and in its CSV export) must equal what the API answers.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { request as httpRequest, type Server } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Decimal } from 'decimal.js';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dashboardRoute } from '../../src/dashboard/route.js';
import { loadDemoData } from '../../src/demo/load.js';
import { createHttpServer, listen } from '../../src/http/server.js';
import { codeOf, ok, useTestApp, type TestApp } from '../helpers/app.js';

/** The browser the test drives: CHROME_PATH, else the usual places of a Chromium or Chrome. Nothing is downloaded. */
const BROWSERS = [
  process.env.CHROME_PATH,
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  '/snap/bin/chromium',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
];
const CHROMIUM = BROWSERS.find((p): p is string => !!p && existsSync(p));
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const RESULTS = join(ROOT, 'test-results');

/** The dashboard's query, as the API contract states it. */
const QUERY = /* GraphQL */ `
  query Metrics($f: MetricsFilter) {
    programmeMetrics(filter: $f) {
      minimumCellSize
      referenceGuaranteeCost
      generatedAt
      leverage {
        creditDisbursed
        governmentMoney
        ratio
      }
      funds {
        premiumSubsidyFund
        riskCompensationFund
        subsidyOwed
        compensationShortfall
        riskReserves {
          insurer {
            id
            name
          }
          balance
        }
      }
      totals {
        ...Cell
      }
      monthly {
        ...Cell
      }
      byCounty {
        ...Cell
      }
      byCategory {
        ...Cell
      }
      bySector {
        ...Cell
      }
      leagueTable {
        rank
        institution {
          id
          name
          kind
        }
        cell {
          ...Cell
        }
      }
    }
    institutions {
      id
      name
      kind
    }
  }
  fragment Cell on MetricCell {
    key
    label
    suppressed
    applications
    approvals
    approvalRate
    loans
    disbursed
    outstanding
    borrowersReached
    averageInterestRate
    averagePremiumRate
    averageFinancingCost
    savingsVsGuaranteeCompany
    defaults
    defaultedAmount
    defaultRate
    claimsPaid
    compensationPaid
    recoveries
    premiums
    premiumSubsidy
    lossRatio
  }
`;

type Scalar = string | number | null;
interface Cell {
  key: string | null;
  label: string | null;
  suppressed: boolean;
  [field: string]: Scalar | boolean;
}
interface Metrics {
  minimumCellSize: number;
  referenceGuaranteeCost: string;
  generatedAt: string;
  leverage: { creditDisbursed: string; governmentMoney: string; ratio: string | null } | null;
  funds: {
    premiumSubsidyFund: string;
    riskCompensationFund: string;
    subsidyOwed: string;
    compensationShortfall: string;
    riskReserves: { insurer: { id: string; name: string }; balance: string }[];
  };
  totals: Cell;
  monthly: Cell[];
  byCounty: Cell[];
  byCategory: Cell[];
  bySector: Cell[];
  leagueTable: { rank: number; institution: { id: string; name: string; kind: string }; cell: Cell }[];
}
type Filter = { year?: number; county?: string; category?: string; sector?: string; institutionId?: string };

type Kind = 'money' | 'rate' | 'int' | 'ratio';
interface Expected {
  kind: Kind;
  value: Scalar;
  suppressed: boolean;
}

// ---------------------------------------------------------------------------------------------
// What the page must show, derived from the API answer alone.

const group = (digits: string) => digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');

function display(kind: Kind, v: string | number): string {
  const s = String(v);
  switch (kind) {
    case 'money': {
      const [int, frac] = s.replace(/^-/, '').split('.');
      return (s.startsWith('-') ? '-' : '') + group(int) + (frac !== undefined ? `.${frac}` : '');
    }
    case 'int':
      return group(s);
    case 'rate': {
      const [int, frac] = new Decimal(s).times(100).toFixed(2, Decimal.ROUND_HALF_UP).split('.');
      return `${group(int)}.${frac}%`;
    }
    case 'ratio':
      return `${s}×`;
  }
}

function expectedKpis(pm: Metrics): Record<string, Expected> {
  const c = pm.totals;
  const cell = (kind: Kind, field: string): Expected => ({
    kind,
    value: c.suppressed ? null : (c[field] as Scalar),
    suppressed: c.suppressed,
  });
  const plain = (kind: Kind, value: Scalar | undefined): Expected => ({ kind, value: value ?? null, suppressed: false });
  const out: Record<string, Expected> = {
    'kpi-leverage': plain('ratio', pm.leverage?.ratio),
    'kpi-leverage-credit': plain('money', pm.leverage?.creditDisbursed),
    'kpi-leverage-government': plain('money', pm.leverage?.governmentMoney),
    'kpi-disbursed': cell('money', 'disbursed'),
    'kpi-outstanding': cell('money', 'outstanding'),
    'kpi-loans': cell('int', 'loans'),
    'kpi-borrowers': cell('int', 'borrowersReached'),
    'kpi-approval-rate': cell('rate', 'approvalRate'),
    'kpi-applications': cell('int', 'applications'),
    'kpi-approvals': cell('int', 'approvals'),
    'kpi-financing-cost': cell('rate', 'averageFinancingCost'),
    'kpi-savings': cell('rate', 'savingsVsGuaranteeCompany'),
    'kpi-interest-rate': cell('rate', 'averageInterestRate'),
    'kpi-premium-rate': cell('rate', 'averagePremiumRate'),
    'kpi-default-rate': cell('rate', 'defaultRate'),
    'kpi-defaults': cell('int', 'defaults'),
    'kpi-defaulted-amount': cell('money', 'defaultedAmount'),
    'kpi-claims-paid': cell('money', 'claimsPaid'),
    'kpi-loss-ratio': cell('rate', 'lossRatio'),
    'kpi-compensation-paid': cell('money', 'compensationPaid'),
    'kpi-recoveries': cell('money', 'recoveries'),
    'kpi-premium-subsidy': cell('money', 'premiumSubsidy'),
    'kpi-premiums': cell('money', 'premiums'),
    'kpi-fund-premium-subsidy': plain('money', pm.funds.premiumSubsidyFund),
    'kpi-fund-risk-compensation': plain('money', pm.funds.riskCompensationFund),
    'kpi-subsidy-owed': plain('money', pm.funds.subsidyOwed),
    'kpi-compensation-shortfall': plain('money', pm.funds.compensationShortfall),
  };
  for (const r of pm.funds.riskReserves) out[`kpi-risk-reserve-${r.insurer.id}`] = plain('money', r.balance);
  return out;
}

const LEAGUE_COLUMNS: [string, string, Kind][] = [
  ['loans', 'loans', 'int'],
  ['disbursed', 'disbursed', 'money'],
  ['default-rate', 'defaultRate', 'rate'],
  ['loss-ratio', 'lossRatio', 'rate'],
  ['claims-paid', 'claimsPaid', 'money'],
];

function expectedLeague(pm: Metrics): Record<string, Expected> {
  const out: Record<string, Expected> = {};
  for (const r of pm.leagueTable) {
    const p = `league-row-${r.institution.id}`;
    out[`${p}-rank`] = { kind: 'int', value: r.rank, suppressed: false };
    for (const [suffix, field, kind] of LEAGUE_COLUMNS) {
      out[`${p}-${suffix}`] = { kind, value: r.cell.suppressed ? null : (r.cell[field] as Scalar), suppressed: r.cell.suppressed };
    }
  }
  return out;
}

/** In the CSV a withheld figure reads "withheld", a published null is empty. */
const csvOf = (e: { value: Scalar; suppressed: boolean }) => (e.suppressed ? 'withheld' : e.value === null ? '' : String(e.value));

// ---------------------------------------------------------------------------------------------
// Page helpers

interface Shown {
  id: string;
  value: string | null;
  suppressed: boolean;
  text: string;
}

async function shownNumbers(page: Page, prefix: string): Promise<Map<string, Shown>> {
  const rows = await page.$$eval(
    '[data-testid][data-value]',
    (els, pre) =>
      els
        .filter((e) => e.getAttribute('data-testid')!.startsWith(pre))
        .map((e) => ({
          id: e.getAttribute('data-testid')!,
          value: e.getAttribute('data-value'),
          suppressed: e.getAttribute('data-suppressed') === 'true',
          text: (e.textContent ?? '').trim(),
        })),
    prefix,
  );
  return new Map(rows.map((r) => [r.id, r]));
}

function compareShown(shown: Map<string, Shown>, expected: Record<string, Expected>, what: string) {
  expect([...shown.keys()].sort(), `${what}: the figures on the page`).toEqual(Object.keys(expected).sort());
  for (const [id, e] of Object.entries(expected)) {
    const s = shown.get(id)!;
    const where = `${what} ${id}`;
    if (e.suppressed) {
      expect(s.suppressed, `${where} is marked withheld`).toBe(true);
      expect(s.value, `${where} carries no value`).toBe('');
      expect(s.text, `${where} reads "withheld", not 0`).toMatch(/withheld/);
    } else if (e.value === null) {
      expect(s.suppressed, `${where} is not withheld`).toBe(false);
      expect(s.value, `${where} is empty like the API's null`).toBe('');
      expect(s.text, `${where} is not a number`).not.toMatch(/\d/);
    } else {
      expect(s.suppressed, `${where} is not withheld`).toBe(false);
      expect(s.value, `${where} data-value equals the API's value`).toBe(String(e.value));
      expect(s.text, `${where} display`).toBe(display(e.kind, e.value));
    }
  }
}

interface ChartInfo {
  labels: string[];
  lengths: number[];
  data: number[][];
  painted: number;
  pixels: number;
}

async function chartInfo(page: Page): Promise<Record<'monthly' | 'county' | 'category', ChartInfo>> {
  return page.evaluate(() => {
    const C = (window as any).Chart;
    const get = (id: string) => {
      const canvas = document.querySelector(`[data-testid="${id}"]`) as HTMLCanvasElement | null;
      if (!canvas) throw new Error(`no canvas ${id}`);
      const chart = C?.getChart(canvas);
      if (!chart) throw new Error(`no Chart.js chart on ${id}`);
      const px = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
      let painted = 0;
      for (let i = 3; i < px.length; i += 4) if (px[i] > 0) painted++;
      return {
        labels: chart.data.labels.map(String),
        lengths: chart.data.datasets.map((d: any) => d.data.length),
        data: chart.data.datasets.map((d: any) => d.data.map(Number)),
        painted,
        pixels: canvas.width * canvas.height,
      };
    };
    return { monthly: get('chart-monthly'), county: get('chart-county'), category: get('chart-category') };
  });
}

/** A minimal RFC 4180 reader: quoted fields, doubled quotes, CRLF. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else if (ch !== '\r') field += ch;
  }
  if (field !== '' || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

/** The rows of a "[name] …" section, keyed by its header line. */
function csvSection(rows: string[][], name: string): Record<string, string>[] {
  const start = rows.findIndex((r) => r[0]?.startsWith(`[${name}]`));
  if (start < 0) throw new Error(`CSV has no [${name}] section`);
  const header = rows[start + 1];
  const out: Record<string, string>[] = [];
  for (let i = start + 2; i < rows.length && !(rows[i].length === 1 && rows[i][0] === ''); i++) {
    out.push(Object.fromEntries(header.map((h, j) => [h, rows[i][j] ?? ''])));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------

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

beforeAll(async () => {
  if (!CHROMIUM) {
    throw new Error(
      'No Chromium or Chrome found for the dashboard test: set CHROME_PATH, or run `npm run setup:browser` (Debian: apt-get install chromium).',
    );
  }
  t = await app();
  await loadDemoData(t.tdb.db, { seed: 20140601, borrowers: 2000, asOf: t.now, pepper: t.config.nationalIdPepper });
  server = createHttpServer(t.app, [dashboardRoute]);
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
  // Reduced motion: the page then draws charts without animation, so pixels are final at once.
  context = await browser.newContext({
    viewport: { width: 1440, height: 900 },
    reducedMotion: 'reduce',
    acceptDownloads: true,
    locale: 'zh-CN',
  });
  page = await context.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error' || /Content.Security.Policy/i.test(m.text())) consoleProblems.push(`console.${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => consoleProblems.push(`pageerror: ${e.message}`));
}, 120_000);

afterAll(async () => {
  await browser?.close();
  if (server) {
    server.closeAllConnections();
    await new Promise<void>((r) => server!.close(() => r()));
  }
}, 60_000);

async function apiMetrics(filter: Filter | null): Promise<Metrics> {
  return ok(await t.gql<{ programmeMetrics: Metrics }>(govToken, QUERY, { f: filter })).programmeMetrics;
}

/** Waits until the page shows the answer for `filter`; fails with the page's error if it shows one. */
async function settled(filter: Filter) {
  const key = JSON.stringify(filter);
  await page.waitForFunction(
    (k) => (document.body.dataset.state === 'ready' || document.body.dataset.state === 'error') && document.body.dataset.filter === k,
    key,
    {
      timeout: 20_000,
    },
  );
  const state = await page.evaluate(() => document.body.dataset.state);
  if (state !== 'ready') throw new Error(`the dashboard shows an error for ${key}: ${await page.textContent('[data-testid=error]')}`);
}

/** A fresh page signed in with `token` (through the sign-in form, as a user would). */
async function signIn(token: string) {
  await page.goto(`${base}/dashboard`);
  await page.evaluate(() => sessionStorage.clear());
  await page.reload();
  await page.fill('[data-testid=token-input]', token);
  await page.click('[data-testid=sign-in]');
  await page.waitForFunction(() => document.body.dataset.state === 'ready' || document.body.dataset.state === 'error', undefined, {
    timeout: 20_000,
  });
}

async function assertPageShows(pm: Metrics) {
  compareShown(await shownNumbers(page, 'kpi-'), expectedKpis(pm), 'KPI');
  compareShown(await shownNumbers(page, 'league-row-'), expectedLeague(pm), 'league table');
  // League rows in the API's order, names as the API gives them.
  const rowIds = await page.$$eval('[data-testid=league-table] tbody tr[data-testid]', (trs) =>
    trs.map((tr) => tr.getAttribute('data-testid')),
  );
  expect(rowIds).toEqual(pm.leagueTable.map((r) => `league-row-${r.institution.id}`));
  for (const r of pm.leagueTable)
    expect(await page.textContent(`[data-testid="league-row-${r.institution.id}-name"]`)).toBe(r.institution.name);

  const charts = await chartInfo(page);
  const series: [keyof typeof charts, Cell[], number][] = [
    ['monthly', pm.monthly, 2],
    ['county', pm.byCounty, 1],
    ['category', pm.byCategory, 1],
  ];
  for (const [name, cells, datasets] of series) {
    const published = cells.filter((c) => !c.suppressed);
    const info = charts[name];
    expect(info.lengths, `${name} chart: one point per published cell in each dataset`).toEqual(Array(datasets).fill(published.length));
    expect(info.data[0], `${name} chart: disbursed amounts`).toEqual(published.map((c) => Number(c.disbursed ?? 0)));
    if (name === 'monthly') {
      expect(info.labels).toEqual(published.map((c) => c.label ?? c.key));
      expect(info.data[1], 'monthly chart: loans').toEqual(published.map((c) => Number(c.loans ?? 0)));
    }
    // Non-blank: bars, slices or the line cover part of the canvas (a doughnut of zeros draws nothing).
    if (published.some((c) => Number(c.disbursed ?? 0) > 0))
      expect(info.painted, `${name} chart is drawn`).toBeGreaterThan(info.pixels * 0.01);
    expect(await page.isVisible(`[data-testid="chart-${name}-empty"]`), `${name}: "no data" shown only when there is none`).toBe(
      !published.some((c) => Number(c.disbursed ?? 0) !== 0 || Number(c.loans ?? 0) !== 0),
    );
    const note = (await page.textContent(`[data-testid="chart-${name}-withheld"]`)) ?? '';
    for (const c of cells.filter((x) => x.suppressed))
      expect(note, `${name}: withheld ${c.key} listed under the chart`).toContain(c.label ?? c.key);
    if (!cells.some((x) => x.suppressed)) expect(note).toBe('');
  }

  expect(await page.getAttribute('[data-testid=meta-minimum-cell-size]', 'data-value')).toBe(String(pm.minimumCellSize));
  expect(await page.getAttribute('[data-testid=meta-reference-guarantee-cost]', 'data-value')).toBe(pm.referenceGuaranteeCost);
  // Every number on the page is one a test can find.
  expect(await page.$$eval('.num:not([data-testid])', (els) => els.length)).toBe(0);
}

function rawRequest(
  method: string,
  path: string,
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  const u = new URL(base);
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
    ];
    for (const [path, type] of assets) {
      const r = await rawRequest('GET', path);
      expect(r.status, path).toBe(200);
      expect(r.headers['content-type'], path).toMatch(type);
      expect(r.headers['cache-control'], path).toBe('no-store');
      expect(r.headers['x-content-type-options'], path).toBe('nosniff');
      const csp = String(r.headers['content-security-policy']);
      for (const d of ["default-src 'self'", "connect-src 'self'", "img-src 'self' data: blob:", "style-src 'self'"])
        expect(csp, path).toContain(d);
      expect(csp, path).not.toMatch(/unsafe-inline|unsafe-eval|https?:/);
    }
    expect((await rawRequest('GET', '/dashboard/vendor/chart.umd.js')).body).toMatch(/Chart\.js v4\./);
    // the programme's own name: 小额贷款保证保险 in Zhangjiakou, not the national 创业担保贷款 scheme
    const page = (await rawRequest('GET', '/dashboard')).body;
    expect(page).toMatch(/<h1>张家口市小额贷款保证保险项目监测看板<\/h1>/);
    expect(page).not.toContain('创业担保贷款');
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
    ]) {
      const r = await rawRequest('GET', path);
      expect(r.status, path).toBe(404);
      expect(r.body, path).not.toMatch(/"name"|import |<!doctype/i);
    }
    expect((await rawRequest('POST', '/dashboard')).status).toBe(405);
    expect((await rawRequest('HEAD', '/dashboard/app.css')).status).toBe(200);
  });

  it('has programme figures to compare (the demo data disburses programme loans)', async () => {
    const pm = await apiMetrics(null);
    const published = (cells: Cell[]) => cells.filter((c) => !c.suppressed).length;
    expect(pm.totals.suppressed, 'unfiltered totals are published').toBe(false);
    expect(pm.totals.loans, 'programme loans in the demo data').toBeGreaterThan(0);
    expect(published(pm.monthly), 'published months').toBeGreaterThan(0);
    expect(published(pm.byCounty), 'published counties').toBeGreaterThan(0);
    expect(published(pm.byCategory), 'published categories').toBeGreaterThan(0);
    expect(pm.leagueTable.length, 'league table rows').toBeGreaterThan(0);
  });

  it('shows every KPI tile, the league table and the charts exactly as the API answers', async () => {
    const pm = await apiMetrics(null);
    await signIn(govToken);
    await settled({});
    await assertPageShows(pm);
    // Leverage is the first tile.
    expect(await page.$eval('[data-testid=kpis] > *:first-child', (e) => e.getAttribute('data-testid'))).toBe('tile-leverage');
    // The unfiltered answer fills the filter choices.
    const options = async (id: string) =>
      page.$$eval(`[data-testid=${id}] option`, (os) => os.map((o) => (o as HTMLOptionElement).value).filter(Boolean));
    expect(await options('filter-county')).toEqual(pm.byCounty.map((c) => c.key));
    expect(await options('filter-sector')).toEqual(pm.bySector.map((c) => c.key));
    expect(new Set(await options('filter-year'))).toEqual(new Set(pm.monthly.map((c) => c.key!.slice(0, 4))));
    for (const r of pm.leagueTable) expect(await options('filter-institution')).toContain(r.institution.id);
    mkdirSync(RESULTS, { recursive: true });
    await page.screenshot({ path: join(RESULTS, 'dashboard.png'), fullPage: true });
  });

  it('re-queries when a filter changes and shows the filtered answer', async () => {
    await signIn(govToken);
    await settled({});
    await page.selectOption('[data-testid=filter-category]', 'RURAL_HOUSEHOLD');
    await settled({ category: 'RURAL_HOUSEHOLD' });
    await assertPageShows(await apiMetrics({ category: 'RURAL_HOUSEHOLD' }));

    const years = await page.$$eval('[data-testid=filter-year] option', (os) =>
      os.map((o) => (o as HTMLOptionElement).value).filter(Boolean),
    );
    expect(years.length, 'year choices (from the unfiltered monthly cells)').toBeGreaterThan(0);
    await page.selectOption('[data-testid=filter-year]', years[0]);
    const both: Filter = { year: Number(years[0]), category: 'RURAL_HOUSEHOLD' };
    await settled(both);
    await assertPageShows(await apiMetrics(both));

    await page.click('[data-testid=reset-filters]');
    await settled({});
    await assertPageShows(await apiMetrics(null));
  });

  it('exports a CSV of exactly what is shown', async () => {
    await signIn(govToken);
    await settled({});
    const pm = await apiMetrics(null);
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=export-csv]')]);
    expect(download.suggestedFilename()).toMatch(/\.csv$/);
    const text = readFileSync(await download.path(), 'utf8').replace(/^\uFEFF/, '');
    const rows = parseCsv(text);

    const kpis = Object.fromEntries(csvSection(rows, 'kpis').map((r) => [r.id, r.value]));
    expect(kpis).toEqual(Object.fromEntries(Object.entries(expectedKpis(pm)).map(([id, e]) => [id, csvOf(e)])));

    const monthly = csvSection(rows, 'monthly');
    expect(monthly.map((r) => r.key)).toEqual(pm.monthly.map((c) => c.key));
    for (const [i, c] of pm.monthly.entries()) {
      expect(monthly[i].disbursed, `monthly ${c.key}`).toBe(csvOf({ value: c.disbursed as Scalar, suppressed: c.suppressed }));
      expect(monthly[i].loans, `monthly ${c.key}`).toBe(csvOf({ value: c.loans as Scalar, suppressed: c.suppressed }));
    }
    for (const [name, cells] of [
      ['byCounty', pm.byCounty],
      ['byCategory', pm.byCategory],
    ] as const) {
      const got = csvSection(rows, name);
      expect(
        got.map((r) => [r.key, r.disbursed]),
        name,
      ).toEqual(cells.map((c) => [c.key, csvOf({ value: c.disbursed as Scalar, suppressed: c.suppressed })]));
    }

    const league = csvSection(rows, 'leagueTable');
    expect(league.map((r) => r.institutionId)).toEqual(pm.leagueTable.map((r) => r.institution.id));
    for (const [i, r] of pm.leagueTable.entries()) {
      const got = league[i];
      expect(got.rank).toBe(String(r.rank));
      expect(got.institution).toBe(r.institution.name);
      for (const [field, value] of Object.entries({
        loans: r.cell.loans,
        disbursed: r.cell.disbursed,
        defaultRate: r.cell.defaultRate,
        lossRatio: r.cell.lossRatio,
        claimsPaid: r.cell.claimsPaid,
      })) {
        expect(got[field], `${r.institution.id} ${field}`).toBe(csvOf({ value: value as Scalar, suppressed: r.cell.suppressed }));
      }
    }
  });

  it('shows a BANK token the FORBIDDEN error and no figures', async () => {
    expect(codeOf(await t.gql(bankToken, QUERY, { f: null }))).toBe('FORBIDDEN');
    await signIn(bankToken);
    expect(await page.evaluate(() => document.body.dataset.state)).toBe('error');
    expect(await page.isVisible('[data-testid=error]')).toBe(true);
    expect(await page.textContent('[data-testid=error-code]')).toContain('FORBIDDEN');
    expect(await page.textContent('[data-testid=error]')).toMatch(/Access denied/);
    expect(await page.$$('[data-testid^="kpi-"]')).toHaveLength(0);
    expect(await page.$$('[data-testid^="league-row-"]')).toHaveLength(0);
    // Signing out forgets the token.
    await page.click('[data-testid=sign-out]');
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
    expect(await page.isVisible('[data-testid=token-input]')).toBe(true);
  });

  it('ran without script errors or Content-Security-Policy violations', () => {
    expect(consoleProblems).toEqual([]);
  });
});
