import { Decimal } from 'decimal.js';
import type { BorrowerCategory } from '../domain.js';
import { STATUS_CODE } from '../modules/credit/rules.js';
import { institutionAccount, reserveAccount, BORROWERS, BUDGET, FUND } from '../modules/ledger/posting.js';
import { delinquencyStatus } from '../modules/lending/rules.js';
import { generateSchedule, type Instalment } from '../modules/lending/schedule.js';
import { compensationOwed, lossBorne, recoveryShares, splitLoss } from '../modules/losses/rules.js';
import { rateCeiling, type ProgrammeParameters, type RepaymentMethod } from '../modules/parameters/rules.js';
import { eligibility } from '../modules/underwriting/eligibility.js';
import { price } from '../modules/underwriting/pricing.js';
import { score } from '../modules/underwriting/scorecard.js';
import { addDays, addYears, businessDate, daysBetween, monthOf, monthsBetween, startOfBusinessDay } from '../time.js';
import type { BorrowerBundle } from './generate.js';
import { Rng } from './random.js';

/**
 * The programme's own history for the demo: every borrower applies once over the last two
 * years, the shared rules decide (the ineligible are declined with their reasons), the
 * eligible get a policy and a loan, most repay on schedule, a few fall behind or default, and
 * defaults run through claim, court confirmation, compensation and recovery. Amounts are
 * scaled so the credit disbursed is exactly the seed plan's 300,000,000.00, against
 * 5,000,000.00 premium subsidy and 5,000,000.00 risk compensation (30× leverage). Everything
 * is computed with the platform's own pure rules; money goes through the same ledger rules.
 */
export interface ProgrammePlan {
  targetDisbursed: string;
  premiumSubsidyDeposit: string;
  riskCompensationDeposit: string;
}

export const SEED_PLAN: ProgrammePlan = {
  targetDisbursed: '300000000.00',
  premiumSubsidyDeposit: '5000000.00',
  riskCompensationDeposit: '5000000.00',
};

const TERMS: [number, number][] = [
  [1, 80],
  [2, 8],
  [3, 8],
  [5, 4],
];

export interface ProgrammeRows {
  applications: object[];
  reviews: object[];
  policies: object[];
  loans: object[];
  instalments: object[];
  claims: object[];
  courtConfirmations: object[];
  recoveries: object[];
  inquiries: object[];
  consents: object[];
  accounts: object[];
  customers: object[];
  transactions: object[];
  entries: object[];
  balances: Map<string, Decimal>;
}

type Money = Decimal;
const D = (x: Decimal.Value) => new Decimal(x);
const iso = (date: string, hour = 2) => new Date(startOfBusinessDay(date).getTime() + hour * 3600_000).toISOString();

