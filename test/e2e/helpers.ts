/**
 * The dashboard test's contract and expectations, derived from the API answer alone, with their
 * own formatting code (not the page's), so a wrong unit or rounding on the page fails here.
 */
import { existsSync } from 'node:fs';
import { Decimal } from 'decimal.js';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';

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
export const CHROMIUM = BROWSERS.find((p): p is string => !!p && existsSync(p));

/** The dashboard's query, as the API contract states it. */
export const QUERY = /* GraphQL */ `
  query Metrics($f: MetricsFilter) {
    programmeMetrics(filter: $f) {
      minimumCellSize
      referenceGuaranteeCost
      generatedAt
      period {
        from
        to
      }
      leverage {
        creditDisbursed
        governmentMoney
        ratio
      }
      governmentMoney {
        premiumSubsidy
        riskCompensation
        total
        through
      }
      fundRunway {
        fundBalance
        since
        monthlyCredit
        defaultRate
        insurerShare
        compensationRatio
        monthlyDemand
        months
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
      bankLeague {
        ...Row
      }
      insurerLeague {
        ...Row
      }
    }
    institutions {
      id
      name
      kind
    }
  }
  fragment Row on LeagueRow {
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

export type Scalar = string | number | null;
export interface Cell {
  key: string | null;
  label: string | null;
  suppressed: boolean;
  [field: string]: Scalar | boolean;
}
export interface LeagueRow {
  rank: number;
  institution: { id: string; name: string; kind: string };
  cell: Cell;
}
export interface Metrics {
  minimumCellSize: number;
  referenceGuaranteeCost: string;
  generatedAt: string;
  period: { from: string | null; to: string };
  leverage: { creditDisbursed: string; governmentMoney: string; ratio: string | null } | null;
  governmentMoney: { premiumSubsidy: string; riskCompensation: string; total: string; through: string };
  fundRunway: {
    fundBalance: string;
    since: string;
    monthlyCredit: string;
    defaultRate: string | null;
    insurerShare: string;
    compensationRatio: string;
    monthlyDemand: string | null;
    months: string | null;
  } | null;
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
  bankLeague: LeagueRow[];
  insurerLeague: LeagueRow[];
}
export type Filter = { year?: number; county?: string; category?: string; sector?: string; institutionId?: string };

export type Kind = 'money' | 'wan' | 'rate' | 'int' | 'ratio' | 'months';
export interface Expected {
  kind: Kind;
  value: Scalar;
  suppressed: boolean;
}

// ---------------------------------------------------------------------------------------------
// What the page must show

const group = (digits: string) => digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
/** A decimal rounded half away from zero to 2 places, grouped: "12345.675" → "12,345.68". */
const fixed2 = (d: Decimal) => {
  const [int, frac] = d.abs().toFixed(2, Decimal.ROUND_HALF_UP).split('.');
  return (d.isNeg() && !d.abs().toDecimalPlaces(2, Decimal.ROUND_HALF_UP).isZero() ? '-' : '') + `${group(int)}.${frac}`;
};

/** Money as fiscal readers count it: ≥ 1亿 in 亿元, ≥ 1万 in 万元, else 元; two decimals. */
export function inFiscalUnits(v: string): string {
  const d = new Decimal(v);
  if (d.abs().gte(1e8)) return `${fixed2(d.div(1e8))}亿元`;
  if (d.abs().gte(1e4)) return `${fixed2(d.div(1e4))}万元`;
  return `${fixed2(d)}元`;
}
/** The exact figure, to the fen. */
export const exactYuan = (v: string) => `${fixed2(new Decimal(v))}元`;

export function display(kind: Kind, v: string | number): string {
  const s = String(v);
  switch (kind) {
    case 'money':
      return inFiscalUnits(s);
    case 'wan':
      return fixed2(new Decimal(s).div(1e4));
    case 'int':
      return group(s);
    case 'rate': {
      const [int, frac] = new Decimal(s).times(100).toFixed(2, Decimal.ROUND_HALF_UP).split('.');
      return `${group(int)}.${frac}%`;
    }
    case 'ratio':
      return `${s}×`;
    case 'months':
      return `${s}个月`;
  }
}

export function expectedKpis(pm: Metrics): Record<string, Expected> {
  const c = pm.totals;
  const cell = (kind: Kind, field: string): Expected => ({
    kind,
    value: c.suppressed ? null : (c[field] as Scalar),
    suppressed: c.suppressed,
  });
  const plain = (kind: Kind, value: Scalar | undefined): Expected => ({ kind, value: value ?? null, suppressed: false });
  const gm = pm.governmentMoney;
  const r = pm.fundRunway;
  const out: Record<string, Expected> = {
    'kpi-leverage': plain('ratio', pm.leverage?.ratio),
    'kpi-leverage-credit': plain('money', pm.leverage?.creditDisbursed),
    'kpi-leverage-government': plain('money', pm.leverage?.governmentMoney),
    'kpi-gov-total': plain('money', gm.total),
    'kpi-gov-premium-subsidy': plain('money', gm.premiumSubsidy),
    'kpi-gov-risk-compensation': plain('money', gm.riskCompensation),
    'kpi-runway': plain('months', r?.months),
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
  if (r) {
    out['kpi-runway-fund'] = plain('money', r.fundBalance);
    out['kpi-runway-demand'] = plain('money', r.monthlyDemand);
    out['kpi-runway-credit'] = plain('money', r.monthlyCredit);
    out['kpi-runway-default-rate'] = plain('rate', r.defaultRate);
  }
  for (const x of pm.funds.riskReserves) out[`kpi-risk-reserve-${x.insurer.id}`] = plain('money', x.balance);
  return out;
}

export const LEAGUE_COLUMNS: [string, string, Kind][] = [
  ['loans', 'loans', 'int'],
  ['disbursed', 'disbursed', 'wan'],
  ['default-rate', 'defaultRate', 'rate'],
  ['loss-ratio', 'lossRatio', 'rate'],
  ['claims-paid', 'claimsPaid', 'wan'],
];

export function expectedLeague(pm: Metrics): Record<string, Expected> {
  const out: Record<string, Expected> = {};
  for (const [table, rows] of [
    ['bank', pm.bankLeague],
    ['insurer', pm.insurerLeague],
  ] as const) {
    for (const r of rows) {
      const p = `league-${table}-${r.institution.id}`;
      out[`${p}-rank`] = { kind: 'int', value: r.rank, suppressed: false };
      for (const [suffix, field, kind] of LEAGUE_COLUMNS)
        out[`${p}-${suffix}`] = { kind, value: r.cell.suppressed ? null : (r.cell[field] as Scalar), suppressed: r.cell.suppressed };
    }
    if (rows.length)
      for (const [suffix, field, kind] of LEAGUE_COLUMNS)
        out[`league-${table}-total-${suffix}`] = {
          kind,
          value: pm.totals.suppressed ? null : (pm.totals[field] as Scalar),
          suppressed: pm.totals.suppressed,
        };
  }
  return out;
}

/** In the CSV a withheld figure reads "withheld", a published null is empty. */
export const csvOf = (e: { value: Scalar; suppressed: boolean }) => (e.suppressed ? 'withheld' : e.value === null ? '' : String(e.value));

/** The months the period cuts short: the first when it does not start on the 1st, the last when it does not end on the month's last day. */
export function partialMonths(pm: Metrics): string[] {
  const lastDay = (ym: string) => new Date(Date.UTC(Number(ym.slice(0, 4)), Number(ym.slice(5, 7)), 0)).getUTCDate();
  return pm.monthly
    .map((c) => c.key!)
    .filter(
      (k) =>
        (pm.period.from?.slice(0, 7) === k && pm.period.from.slice(8) !== '01') ||
        (pm.period.to.slice(0, 7) === k && Number(pm.period.to.slice(8)) !== lastDay(k)),
    );
}

// ---------------------------------------------------------------------------------------------
// Page helpers

export interface Shown {
  id: string;
  value: string | null;
  suppressed: boolean;
  text: string;
  title: string | null;
  kind: string | null;
}

export async function shownNumbers(page: Page, prefix: string): Promise<Map<string, Shown>> {
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
          title: e.getAttribute('title'),
          kind: e.getAttribute('data-kind'),
        })),
    prefix,
  );
  return new Map(rows.map((r) => [r.id, r]));
}

export function compareShown(shown: Map<string, Shown>, expected: Record<string, Expected>, what: string) {
  expect([...shown.keys()].sort(), `${what}: the figures on the page`).toEqual(Object.keys(expected).sort());
  for (const [id, e] of Object.entries(expected)) {
    const s = shown.get(id)!;
    const where = `${what} ${id}`;
    expect(s.kind, `${where} kind`).toBe(e.kind);
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
      if (e.kind === 'money' || e.kind === 'wan') expect(s.title, `${where}: the exact figure on hover`).toBe(exactYuan(String(e.value)));
    }
  }
}

/** A minimal RFC 4180 reader: quoted fields, doubled quotes, CRLF. */
export function parseCsv(text: string): string[][] {
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
export function csvSection(rows: string[][], name: string): Record<string, string>[] {
  const start = rows.findIndex((r) => r[0]?.startsWith(`[${name}]`));
  if (start < 0) throw new Error(`CSV has no [${name}] section`);
  const header = rows[start + 1];
  const out: Record<string, string>[] = [];
  for (let i = start + 2; i < rows.length && !(rows[i].length === 1 && rows[i][0] === ''); i++) {
    out.push(Object.fromEntries(header.map((h, j) => [h, rows[i][j] ?? ''])));
  }
  return out;
}

export interface ContrastProblem {
  text: string;
  ratio: number;
  needed: number;
  color: string;
  background: string;
}

/**
 * WCAG 2 contrast of every visible piece of text (and of the labels a phone's cards draw with
 * ::before) against the background it sits on, composited from the page down: at least 4.5:1,
 * 3:1 for large text (24px, or 18.66px bold). A gradient or image behind text is a problem in
 * itself: its contrast cannot be vouched for.
 */
export function contrastProblems(page: Page): Promise<ContrastProblem[]> {
  return page.evaluate(() => {
    type RGBA = { r: number; g: number; b: number; a: number };
    const parse = (c: string): RGBA => {
      const p = /rgba?\(([^)]+)\)/
        .exec(c)![1]
        .split(/[\s,/]+/)
        .filter(Boolean)
        .map(Number);
      return { r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1 };
    };
    const over = (fg: RGBA, bg: RGBA): RGBA => ({
      r: fg.r * fg.a + bg.r * (1 - fg.a),
      g: fg.g * fg.a + bg.g * (1 - fg.a),
      b: fg.b * fg.a + bg.b * (1 - fg.a),
      a: 1,
    });
    const lum = (c: RGBA) => {
      const f = (v: number) => {
        const s = v / 255;
        return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
      };
      return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b);
    };
    const ratioOf = (a: RGBA, b: RGBA) => {
      const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
      return (x + 0.05) / (y + 0.05);
    };
    /** The background behind `el`, and the opacity it is drawn with; null where a gradient or image is behind it. */
    const behind = (el: Element): { bg: RGBA; opacity: number } | null => {
      const chain: Element[] = [];
      for (let e: Element | null = el; e; e = e.parentElement) chain.push(e);
      let bg: RGBA = { r: 255, g: 255, b: 255, a: 1 };
      let opacity = 1;
      for (const e of chain.reverse()) {
        const cs = getComputedStyle(e);
        if (cs.backgroundImage !== 'none') return null;
        const c = parse(cs.backgroundColor);
        if (c.a > 0) bg = over(c, bg);
        opacity *= Number(cs.opacity);
      }
      return { bg, opacity };
    };
    const problems: ContrastProblem[] = [];
    const check = (el: Element, cs: CSSStyleDeclaration, text: string) => {
      const b = behind(el);
      const size = parseFloat(cs.fontSize);
      const large = size >= 24 || (size >= 18.66 && Number(cs.fontWeight) >= 700);
      const needed = large ? 3 : 4.5;
      if (!b) {
        problems.push({ text, ratio: 0, needed, color: cs.color, background: 'a gradient or image' });
        return;
      }
      const fg = parse(cs.color);
      fg.a *= b.opacity;
      const ratio = ratioOf(over(fg, b.bg), b.bg);
      if (ratio < needed)
        problems.push({ text, ratio: Math.round(ratio * 100) / 100, needed, color: cs.color, background: JSON.stringify(b.bg) });
    };
    for (const el of Array.from(document.querySelectorAll('body *'))) {
      if (el.matches('option, optgroup, script, style, canvas, :disabled') || el.getClientRects().length === 0) continue;
      const cs = getComputedStyle(el);
      if (cs.visibility !== 'visible') continue;
      const own = Array.from(el.childNodes)
        .filter((n) => n.nodeType === Node.TEXT_NODE)
        .map((n) => n.textContent ?? '')
        .join('')
        .trim();
      if (own) check(el, cs, own.slice(0, 60));
      const before = getComputedStyle(el, '::before');
      if (before.content && before.content !== 'none' && before.content !== 'normal' && before.content !== '""')
        check(el, before, `::before of ${own.slice(0, 30) || el.tagName}`);
    }
    return problems;
  });
}
