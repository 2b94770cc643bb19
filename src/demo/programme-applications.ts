import { Decimal } from 'decimal.js';
import type { BorrowerCategory } from '../domain.js';
import { rateCeiling, type RepaymentMethod } from '../modules/parameters/rules.js';
import { eligibility } from '../modules/underwriting/eligibility.js';
import { price } from '../modules/underwriting/pricing.js';
import { score } from '../modules/underwriting/scorecard.js';
import { addDays } from '../time.js';
import type { BorrowerBundle } from './generate.js';
import { D, iso, type Deal, type ProgrammeRun } from './programme-run.js';

const TERMS: [number, number][] = [
  [1, 80],
  [2, 8],
  [3, 8],
  [5, 4],
];

/**
 * 1. Who applies, for what, and what the shared rules say: every borrower applies once, with
 * the consents, inquiries and reviews that takes; the ineligible are declined with their
 * reasons. Returns the eligible applications.
 */
export function applyAndReview(run: ProgrammeRun, bundles: BorrowerBundle[]): Deal[] {
  const { rng, p, start, out } = run;
  const eligible: Deal[] = [];
  for (const b of bundles) {
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
    const now = new Date(iso(submitted));
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
      now,
    });
    const request = { amount: raw.toFixed(2), termYears, interestRate: rate };
    const pr = price(p, { ...request, repaymentMethod: method, grade: s.grade, date: submitted });
    const e = eligibility({
      category,
      registeredOn: b.borrower.registered_on,
      accounts,
      publicRecords: [],
      programmeExposure: '0',
      request,
      price: pr,
      params: p,
      today: submitted,
    });
    const appId = run.uuid();
    const deal = {
      b,
      appId,
      bank,
      insurer,
      submitted,
      termYears,
      method,
      rate,
      raw,
      amount: raw,
      cap,
      grade: s.grade,
      scoreValue: s.score,
      factors: s.factors,
    };
    out.applications.push({
      id: appId,
      borrower_id: b.borrower.id,
      bank_id: bank,
      insurer_id: insurer,
      amount: raw.toFixed(2),
      term_years: termYears,
      interest_rate: rate,
      repayment_method: method,
      loan_purpose: `扩大${b.borrower.sector}经营`,
      status: e.eligible ? 'DISBURSED' : 'DECLINED',
      submitted_by_role: 'BORROWER',
      submitted_by: `borrower-${b.borrower.id.slice(0, 8)}`,
      submitted_at: iso(submitted),
      decided_at: iso(addDays(submitted, 1)),
      updated_at: iso(submitted),
    });
    for (const [inst, role, purpose] of [
      [bank, 'BANK', 'LOAN_APPLICATION'],
      [insurer, 'INSURER', 'UNDERWRITING'],
    ] as const) {
      out.customers.push({ institution_id: inst, borrower_id: b.borrower.id, since: iso(submitted) });
      const consentId = run.uuid();
      out.consents.push({
        id: consentId,
        borrower_id: b.borrower.id,
        institution_id: inst,
        purpose,
        granted_at: iso(submitted, 1),
        expires_at: iso(addDays(submitted, 90), 1),
        revoked_at: null,
      });
      out.inquiries.push({
        id: run.uuid(),
        borrower_id: b.borrower.id,
        institution_id: inst,
        user_id: `${inst}-officer-${rng.int(1, 9)}`,
        purpose,
        consent_id: consentId,
        inquired_at: iso(addDays(submitted, 1), 3),
      });
      if (role === 'INSURER' && !e.eligible) break; // the bank declined; the insurer never reviewed
      out.reviews.push({
        id: run.uuid(),
        application_id: appId,
        institution_id: inst,
        reviewer_role: role,
        decision: e.eligible ? 'APPROVE' : 'DECLINE',
        reasons: JSON.stringify([]),
        eligible: e.eligible,
        eligibility_reasons: JSON.stringify(e.reasons),
        price: JSON.stringify(pr),
        score: s.score,
        grade: s.grade,
        factors: JSON.stringify(s.factors),
        scorecard_version: s.version,
        parameter_version: run.parameterVersion,
        reviewed_by: `${inst}-officer-1`,
        reviewed_at: iso(addDays(submitted, 1), 4),
      });
    }
    if (e.eligible) eligible.push(deal);
  }
  return eligible;
}

/** 2. Scale the amounts so the programme disbursed exactly the plan's total, within the caps. */
export function scaleToPlan(run: ProgrammeRun, eligible: Deal[], targetDisbursed: string) {
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
  for (const d of eligible) run.out.applications.find((a) => a.id === d.appId)!.amount = d.amount.toFixed(2);
}
