import { Decimal } from 'decimal.js';
import type { BorrowerCategory } from '../domain.js';
import { rateCeiling, type RepaymentMethod } from '../modules/parameters/rules.js';
import { eligibility } from '../modules/underwriting/eligibility.js';
import { score } from '../modules/underwriting/scorecard.js';
import { addDays } from '../time.js';
import type { BorrowerBundle } from './generate.js';
import { committedSubsidy, D, iso, type Deal, type ProgrammeRun } from './programme-run.js';

/** The terms borrowers ask for (the seed's 建议一 offers 2, 3 and 5 years beside 1). */
const TERMS: [number, number][] = [
  [1, 80],
  [2, 8],
  [3, 8],
  [5, 4],
];

/**
 * 1. Who applies, for what, and what the shared rules say: every borrower applies once, with
 * the score the insurer's scorecard gives; the shared rules review the request. Nothing is
 * recorded yet (recordApplications does, once the amounts and terms are final).
 */
export function applyFor(run: ProgrammeRun, bundles: BorrowerBundle[]): Deal[] {
  const { rng, p, start } = run;
  return bundles.map((b) => {
    const loanAccount = b.accounts.find((a) => a.kind === 'LOAN');
    const bank = loanAccount?.institution_id ?? 'saibei-rural-bank';
    const insurer = b.accounts.find((a) => a.kind === 'INSURANCE_POLICY')?.institution_id ?? 'great-wall-mutual';
    const submitted = addDays(start, rng.int(0, 715));
    const termYears = rng.weighted(TERMS);
    const method: RepaymentMethod = rng.chance(0.7) ? 'INTEREST_ONLY_BULLET' : 'EQUAL_INSTALMENTS';
    const rate = rateCeiling(p, submitted, termYears)!;
    const category = b.borrower.category as BorrowerCategory;
    const cap = D(p.categoryCaps[category]);
    const raw = cap
      .mul(0.45 + rng.next() * 0.55)
      .div(1000)
      .round()
      .mul(1000);
    const accounts = b.accounts.map((a) => ({
      id: a.id,
      kind: a.kind,
      status: a.status,
      closedOn: a.closed_on,
      balance: a.balance,
      originalAmount: a.original_amount,
      paymentHistory: a.payment_history,
      statusMonth: a.status_month,
      disputed: false,
    }));
    const s = score({
      accounts,
      inquiries: [],
      registeredOn: b.borrower.registered_on,
      programmeHistory: { repaid: 0, defaulted: 0 },
      now: new Date(iso(submitted)),
    });
    const deal: Deal = {
      b,
      appId: run.uuid(),
      bank,
      insurer,
      submitted,
      requestedTermYears: termYears,
      termYears,
      method,
      rate,
      raw,
      amount: raw,
      cap,
      grade: s.grade,
      scoreValue: s.score,
      scorecardVersion: s.version,
      factors: s.factors,
      accounts,
      eligible: false,
      reasons: [],
      price: null!,
    };
    review(run, deal);
    return deal;
  });
}

/** The shared rules on the deal's request as it stands: its price and eligibility. */
function review(run: ProgrammeRun, d: Deal) {
  const { p } = run;
  const request = { amount: d.amount.toFixed(2), termYears: d.termYears, interestRate: d.rate };
  d.price = run.pricer.price({ ...request, repaymentMethod: d.method, grade: d.grade, date: d.submitted });
  const e = eligibility({
    category: d.b.borrower.category as BorrowerCategory,
    registeredOn: d.b.borrower.registered_on,
    accounts: d.accounts,
    publicRecords: [],
    programmeExposure: '0',
    request: { ...request, repaymentMethod: d.method },
    price: d.price,
    params: p,
    today: d.submitted,
  });
  d.eligible = e.eligible;
  d.reasons = e.reasons;
}

/** 2. Scale the amounts so the programme disbursed exactly the plan's total, within the caps. */
export function scaleToPlan(eligible: Deal[], targetDisbursed: string) {
  const target = D(targetDisbursed);
  const rawTotal = eligible.reduce((s, d) => s.plus(d.raw), D(0));
  const factor = target.div(rawTotal);
  for (const d of eligible) d.amount = Decimal.min(d.cap, d.raw.mul(factor).div(1000).round().mul(1000));
  let residual = target.minus(eligible.reduce((s, d) => s.plus(d.amount), D(0)));
  for (let i = 0; !residual.isZero() && i < eligible.length * 4; i++) {
    const d = eligible[i % eligible.length];
    const step = residual.gt(0)
      ? Decimal.min(residual, d.cap.minus(d.amount), 1000)
      : Decimal.max(residual, D(10_000).minus(d.amount), -1000);
    d.amount = d.amount.plus(step);
    residual = residual.minus(step);
  }
  if (!residual.isZero()) throw new Error('demo programme: cannot reach the planned total within the caps');
}

