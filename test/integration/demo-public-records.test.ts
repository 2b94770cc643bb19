import { beforeAll, describe, expect, it } from 'vitest';
import { loadDemoData, type DemoSummary } from '../../src/demo/load.js';
import { demoLogins, type DemoLogin } from '../../src/demo/tokens.js';
import { ok, useTestApp, type TestApp } from '../helpers/app.js';

/**
 * The demo shows public records: its court, tax bureau and market regulator furnished a few,
 * a listed borrower's quote is ineligible, and the printed tokens include the authorities.
 * (The programme is left out to keep this quick; seed-fidelity loads the whole demo.)
 */
const app = useTestApp({ now: new Date().toISOString() });
let t: TestApp;
let summary: DemoSummary;
let logins: DemoLogin[];

beforeAll(async () => {
  t = await app();
  summary = await loadDemoData(t.tdb.db, {
    seed: 20140601,
    borrowers: 400,
    asOf: t.now,
    pepper: t.config.nationalIdPepper,
    programme: false,
  });
  logins = await demoLogins(t.config, t.tdb.db);
}, 120_000);

const PROFILE = `{ myCreditProfile { publicRecords { kind status caseNumber grade authority { id name authority } } summary { activePublicRecords } } }`;
const QUOTE = `query($i: QuoteInput!) { quote(input: $i) { eligible reasons { code } } }`;

describe('demo public records', () => {
  it('the court, the tax bureau and the market regulator are demo institutions with printed DATA_SOURCE tokens', async () => {
    expect(summary.publicRecords).toBeGreaterThanOrEqual(10);
    const sources = logins.filter((l) => l.role === 'DATA_SOURCE');
    expect(sources.map((l) => l.note)).toEqual([
      'zjk-intermediate-court (COURT)',
      'zjk-market-regulator (MARKET_REGULATOR)',
      'zjk-tax-bureau (TAX_BUREAU)',
    ]);
    const court = sources[0].token;
    const furnished = ok(await t.gql(court, `{ furnishedPublicRecords(first: 50) { nodes { kind status authority { name } } } }`));
    expect(furnished.furnishedPublicRecords.nodes.map((r: { kind: string }) => r.kind)).toEqual(
      expect.arrayContaining(['DISHONEST_DEBTOR', 'COURT_ENFORCEMENT', 'COURT_JUDGMENT']),
    );
    expect(furnished.furnishedPublicRecords.nodes[0].authority.name).toBe('张家口市中级人民法院');
  });

  it('the listed borrower’s profile shows the court’s records, and their quote is ineligible', async () => {
    const listed = logins.find((l) => l.role === 'BORROWER' && l.note.includes('dishonest-debtor list'));
    expect(listed).toBeDefined();
    const p = ok(await t.gql(listed!.token, PROFILE)).myCreditProfile;
    expect(p.publicRecords.map((r: { kind: string; status: string }) => `${r.kind} ${r.status}`)).toEqual([
      'DISHONEST_DEBTOR ACTIVE',
      'COURT_ENFORCEMENT ACTIVE',
      'COURT_JUDGMENT ACTIVE',
    ]);
    expect(p.publicRecords[0].authority).toEqual({ id: 'zjk-intermediate-court', name: '张家口市中级人民法院', authority: 'COURT' });
    const q = ok(await t.gql(listed!.token, QUOTE, { i: { amount: '50000.00', termYears: 1, interestRate: '0.05' } })).quote;
    expect(q.eligible).toBe(false);
    expect(q.reasons.map((r: { code: string }) => r.code)).toEqual(['DISHONEST_DEBTOR_LISTED']);
  });

  it('another borrower shows an executed judgment and paid arrears, but not the judgment past its 5 years', async () => {
    const other = logins.find((l) => l.role === 'BORROWER' && l.note.includes('public records:'));
    expect(other).toBeDefined();
    const p = ok(await t.gql(other!.token, PROFILE)).myCreditProfile;
    expect(p.publicRecords.map((r: { kind: string; status: string }) => `${r.kind} ${r.status}`)).toEqual([
      'TAX_ARREARS EXECUTED',
      'COURT_JUDGMENT EXECUTED',
    ]);
    expect(p.summary.activePublicRecords).toBe(0);
    const q = ok(await t.gql(other!.token, QUOTE, { i: { amount: '50000.00', termYears: 1, interestRate: '0.05' } })).quote;
    expect(q.eligible).toBe(true);
  });
});
