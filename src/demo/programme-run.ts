import { Decimal } from 'decimal.js';
import type { ProgrammeParameters, RepaymentMethod } from '../modules/parameters/rules.js';
import { startOfBusinessDay } from '../time.js';
import type { BorrowerBundle } from './generate.js';
import type { Rng } from './random.js';

/** One table's rows, as the loader inserts them (columns named by the keys). */
export type Row = Record<string, unknown>;

export interface ProgrammeRows {
  applications: Row[];
  reviews: Row[];
  policies: Row[];
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

/** An eligible application on its way to a policy and a loan. */
export interface Deal {
  b: BorrowerBundle;
  appId: string;
  bank: string;
  insurer: string;
  submitted: string;
  termYears: number;
  method: RepaymentMethod;
  rate: string;
  raw: Money;
  amount: Money;
  cap: Money;
  grade: 'A' | 'B' | 'C' | 'D' | 'E';
  scoreValue: number;
  factors: unknown;
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
  /** A balanced ledger transaction (zero legs are left out), its balances kept. */
  post(kind: string, date: string, memo: string, legs: [string, Money][], refs?: Record<string, string | null>): void;
  /** Schedule money to move on `date`; same-day events run by `order`, then as scheduled. */
  at(date: string, order: number, run: () => void): void;
  /** A fund's balance at the point the events have reached. */
  fund(f: string): Money;
  /** Run the scheduled events in date order. */
  settle(): void;
}

export function emptyRows(): ProgrammeRows {
  return {
    applications: [],
    reviews: [],
    policies: [],
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

export function startRun(s: Omit<ProgrammeRun, 'out' | 'post' | 'at' | 'fund' | 'settle'>): ProgrammeRun {
  const out = emptyRows();
  const balances = out.balances;
  const events: { date: string; order: number; run: () => void }[] = [];
  return {
    ...s,
    out,
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
