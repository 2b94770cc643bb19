import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../src/db/client.js';
import {
  adminToken,
  AGE,
  borrower,
  COMPENSATE,
  COURT,
  DEPOSIT,
  disbursedLoan,
  FILE_CLAIM,
  institution,
  key,
  PAY_CLAIM,
  RECOVER,
  REPAY,
  REVIEW,
  SUBMIT,
  type Deal,
  type Inst,
} from '../factories.js';
import { expectCubeConsistent, expectKeptArrears } from '../helpers/cube.js';
import { codeOf, ok, useTestApp, type TestApp } from '../helpers/app.js';

const METRICS = `query($f: MetricsFilter) { programmeMetrics(filter: $f) {
  minimumCellSize referenceGuaranteeCost
  leverage { creditDisbursed governmentMoney ratio }
  totals { ...C } monthly { ...C } byCounty { ...C } byCategory { ...C } bySector { ...C } byBank { ...C } byInsurer { ...C }
  leagueTable { rank institution { id } cell { key disbursed suppressed } }
  funds { premiumSubsidyFund riskCompensationFund }
} }
fragment C on MetricCell { key label suppressed applications approvals approvalRate loans disbursed outstanding borrowersReached
  averageInterestRate averagePremiumRate averageFinancingCost savingsVsGuaranteeCompany defaults defaultedAmount defaultRate
  claimsPaid compensationPaid recoveries premiums premiumSubsidy lossRatio }`;

const A = '张北县';
const B = '蔚县';
const app = useTestApp({ now: '2026-03-10T02:00:00.000Z' });
let t: TestApp;
let bank: Inst;
let insurer: Inst;
let gov: Inst;
let admin: string;
let defaulting: Deal;

/**
 * The hand-computed data set: county A, breeding: 7 loans of 100,000 at 5%; county A, retail:
 * 2 of 50,000 at 4%; county B, planting: 5 of 200,000 at 5.5% and one declined application.
 * One A-breeding loan defaults; its claim, compensation and a recovery follow.
 */
beforeAll(async () => {
  t = await app();
  [bank, insurer, gov] = await Promise.all([institution(t, 'BANK'), institution(t, 'INSURER'), institution(t, 'GOVERNMENT')]);
  admin = await adminToken(t);
  ok(await t.gql(gov.token, DEPOSIT, { f: 'PREMIUM_SUBSIDY', a: '100000.00', k: key() }));
  ok(await t.gql(gov.token, DEPOSIT, { f: 'RISK_COMPENSATION', a: '1000000.00', k: key() }));
  const deals: { deal: Deal; monthly: string }[] = [];
  const open = async (county: string, sector: string, amount: string, rate: string, monthly: string) => {
    const b = await borrower(t, bank, { county, sector, registeredOn: '2025-01-01' });
    deals.push({ deal: await disbursedLoan(t, b, bank, insurer, { amount, interestRate: rate }), monthly });
  };
  for (let i = 0; i < 7; i++) await open(A, 'breeding', '100000.00', '0.05', '416.67');
  for (let i = 0; i < 2; i++) await open(A, 'retail', '50000.00', '0.04', '166.67');
  for (let i = 0; i < 5; i++) await open(B, 'planting', '200000.00', '0.055', '916.67');
  const declined = await borrower(t, bank, { county: B, sector: 'planting', registeredOn: '2025-01-01' });
  const a = ok(
    await t.gql(declined.token, SUBMIT, {
      i: { bankId: bank.id, insurerId: insurer.id, amount: '200000.00', termYears: 1, interestRate: '0.055', loanPurpose: '种植' },
      k: key(),
    }),
  ).submitApplication;
  ok(await t.gql(bank.token, REVIEW, { id: a.id, d: 'DECLINE', r: ['经营场地租约不足一年'], k: key() }));
  // 130 days on: every loan but the first has paid its four interest instalments; the first defaults
  defaulting = deals[0].deal;
  t.setNow('2026-07-18T02:00:00.000Z');
  for (const { deal, monthly } of deals.slice(1)) {
    ok(await t.gql(bank.token, REPAY, { l: deal.loanId, a: (Number(monthly) * 4).toFixed(2), k: key() }));
  }
  const aged = ok(await t.gql(admin, AGE, {})).ageLoans;
  expect(aged.defaulted).toBe(1);
  const claim = ok(await t.gql(bank.token, FILE_CLAIM, { l: defaulting.loanId, k: key() })).fileClaim;
  ok(await t.gql(insurer.token, PAY_CLAIM, { c: claim.id, k: key() }));
  ok(await t.gql(bank.token, COURT, { l: defaulting.loanId, r: '(2026)冀0722民初88号', d: '2026-07-18', k: key() }));
  ok(await t.gql(gov.token, COMPENSATE, { c: claim.id, k: key() }));
  ok(await t.gql(bank.token, RECOVER, { l: defaulting.loanId, a: '10000.00', k: key() }));
}, 120_000);

