import { Decimal } from 'decimal.js';
import { generateSchedule } from '../modules/lending/schedule.js';
import type { ProgrammeParameters, RepaymentMethod } from '../modules/parameters/rules.js';
import type { EligibilityAccount, Reason } from '../modules/underwriting/eligibility.js';
import { annualPremiumRate, premiumSchedule, type Price } from '../modules/underwriting/pricing.js';
import { addDays, addYears, startOfBusinessDay } from '../time.js';
import type { BorrowerBundle } from './generate.js';
import { createPricer, type Pricer } from './pricer.js';
import type { Rng } from './random.js';

/** One table's rows, as the loader inserts them (columns named by the keys). */
export type Row = Record<string, unknown>;

export interface ProgrammeRows {
  applications: Row[];
  reviews: Row[];
  policies: Row[];
  /** Each policy's premium by policy year (CHARGED, SCHEDULED or CANCELLED as of the demo's today). */
  policyPremiums: Row[];
  loans: Row[];
  instalments: Row[];
  claims: Row[];
  courtConfirmations: Row[];
  recoveries: Row[];
  inquiries: Row[];
  consents: Row[];
  accounts: Row[];
  customers: Row[];
  transactions: Row[];
  entries: Row[];
  balances: Map<string, Decimal>;
}

export type Money = Decimal;
export const D = (x: Decimal.Value) => new Decimal(x);
export const iso = (date: string, hour = 2) => new Date(startOfBusinessDay(date).getTime() + hour * 3600_000).toISOString();

/** An application: what the borrower asked for, the score, and (eligible ones) on its way to a policy and a loan. */
export interface Deal {
  b: BorrowerBundle;
  appId: string;
  bank: string;
  insurer: string;
  submitted: string;
  /** The term the borrower wanted; `termYears` is the one offered (1 year once the subsidy budget has no room for more). */
  requestedTermYears: number;
  termYears: number;
  method: RepaymentMethod;
  rate: string;
  raw: Money;
  amount: Money;
  cap: Money;
  grade: 'A' | 'B' | 'C' | 'D' | 'E';
  scoreValue: number;
  scorecardVersion: string;
  factors: unknown;
  /** The profile as eligibility weighs it. */
  accounts: EligibilityAccount[];
  /** The shared rules' verdict and the price, on the request as finally made. */
  eligible: boolean;
  reasons: Reason[];
  price: Price;
}

/** The generation's shared state: the random stream, the rows so far, and the money's events in date order. */
export interface ProgrammeRun {
  rng: Rng;
  p: ProgrammeParameters;
  parameterVersion: number;
  uuid: () => string;
  today: string;
  start: string;
  out: ProgrammeRows;
  /** `price` once per distinct terms (pricer.ts). */
  pricer: Pricer;
  /** `loanTerms` once per deal and terms (the subsidy budget and the booking ask for the same ones). */
  terms(d: LoanTermsInput): ReturnType<typeof loanTerms>;
  /** A balanced ledger transaction (zero legs are left out), its balances kept. */
  post(kind: string, date: string, memo: string, legs: [string, Money][], refs?: Record<string, string | null>): void;
  /** Schedule money to move on `date`; same-day events run by `order`, then as scheduled. */
  at(date: string, order: number, run: () => void): void;
  /** A fund's balance at the point the events have reached. */
  fund(f: string): Money;
  /** Run the scheduled events in date order. */
  settle(): void;
}

/**
 * A deal's policy and loan as the platform would set them up: issued 3 days after the
 * application, disbursed 2 days later; the schedule on the parameter version's day count, and
 * the premium by policy year on the balance at risk (pricing.ts premiumSchedule).
 */
type LoanTermsInput = Pick<Deal, 'submitted' | 'termYears' | 'method' | 'rate' | 'grade' | 'amount'>;

export function loanTerms(p: ProgrammeParameters, d: LoanTermsInput) {
  const issued = addDays(d.submitted, 3);
  const disbursed = addDays(d.submitted, 5);
  const maturity = addYears(disbursed, d.termYears);
  const principal = d.amount.toFixed(2);
  const schedule = generateSchedule({
    principal,
    annualRate: d.rate,
    termYears: d.termYears,
    method: d.method,
    disbursedOn: disbursed,
    dayCount: p.dayCount,
  });
  const premiumRate = annualPremiumRate(p, d.grade, d.termYears);
  if (premiumRate === null) throw new Error(`demo programme: a ${d.termYears}-year term is not offered`);
  const premiums = premiumSchedule(p, { rate: premiumRate, principal, schedule, startsOn: disbursed });
  return { issued, disbursed, maturity, principal, schedule, premiumRate, premiums };
}

/** The premium subsidy a loan commits the fund to over all its policy years. */
export const committedSubsidy = (premiums: { subsidy: string }[]) => premiums.reduce((t, y) => t.plus(y.subsidy), new Decimal(0));

export function emptyRows(): ProgrammeRows {
  return {
    applications: [],
    reviews: [],
    policies: [],
    policyPremiums: [],
    loans: [],
    instalments: [],
    claims: [],
    courtConfirmations: [],
    recoveries: [],
    inquiries: [],
    consents: [],
    accounts: [],
    customers: [],
    transactions: [],
    entries: [],
    balances: new Map(),
  };
}

export function startRun(s: Omit<ProgrammeRun, 'out' | 'post' | 'at' | 'fund' | 'settle' | 'pricer' | 'terms'>): ProgrammeRun {
  const out = emptyRows();
  const known = new Map<string, ReturnType<typeof loanTerms>>();
  const balances = out.balances;
  const events: { date: string; order: number; run: () => void }[] = [];
  return {
    ...s,
    out,
    pricer: createPricer(s.p),
    terms(d) {
      const key = `${d.submitted}|${d.termYears}|${d.method}|${d.rate}|${d.grade}|${d.amount.toFixed(2)}`;
      let t = known.get(key);
      if (!t) known.set(key, (t = loanTerms(s.p, d)));
      return t;
    },
    post(kind, date, memo, legs, refs = {}) {
      const id = s.uuid();
      out.transactions.push({
        id,
        kind,
        business_date: date,
        at: iso(date, 5),
        memo,
        created_by: 'demo',
        request_id: null,
        loan_id: null,
        policy_id: null,
        claim_id: null,
        borrower_id: null,
        reverses: null,
        ...refs,
      });
      for (const [account, amount] of legs) {
        if (amount.isZero()) continue;
        out.entries.push({ transaction_id: id, account_id: account, amount: amount.toFixed(2) });
        balances.set(account, (balances.get(account) ?? D(0)).plus(amount));
      }
    },
    at: (date, order, run) => void events.push({ date, order, run }),
    fund: (f) => balances.get(f) ?? D(0),
    settle() {
      events.sort((a, b) => a.date.localeCompare(b.date) || a.order - b.order);
      for (const e of events) e.run();
    },
  };
}
