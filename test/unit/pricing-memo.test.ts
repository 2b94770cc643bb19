import { describe, expect, it } from 'vitest';
import { Decimal } from 'decimal.js';
import { SEED_PARAMETERS as P, GRADES, type ProgrammeParameters } from '../../src/modules/parameters/rules.js';
import {
  Lru,
  annualisedIrr,
  annualPremiumRate,
  borrowerCashFlows,
  price,
  quoteCost,
  quoteSchedule,
  type PriceRequest,
} from '../../src/modules/underwriting/pricing.js';
import { eligibility } from '../../src/modules/underwriting/eligibility.js';

/**
 * The memoised quote cost and IRR (pricing.ts) against the uncached computation: `referenceIrr`
 * is a verbatim copy of annualisedIrr as it was before the memo, run on freshly computed
 * schedules and premium years. Every value must be the same decimal string, to the last digit.
 */
const D40 = Decimal.clone({ precision: 34 });
function referenceIrr(flows: Decimal[]): Decimal | null {
  if (!flows.some((f) => f.gt(0)) || !flows.some((f) => f.lt(0))) return null;
  const fl = flows.map((f) => f.toNumber());
  const npvF = (i: number) => {
    const v = 1 / (1 + i);
    let t = 0;
    let vk = 1;
    for (const c of fl) {
      t += c * vk;
      vk *= v;
    }
    return t;
  };
  let lo = -0.99;
  let hi = 1;
  const sLo = Math.sign(npvF(lo));
  if (sLo === Math.sign(npvF(hi))) return null;
  for (let k = 0; k < 80; k++) {
    const mid = (lo + hi) / 2;
    if (Math.sign(npvF(mid)) === sLo) lo = mid;
    else hi = mid;
  }
  const cs = flows.map((c) => new D40(c.toString()));
  let i = new D40((lo + hi) / 2);
  for (let step = 0; step < 6; step++) {
    const v = new D40(1).div(i.plus(1));
    let f = new D40(0);
    let g = new D40(0);
    for (let k = cs.length - 1; k >= 0; k--) {
      g = g.mul(v).plus(f);
      f = f.mul(v).plus(cs[k]);
    }
    const df = g.mul(v).mul(v).neg();
    if (df.isZero()) break;
    const delta = f.div(df);
    i = i.minus(delta);
    if (delta.abs().lt('1e-28')) break;
  }
  return new Decimal(i.mul(12).toSignificantDigits(30).toString());
}

/** The uncached exact cost of a request, as price and eligibility computed it before the memo. */
function referenceCost(p: ProgrammeParameters, r: PriceRequest): Decimal | null {
  const rate = annualPremiumRate(p, r.grade, r.termYears)!;
  const { schedule, premiums } = quoteSchedule(p, r, rate);
  return referenceIrr(borrowerCashFlows({ principal: r.amount, schedule, premiums: premiums!, payment: p.premiumPayment }));
}

function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    let t = (s = (s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const str = (d: Decimal | null) => (d === null ? null : d.toString());

describe('memoised financing cost: the same digits as the uncached computation', () => {
  const variants: [string, ProgrammeParameters][] = [
    ['PBOC 30/360, annual premium', P],
    ['ACT/365 (the date is part of the key)', { ...P, dayCount: 'ACT_365' }],
    ['PBOC 30/360, single premium', { ...P, premiumPayment: 'SINGLE' }],
  ];
  for (const [name, p] of variants) {
    it(`${name}: price, quoteCost and eligibility agree with the reference on random requests, each on two dates`, () => {
      const next = rng(name.length * 7919);
      const years = p.terms.map((t) => t.years);
      for (let n = 0; n < 120; n++) {
        const amount = new Decimal(Math.floor(next() * 500) + 1).mul(next() < 0.2 ? 137.37 : 1000).toFixed(2);
        const terms = {
          amount,
          termYears: years[Math.floor(next() * years.length)],
          interestRate: new Decimal(300 + Math.floor(next() * 700)).div(10000).toString(),
          repaymentMethod: next() < 0.5 ? ('EQUAL_INSTALMENTS' as const) : ('INTEREST_ONLY_BULLET' as const),
          grade: GRADES[Math.floor(next() * GRADES.length)],
        };
        // the second date of the same terms is answered from the memo under 30/360
        for (const date of [
          '2015-01-31',
          `20${16 + Math.floor(next() * 8)}-0${1 + Math.floor(next() * 9)}-${10 + Math.floor(next() * 19)}`,
        ]) {
          const r: PriceRequest = { ...terms, date };
          const expected = referenceCost(p, r);
          const q = price(p, r);
          expect(q.financingCostRate).toBe(expected === null ? null : expected.toDecimalPlaces(6, Decimal.ROUND_HALF_UP).toString());
          expect(str(quoteCost(p, r, q.premiumRate!))).toBe(str(expected));
          const e = eligibility({
            category: 'RURAL_HOUSEHOLD',
            registeredOn: date,
            accounts: [],
            publicRecords: [],
            programmeExposure: '0',
            request: terms,
            price: q,
            params: p,
            today: date,
          });
          const reason = e.reasons.find((x) => x.code === 'FINANCING_COST_AT_OR_ABOVE_CEILING');
          const above = expected === null || expected.gte(p.financingCostCeiling);
          expect(reason?.actual).toBe(above ? (expected === null ? 'not computable' : expected.toDecimalPlaces(6).toString()) : undefined);
        }
      }
    });
  }

  it('annualisedIrr answers repeated flows from the memo with the reference value', () => {
    const next = rng(42);
    for (let n = 0; n < 200; n++) {
      const months = 1 + Math.floor(next() * 60);
      const flows = [new Decimal(Math.floor(next() * 1e6) + 1).div(100)];
      for (let k = 0; k < months; k++) flows.push(new Decimal(-Math.floor(next() * 1e5)).div(100));
      const expected = str(referenceIrr(flows));
      expect(str(annualisedIrr(flows))).toBe(expected);
      expect(str(annualisedIrr(flows.map((f) => new Decimal(f))))).toBe(expected);
    }
  });
});

describe('Lru', () => {
  it('keeps at most max entries, dropping the least recently used', () => {
    const m = new Lru<number>(2);
    m.set('a', 1);
    m.set('b', 2);
    expect(m.get('a')).toBe(1); // a is now the most recent
    m.set('c', 3);
    expect(m.size).toBe(2);
    expect(m.get('b')).toBeUndefined();
    expect(m.get('a')).toBe(1);
    expect(m.get('c')).toBe(3);
  });
});