export function generateProgramme(
  bundles: BorrowerBundle[],
  opts: { seed: number; asOf: Date; params: ProgrammeParameters; parameterVersion: number; plan: ProgrammePlan; uuid: () => string },
): ProgrammeRows {
  const rng = new Rng(opts.seed ^ 0x5eed);
  const p = opts.params;
  const today = businessDate(opts.asOf);
  const start = addDays(today, -730);
  const out: ProgrammeRows = {
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

  // 1. who applies, for what, and what the shared rules say
  interface Deal {
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
    const raw = cap.mul(0.45 + rng.next() * 0.55).div(1000).round().mul(1000);
    const now = new Date(iso(submitted));
    const accounts = b.accounts.map((a) => ({
      kind: a.kind,
      status: a.status,
      closedOn: a.closed_on,
      balance: a.balance,
      originalAmount: a.original_amount,
      paymentHistory: a.payment_history,
      statusMonth: a.status_month,
      disputed: false,
    }));
    const s = score({ accounts, inquiryTimes: [], registeredOn: b.borrower.registered_on, programmeHistory: { repaid: 0, defaulted: 0 }, now });
    const request = { amount: raw.toFixed(2), termYears, interestRate: rate };
    const pr = price(p, { ...request, repaymentMethod: method, grade: s.grade, date: submitted });
    const e = eligibility({ category, registeredOn: b.borrower.registered_on, accounts, programmeExposure: '0', request, price: pr, params: p, today: submitted });
    const appId = opts.uuid();
    const deal = { b, appId, bank, insurer, submitted, termYears, method, rate, raw, amount: raw, cap, grade: s.grade, scoreValue: s.score, factors: s.factors };
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
      const consentId = opts.uuid();
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
        id: opts.uuid(),
        borrower_id: b.borrower.id,
        institution_id: inst,
        user_id: `${inst}-officer-${rng.int(1, 9)}`,
        purpose,
        consent_id: consentId,
        inquired_at: iso(addDays(submitted, 1), 3),
      });
      if (role === 'INSURER' && !e.eligible) break; // the bank declined; the insurer never reviewed
      out.reviews.push({
        id: opts.uuid(),
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
        parameter_version: opts.parameterVersion,
        reviewed_by: `${inst}-officer-1`,
        reviewed_at: iso(addDays(submitted, 1), 4),
      });
    }
    if (e.eligible) eligible.push(deal);
  }

  // 2. scale the amounts so the programme disbursed exactly the plan's total, within the caps
  const target = D(opts.plan.targetDisbursed);
  const rawTotal = eligible.reduce((s, d) => s.plus(d.raw), D(0));
  const factor = target.div(rawTotal);
  for (const d of eligible) d.amount = Decimal.min(d.cap, d.raw.mul(factor).div(1000).round().mul(1000));
  let residual = target.minus(eligible.reduce((s, d) => s.plus(d.amount), D(0)));
  for (let i = 0; !residual.isZero() && i < eligible.length * 4; i++) {
    const d = eligible[i % eligible.length];
    const step = residual.gt(0) ? Decimal.min(residual, d.cap.minus(d.amount), 1000) : Decimal.max(residual, D(10_000).minus(d.amount), -1000);
    d.amount = d.amount.plus(step);
    residual = residual.minus(step);
  }
  if (!residual.isZero()) throw new Error('demo programme: cannot reach the planned total within the caps');
  for (const d of eligible) (out.applications.find((a: any) => a.id === d.appId) as any).amount = d.amount.toFixed(2);

  // 3. money: a chronological ledger, the funds paid out in order until they run dry
  const balances = out.balances;
  const post = (kind: string, date: string, memo: string, legs: [string, Money][], refs: Record<string, string | null> = {}) => {
    const id = opts.uuid();
    out.transactions.push({ id, kind, business_date: date, at: iso(date, 5), memo, created_by: 'demo', request_id: null, loan_id: null, policy_id: null, claim_id: null, borrower_id: null, reverses: null, ...refs });
    for (const [account, amount] of legs) {
      if (amount.isZero()) continue;
      out.entries.push({ transaction_id: id, account_id: account, amount: amount.toFixed(2) });
      balances.set(account, (balances.get(account) ?? D(0)).plus(amount));
    }
  };
  const events: { date: string; order: number; run: () => void }[] = [];
  const at = (date: string, order: number, run: () => void) => events.push({ date, order, run });
  at(start, 0, () => {
    post('FUND_DEPOSIT', start, '2014 plan: premium subsidy (保险保费补贴资金)', [[FUND.PREMIUM_SUBSIDY, D(opts.plan.premiumSubsidyDeposit)], [BUDGET, D(opts.plan.premiumSubsidyDeposit).neg()]]);
    post('FUND_DEPOSIT', start, '2014 plan: risk compensation (风险补偿资金)', [[FUND.RISK_COMPENSATION, D(opts.plan.riskCompensationDeposit)], [BUDGET, D(opts.plan.riskCompensationDeposit).neg()]]);
  });
  const fund = (f: string) => balances.get(f) ?? D(0);

  let seq = 0;
  for (const d of eligible) {
    seq++;
    const b = d.b.borrower;
    const pr = price(p, { amount: d.amount.toFixed(2), termYears: d.termYears, interestRate: d.rate, repaymentMethod: d.method, grade: d.grade, date: d.submitted });
    (out.reviews.filter((r: any) => r.application_id === d.appId) as any[]).forEach((r) => (r.price = JSON.stringify(pr)));
    const policyId = opts.uuid();
    const loanId = opts.uuid();
    const policyNumber = `PL-${String(seq).padStart(8, '0')}`;
    const loanNumber = `LN-${String(seq).padStart(8, '0')}`;
    const issued = addDays(d.submitted, 3);
    const disbursed = addDays(d.submitted, 5);
    const maturity = addYears(disbursed, d.termYears);
    const schedule: Instalment[] = generateSchedule({ principal: d.amount.toFixed(2), annualRate: d.rate, termYears: d.termYears, method: d.method, disbursedOn: disbursed });
    const due = schedule.filter((i) => i.dueOn < today);
    // behaviour: most pay everything due; a few fall behind; a few stop paying and default
    const roll = rng.next();
    const stopsAfter = roll < 0.045 ? rng.int(0, Math.min(5, due.length)) : roll < 0.07 ? Math.max(0, due.length - rng.int(1, 2)) : due.length;
    const paidThrough = Math.min(stopsAfter, due.length);
    const oldestUnpaid = due[paidThrough]?.dueOn ?? null;
    const dpd = oldestUnpaid ? daysBetween(oldestUnpaid, today) : 0;
    const defaultedOn = oldestUnpaid && dpd >= p.defaultThresholdDays ? addDays(oldestUnpaid, p.defaultThresholdDays) : null;
    const principalPaid = schedule.slice(0, paidThrough).reduce((s, i) => s.plus(i.principalDue), D(0));
    const outstanding = d.amount.minus(principalPaid);
    const repaid = !oldestUnpaid && maturity <= today;
    for (const i of schedule) {
      const paid = i.seq <= paidThrough;
      out.instalments.push({ loan_id: loanId, seq: i.seq, due_on: i.dueOn, principal_due: i.principalDue, interest_due: i.interestDue, principal_paid: paid ? i.principalDue : '0.00', interest_paid: paid ? i.interestDue : '0.00' });
    }
    const claimDate = defaultedOn ? addDays(defaultedOn, 10) : null;
    const claimed = claimDate !== null && addDays(claimDate, 20) <= today;
    const loanStatus = repaid ? 'REPAID' : claimed ? 'CLAIMED' : defaultedOn ? 'DEFAULTED' : 'ACTIVE';
    out.policies.push({
      id: policyId,
      policy_number: policyNumber,
      application_id: d.appId,
      insurer_id: d.insurer,
      bank_id: d.bank,
      borrower_id: b.id,
      insured_amount: d.amount.toFixed(2),
      term_years: d.termYears,
      premium_rate: pr.premiumRate,
      premium_amount: pr.premiumAmount,
      borrower_premium: pr.borrowerPremium,
      subsidy_amount: pr.subsidyPremium,
      subsidy_paid: '0.00',
      grade: d.grade,
      parameter_version: opts.parameterVersion,
      status: repaid ? 'CLOSED' : claimed ? 'CLAIMED' : 'ACTIVE',
      issued_at: iso(issued),
      pledged_at: iso(addDays(issued, 1)),
      starts_on: disbursed,
      ends_on: maturity,
      closed_at: repaid ? iso(maturity) : null,
      updated_at: iso(today),
    });
    out.loans.push({
      id: loanId,
      loan_number: loanNumber,
      application_id: d.appId,
      policy_id: policyId,
      bank_id: d.bank,
      insurer_id: d.insurer,
      borrower_id: b.id,
      principal: d.amount.toFixed(2),
      interest_rate: d.rate,
      term_years: d.termYears,
      repayment_method: d.method,
      disbursed_on: disbursed,
      maturity_on: maturity,
      outstanding_principal: repaid ? '0.00' : outstanding.toFixed(2),
      days_past_due: repaid ? 0 : dpd,
      delinquency: repaid ? 'CURRENT' : delinquencyStatus(dpd),
      status: loanStatus,
      parameter_version: opts.parameterVersion,
      defaulted_on: defaultedOn,
      closed_on: repaid ? maturity : null,
      updated_at: iso(today),
    });
    const policyRow = out.policies[out.policies.length - 1] as any;
    at(issued, 1, () => {
      const refs = { policy_id: policyId, borrower_id: b.id };
      post('BORROWER_PREMIUM', issued, `borrower's premium for policy ${policyNumber}`, [[institutionAccount(d.insurer), D(pr.borrowerPremium!)], [BORROWERS, D(pr.borrowerPremium!).neg()]], refs);
      const pay = Decimal.min(D(pr.subsidyPremium!), fund(FUND.PREMIUM_SUBSIDY));
      policyRow.subsidy_paid = pay.toFixed(2);
      post('PREMIUM_SUBSIDY', issued, `premium subsidy for policy ${policyNumber}`, [[institutionAccount(d.insurer), pay], [FUND.PREMIUM_SUBSIDY, pay.neg()]], refs);
      const reserve = D(pr.premiumAmount!).mul(p.riskReserveShare).toDecimalPlaces(2, Decimal.ROUND_HALF_UP);
      post('RISK_RESERVE', issued, `risk reserve from policy ${policyNumber} premium`, [[reserveAccount(d.insurer), reserve], [institutionAccount(d.insurer), reserve.neg()]], refs);
    });

    // the shared credit records this loan and policy produced
    const closedOn = repaid ? maturity : claimed ? addDays(claimDate!, 20) : null;
    const lastMonth = monthOf(closedOn ?? today);
    const months = monthsBetween(monthOf(disbursed), lastMonth);
    const codes: string[] = [];
    for (let m = 0; m <= Math.min(months, 23); m++) {
      const monthEnd = addDays(addDaysMonths(lastMonth, 1 - m), -1);
      const ref = monthEnd > today ? today : monthEnd;
      const late = oldestUnpaid && ref > oldestUnpaid ? daysBetween(oldestUnpaid, ref) : 0;
      codes.push(STATUS_CODE[delinquencyStatus(late)]);
    }
    const finalStatus = repaid ? 'PAID' : claimed ? 'CLAIM_PAID_BY_INSURER' : delinquencyStatus(dpd);
    codes[0] = STATUS_CODE[finalStatus];
    out.accounts.push({
      id: opts.uuid(),
      institution_id: d.bank,
      borrower_id: b.id,
      account_ref: loanNumber,
      kind: 'LOAN',
      original_amount: d.amount.toFixed(2),
      balance: repaid || claimed ? '0.00' : outstanding.toFixed(2),
      opened_on: disbursed,
      closed_on: closedOn,
      status: finalStatus,
      status_month: lastMonth,
      payment_history: codes.join(''),
      deleted_at: null,
      created_at: iso(disbursed),
      updated_at: iso(today),
    });

    if (!claimed) continue;
    // 4. the default's money: claim, court, compensation, recoveries
    const claimId = opts.uuid();
    const split = splitLoss(outstanding.toFixed(2), p.lossShares.insurer);
    const paidOn = addDays(claimDate!, 20);
    const courtOn = addDays(paidOn, 60);
    const confirmed = courtOn <= today && rng.chance(0.75);
    const compensatedOn = addDays(courtOn, 10);
    const claim: any = {
      id: claimId,
      loan_id: loanId,
      policy_id: policyId,
      bank_id: d.bank,
      insurer_id: d.insurer,
      borrower_id: b.id,
      status: 'PAID',
      outstanding_principal: outstanding.toFixed(2),
      insurer_share: p.lossShares.insurer,
      insurer_amount: split.insurer,
      bank_amount: split.bank,
      parameter_version: opts.parameterVersion,
      filed_at: iso(claimDate!),
      filed_by: `${d.bank}-officer-1`,
      paid_at: iso(paidOn),
      paid_by: `${d.insurer}-claims-1`,
      compensation_owed: null,
      compensation_paid: '0.00',
      compensation_shortfall: '0.00',
      compensation_approved_at: null,
      compensation_approved_by: null,
      recovered_bank: '0.00',
      recovered_insurer: '0.00',
      recovered_fund: '0.00',
      updated_at: iso(today),
    };
    out.claims.push(claim);
    out.accounts.push({
      id: opts.uuid(),
      institution_id: d.insurer,
      borrower_id: b.id,
      account_ref: policyNumber,
      kind: 'INSURANCE_POLICY',
      original_amount: d.amount.toFixed(2),
      balance: split.insurer,
      opened_on: issued,
      closed_on: null,
      status: 'IN_COLLECTION',
      status_month: monthOf(today),
      payment_history: STATUS_CODE.IN_COLLECTION,
      deleted_at: null,
      created_at: iso(issued),
      updated_at: iso(today),
    });
    const refs = { claim_id: claimId, loan_id: loanId, borrower_id: b.id };
    at(paidOn, 2, () => post('CLAIM_PAYMENT', paidOn, `claim on loan ${loanNumber}`, [[institutionAccount(d.bank), D(split.insurer)], [institutionAccount(d.insurer), D(split.insurer).neg()]], refs));
    if (!confirmed) continue;
    out.courtConfirmations.push({ loan_id: loanId, court_case_ref: `(${courtOn.slice(0, 4)})冀07民初${1000 + seq}号`, decided_on: courtOn, recorded_by: `${d.bank}:legal-1`, recorded_at: iso(courtOn) });
    if (compensatedOn > today) continue;
    at(compensatedOn, 3, () => {
      const { owed } = compensationOwed({ insurerPaid: split.insurer, insurerRecovered: '0', ratio: p.riskCompensation.ratio, quota: p.riskCompensation.perLoanQuota });
      const pay = Decimal.min(D(owed), fund(FUND.RISK_COMPENSATION));
      Object.assign(claim, {
        status: 'COMPENSATED',
        compensation_owed: owed,
        compensation_paid: pay.toFixed(2),
        compensation_shortfall: D(owed).minus(pay).toFixed(2),
        compensation_approved_at: iso(compensatedOn),
        compensation_approved_by: 'zjk-finance-bureau-analyst',
      });
      post('RISK_COMPENSATION', compensatedOn, `risk compensation on loan ${loanNumber}`, [[institutionAccount(d.insurer), pay], [FUND.RISK_COMPENSATION, pay.neg()]], refs);
    });
    const recoveredOn = addDays(compensatedOn, 30);
    if (recoveredOn > today || !rng.chance(0.4)) continue;
    const recoverFraction = 0.1 + rng.next() * 0.2;
    at(recoveredOn, 4, () => {
      const bore = lossBorne({ bankAmount: claim.bank_amount, insurerAmount: claim.insurer_amount, compensationPaid: claim.compensation_paid });
      const amount = D(outstanding).mul(recoverFraction).toDecimalPlaces(2, Decimal.ROUND_DOWN);
      const shares = recoveryShares(amount.toFixed(2), { bore, recovered: { bank: '0', insurer: '0', fund: '0' } })!;
      out.recoveries.push({ id: opts.uuid(), claim_id: claimId, loan_id: loanId, recorded_by_institution: d.bank, amount: amount.toFixed(2), recovered_on: recoveredOn, to_bank: shares.bank, to_insurer: shares.insurer, to_fund: shares.fund, recorded_by: `${d.bank}-collections-1`, recorded_at: iso(recoveredOn) });
      Object.assign(claim, { recovered_bank: shares.bank, recovered_insurer: shares.insurer, recovered_fund: shares.fund });
      const recorder = institutionAccount(d.bank);
      post('RECOVERY', recoveredOn, `recovery on loan ${loanNumber}`, [
        [recorder, amount],
        [BORROWERS, amount.neg()],
        [institutionAccount(d.insurer), D(shares.insurer)],
        [recorder, D(shares.insurer).neg()],
        [FUND.RISK_COMPENSATION, D(shares.fund)],
        [recorder, D(shares.fund).neg()],
      ], refs);
    });
  }
  events.sort((a, b) => a.date.localeCompare(b.date) || a.order - b.order);
  for (const e of events) e.run();
  return out;
}

/** The first day of the month `months` after `monthStart`'s month. */
function addDaysMonths(monthStart: string, months: number): string {
  const [y, m] = monthStart.split('-').map(Number);
  const total = y * 12 + (m - 1) + months;
  return `${Math.floor(total / 12)}-${String((total % 12) + 1).padStart(2, '0')}-01`;
}