/**
 * 3. The subsidy budget decides which terms are offered. The premium-subsidy fund pays each
 * policy year's subsidy when the year is charged, so a loan commits the fund for every one of
 * its years. Taking the applications in the order they came in, the plan keeps one year's
 * subsidy reserved for every loan still to come, and a 2-, 3- or 5-year term is offered only if
 * its whole commitment fits in what is left of the budget beside that reservation; otherwise the
 * bank offers 1 year (at the 1-year rate ceiling), which the borrower takes. So the subsidy the
 * programme's loans can ever charge stays within the deposit: the fund is never overdrawn and
 * never owes a subsidy. Returns the committed total.
 */
export function budgetTerms(run: ProgrammeRun, eligible: Deal[], subsidyBudget: string): Decimal {
  const { p } = run;
  const budget = D(subsidyBudget);
  const oneYear = (d: Deal) => ({ ...d, termYears: 1, rate: rateCeiling(p, d.submitted, 1)! });
  const chronological = eligible.map((d, i) => ({ d, i })).sort((a, b) => a.d.submitted.localeCompare(b.d.submitted) || a.i - b.i);
  const base = new Map(chronological.map(({ d }) => [d, committedSubsidy(run.terms(oneYear(d)).premiums)]));
  let reserved = [...base.values()].reduce((t, x) => t.plus(x), D(0));
  let committed = D(0);
  for (const { d } of chronological) {
    reserved = reserved.minus(base.get(d)!);
    if (d.termYears > 1) {
      const full = committedSubsidy(run.terms(d).premiums);
      if (committed.plus(full).plus(reserved).lte(budget)) {
        committed = committed.plus(full);
        continue;
      }
      Object.assign(d, oneYear(d));
    }
    committed = committed.plus(base.get(d)!);
  }
  if (committed.gt(budget))
    throw new Error(`demo programme: one year of subsidy on the planned credit (${committed.toFixed(2)}) exceeds the budget`);
  return committed;
}

/**
 * 4. Record every application as finally made, with the consents, inquiries and reviews it
 * took: the ineligible are declined with their reasons (the insurer never reviews those).
 */
export function recordApplications(run: ProgrammeRun, deals: Deal[]) {
  const { rng, out } = run;
  for (const d of deals) {
    const b = d.b;
    if (d.eligible) {
      review(run, d);
      if (!d.eligible) throw new Error(`demo programme: application ${d.appId} became ineligible on its final terms`);
    }
    out.applications.push({
      id: d.appId,
      borrower_id: b.borrower.id,
      bank_id: d.bank,
      insurer_id: d.insurer,
      amount: d.amount.toFixed(2),
      term_years: d.termYears,
      interest_rate: d.rate,
      repayment_method: d.method,
      loan_purpose: `扩大${b.borrower.sector}经营`,
      status: d.eligible ? 'DISBURSED' : 'DECLINED',
      submitted_by_role: 'BORROWER',
      submitted_by: `borrower-${b.borrower.id.slice(0, 8)}`,
      submitted_at: iso(d.submitted),
      decided_at: iso(addDays(d.submitted, 1)),
      updated_at: iso(d.submitted),
    });
    for (const [inst, role, purpose] of [
      [d.bank, 'BANK', 'LOAN_APPLICATION'],
      [d.insurer, 'INSURER', 'UNDERWRITING'],
    ] as const) {
      out.customers.push({ institution_id: inst, borrower_id: b.borrower.id, since: iso(d.submitted) });
      const consentId = run.uuid();
      out.consents.push({
        id: consentId,
        borrower_id: b.borrower.id,
        institution_id: inst,
        purpose,
        granted_at: iso(d.submitted, 1),
        expires_at: iso(addDays(d.submitted, 90), 1),
        revoked_at: null,
      });
      out.inquiries.push({
        id: run.uuid(),
        borrower_id: b.borrower.id,
        institution_id: inst,
        user_id: `${inst}-officer-${rng.int(1, 9)}`,
        purpose,
        consent_id: consentId,
        inquired_at: iso(addDays(d.submitted, 1), 3),
      });
      if (role === 'INSURER' && !d.eligible) break; // the bank declined; the insurer never reviewed
      out.reviews.push({
        id: run.uuid(),
        application_id: d.appId,
        institution_id: inst,
        reviewer_role: role,
        decision: d.eligible ? 'APPROVE' : 'DECLINE',
        reasons: JSON.stringify([]),
        eligible: d.eligible,
        eligibility_reasons: JSON.stringify(d.reasons),
        price: JSON.stringify(d.price),
        score: d.scoreValue,
        grade: d.grade,
        factors: JSON.stringify(d.factors),
        scorecard_version: d.scorecardVersion,
        parameter_version: run.parameterVersion,
        reviewed_by: `${inst}-officer-1`,
        reviewed_at: iso(addDays(d.submitted, 1), 4),
      });
    }
  }
}