const minimumCellSize = async (k: number, from: string) => {
  ok(
    await t.gql(
      gov.token,
      `mutation($i: NewParameterVersionInput!, $k: String!) { createParameterVersion(input: $i, idempotencyKey: $k) { version } }`,
      {
        i: { effectiveFrom: from, note: `k = ${k}`, changes: { minimumCellSize: k } },
        k: key(),
      },
    ),
  );
  t.setNow(from);
};

describe('each metric against the hand-computed data set (k = 2)', () => {
  let m: any;
  beforeAll(async () => {
    await minimumCellSize(2, '2026-07-19T00:00:00.000Z');
    m = ok(await t.gql(gov.token, METRICS, {})).programmeMetrics;
  });

  it('totals', () => {
    expect(m.minimumCellSize).toBe(2);
    expect(m.totals).toEqual({
      key: null,
      label: null,
      suppressed: false,
      applications: 15,
      approvals: 14,
      approvalRate: '0.933333',
      loans: 14,
      disbursed: '1800000.00',
      outstanding: '1700000.00',
      borrowersReached: 14,
      averageInterestRate: '0.052222',
      averagePremiumRate: '0.023',
      // amount-weighted annualised all-in costs (IRR): per loan 0.060330, 0.050274 and 0.065358 (checked in
      // Python); savings = 1 − 0.062565 ÷ 0.111469 (the sourced reference cost)
      averageFinancingCost: '0.062565',
      savingsVsGuaranteeCompany: '0.438723',
      defaults: 1,
      defaultedAmount: '100000.00',
      defaultRate: '0.071429',
      claimsPaid: '80000.00',
      compensationPaid: '40000.00',
      recoveries: '10000.00',
      premiums: '41400.00',
      premiumSubsidy: '23400.00',
      lossRatio: '0.869565',
    });
  });

  it('leverage: credit disbursed over government money in the same period', () => {
    expect(m.leverage).toEqual({ creditDisbursed: '1800000.00', governmentMoney: '1100000.00', ratio: '1.6' });
  });

  it('breakdowns by county, sector, month and institution add up to the totals', () => {
    const county = Object.fromEntries(m.byCounty.map((c: any) => [c.key, c]));
    expect(county[A]).toMatchObject({ applications: 9, loans: 9, disbursed: '800000.00', defaults: 1, outstanding: '700000.00' });
    expect(county[B]).toMatchObject({
      applications: 6,
      approvals: 5,
      loans: 5,
      disbursed: '1000000.00',
      defaults: 0,
      approvalRate: '0.833333',
    });
    expect(m.bySector.map((c: any) => [c.key, c.loans])).toEqual([
      ['breeding', 7],
      ['planting', 5],
      ['retail', 2],
    ]);
    expect(m.monthly).toHaveLength(1);
    expect(m.monthly[0]).toMatchObject({ key: '2026-03', applications: 15, disbursed: '1800000.00' });
    expect(m.byBank).toEqual([expect.objectContaining({ key: bank.id, disbursed: '1800000.00' })]);
    expect(m.leagueTable.map((r: any) => r.institution.id).sort()).toEqual([bank.id, insurer.id].sort());
  });

  it('filters to one county, with its own monthly series', async () => {
    const f = ok(await t.gql(gov.token, METRICS, { f: { county: A } })).programmeMetrics;
    expect(f.totals).toMatchObject({ applications: 9, disbursed: '800000.00', claimsPaid: '80000.00', lossRatio: '1.956522' });
    expect(f.byCounty).toHaveLength(1);
    expect(f.leverage).toBeNull();
    expect(f.monthly[0]).toMatchObject({ key: '2026-03', disbursed: '800000.00' });
  });

  it('filters to a year of cohorts', async () => {
    expect(ok(await t.gql(gov.token, METRICS, { f: { year: 2026 } })).programmeMetrics.totals.disbursed).toBe('1800000.00');
    const none = ok(await t.gql(gov.token, METRICS, { f: { year: 2025 } })).programmeMetrics;
    expect(none.totals).toMatchObject({ suppressed: false, applications: 0, disbursed: '0.00', averageInterestRate: null });
  });

  it('keeps the cube equal to a rebuild from the base tables', async () => {
    // equal to a replay of the events' metric deltas from scratch, and to a rebuild from the base tables
    await expectCubeConsistent(t.tdb);
  });
});

describe('the kept figures follow the domain events', () => {
  it('each change carries its metric deltas on its event: amounts and counts, no personal data', async () => {
    const events = await rows<{ type: string; metrics: { applicationId: string; deltas: Record<string, string | number> } }>(
      t.tdb.db.orm,
      sql`select type, payload->'metrics' as metrics from domain_events where payload->'metrics' is not null order by seq`,
    );
    const of = (type: string) => events.filter((e) => e.type === type).map((e) => e.metrics.deltas);
    expect(of('application.submitted')).toHaveLength(15);
    expect(of('application.submitted')[0]).toEqual({ applications: 1, new_applicants: 1 });
    expect(of('application.reviewed')).toContainEqual({ declines: 1 });
    expect(of('application.reviewed').filter((d) => d.approvals === 1)).toHaveLength(14);
    expect(of('loan.disbursed')[0]).toMatchObject({ loans: 1, borrowers_reached: 1, disbursed: '100000.00', outstanding: '100000.00' });
    expect(of('loan.defaulted')).toEqual([{ defaults: 1, defaulted_amount: '100000.00' }]);
    expect(of('claim.paid')).toEqual([{ claims_paid: '80000.00', outstanding: '-100000.00' }]);
    expect(of('claim.compensation_approved')).toEqual([{ compensation_paid: '40000.00' }]);
    expect(of('loan.recovery.recorded')).toEqual([{ recoveries: '10000.00', recovered_insurer: expect.any(String) }]);
    // only the measures: nothing about the borrower travels with them
    const keys = new Set(events.flatMap((e) => Object.keys(e.metrics)));
    expect([...keys].sort()).toEqual(['applicationId', 'deltas']);
    // and the sums of the deltas are the totals the cube keeps
    const sum = (m: string) => events.reduce((s, e) => s + Number(e.metrics.deltas[m] ?? 0), 0);
    expect(sum('disbursed')).toBe(1800000);
    expect(sum('outstanding')).toBe(1700000);
  });

  it("replaying the events' deltas from scratch reproduces the kept figures, as a rebuild from the base tables does", async () => {
    await expectCubeConsistent(t.tdb);
  });
});

describe('what the funds owe and the cached view', () => {
  it("the funds' arrears are kept balances, equal to the scan after the whole sequence (claims, compensation, recovery)", async () => {
    const kept = await expectKeptArrears(t.tdb);
    const f = ok(await t.gql(gov.token, `{ programmeMetrics { funds { subsidyOwed compensationShortfall } } }`)).programmeMetrics.funds;
    expect(f).toEqual({ subsidyOwed: kept.subsidy, compensationShortfall: kept.shortfall });
  });

  it('the view is cached per version of the kept aggregates: a change moves the version, and the next read sees it', async () => {
    const db = t.tdb.db.orm;
    const total = async () => ok(await t.gql(gov.token, METRICS, {})).programmeMetrics.totals.disbursed as string;
    const before = await total();
    const [{ shard }] = await rows<{ shard: number }>(
      db,
      sql`select min(shard) as shard from metric_groups where scope = 'ALL' and key = ''`,
    );
    const where = sql`scope = 'ALL' and key = '' and shard = ${shard}`;
    // a figure moved behind the version's back: this process still answers from its view of that version (the cache is used)
    await db.execute(sql`update metric_groups set disbursed = disbursed + 100 where ${where}`);
    expect(await total()).toBe(before);
    // every change to the groups moves its rows' revisions (another replica's commit included): the next read sees it
    await db.execute(sql`update metric_groups set revision = revision + 1 where ${where}`);
    expect(await total()).toBe((Number(before) + 1).toFixed(2));
    await db.execute(sql`update metric_groups set disbursed = disbursed - 100, revision = revision + 1 where ${where}`);
    expect(await total()).toBe(before);
  });
});

describe('privacy by construction (k = 5)', () => {
  let m: any;
  beforeAll(async () => {
    await minimumCellSize(5, '2026-07-20T00:00:00.000Z');
    m = ok(await t.gql(gov.token, METRICS, {})).programmeMetrics;
  });

  it('withholds groups of fewer than 5 borrowers: null and flagged', () => {
    const retail = m.bySector.find((c: any) => c.key === 'retail');
    expect(retail).toMatchObject({ suppressed: true, applications: null, disbursed: null, loans: null });
    expect(m.totals.suppressed).toBe(false);
  });

  it('withholds what differencing would reveal: county A (9) and breeding (7, all in A) differ by the 2 retail borrowers', async () => {
    const countyA = ok(await t.gql(gov.token, METRICS, { f: { county: A } })).programmeMetrics.totals;
    const breeding = ok(await t.gql(gov.token, METRICS, { f: { sector: 'breeding' } })).programmeMetrics.totals;
    expect(countyA.suppressed && breeding.suppressed).toBe(false); // not everything hidden...
    expect(!countyA.suppressed && !breeding.suppressed).toBe(false); // ...but never both published
    const breedingInA = ok(await t.gql(gov.token, METRICS, { f: { county: A } })).programmeMetrics.bySector.find(
      (c: any) => c.key === 'breeding',
    );
    if (!countyA.suppressed) expect(breedingInA.suppressed).toBe(true);
  });

  it('a narrowing filter to a small group withholds everything in it', async () => {
    const f = ok(await t.gql(gov.token, METRICS, { f: { sector: 'retail' } })).programmeMetrics;
    expect(f.totals.suppressed).toBe(true);
    for (const list of [f.monthly, f.byCounty, f.bySector, f.byBank, f.byInsurer]) expect(list.every((c: any) => c.suppressed)).toBe(true);
  });

  it('no published breakdown leaves a single withheld cell that total − the others would reveal', () => {
    for (const list of [m.byCounty, m.bySector, m.monthly, m.byBank, m.byInsurer, m.byCategory]) {
      const hidden = list.filter((c: any) => c.suppressed);
      expect(hidden.length === 0 || hidden.length >= 2).toBe(true);
    }
  });
});

describe('access', () => {
  it('only government and admin read metrics; no borrower identifier in them', async () => {
    expect(ok(await t.gql(admin, `{ programmeMetrics { totals { loans } } }`)).programmeMetrics.totals.loans).toBe(14);
    // the deprecated spelling answers the same, for a release
    expect(ok(await t.gql(admin, `{ programMetrics { totals { loans } } }`)).programMetrics.totals.loans).toBe(14);
    for (const token of [bank.token, insurer.token])
      expect(codeOf(await t.gql(token, `{ programmeMetrics { totals { loans } } }`))).toBe('FORBIDDEN');
    const text = JSON.stringify(ok(await t.gql(gov.token, METRICS, {})));
    const ids = await rows<{ id: string }>(t.tdb.db.orm, sql`select id from borrowers`);
    for (const { id } of ids) expect(text).not.toContain(id);
  });

  it('refuses two dimension filters at once', async () => {
    expect(codeOf(await t.gql(gov.token, METRICS, { f: { county: A, sector: 'breeding' } }))).toBe('BAD_USER_INPUT');
    expect(codeOf(await t.gql(gov.token, METRICS, { f: { institutionId: 'nobody-here' } }))).toBe('NOT_FOUND');
  });
});
