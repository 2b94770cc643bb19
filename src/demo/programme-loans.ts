import { Decimal } from 'decimal.js';
import { STATUS_CODE } from '../modules/credit/rules.js';
import { institutionAccount, reserveAccount, BORROWERS, FUND } from '../modules/ledger/posting.js';
import { delinquencyStatus } from '../modules/lending/rules.js';
import { generateSchedule, type Instalment } from '../modules/lending/schedule.js';
import { price } from '../modules/underwriting/pricing.js';
import { addDays, addYears, daysBetween, monthOf, monthsBetween } from '../time.js';
import { bookDefault } from './programme-defaults.js';
import { D, iso, type Deal, type ProgrammeRun } from './programme-run.js';

/**
 * 3. An eligible application's policy and loan: the premium money on issue, the instalments
 * paid (most on schedule, a few late, a few stopping), the shared credit record the loan
 * produced, and for a default that ran its course, the claim and what followed.
 */
export function bookLoan(run: ProgrammeRun, d: Deal, seq: number) {
  const { rng, p, today, out } = run;
  const b = d.b.borrower;
  const pr = price(p, {
    amount: d.amount.toFixed(2),
    termYears: d.termYears,
    interestRate: d.rate,
    repaymentMethod: d.method,
    grade: d.grade,
    date: d.submitted,
  });
  out.reviews.filter((r) => r.application_id === d.appId).forEach((r) => (r.price = JSON.stringify(pr)));
  const policyId = run.uuid();
  const loanId = run.uuid();
  const policyNumber = `PL-${String(seq).padStart(8, '0')}`;
  const loanNumber = `LN-${String(seq).padStart(8, '0')}`;
  const issued = addDays(d.submitted, 3);
  const disbursed = addDays(d.submitted, 5);
  const maturity = addYears(disbursed, d.termYears);
  const schedule: Instalment[] = generateSchedule({
    principal: d.amount.toFixed(2),
    annualRate: d.rate,
    termYears: d.termYears,
    method: d.method,
    disbursedOn: disbursed,
  });
  const due = schedule.filter((i) => i.dueOn < today);
  // behaviour: most pay everything due; a few fall behind; a few stop paying and default
  const roll = rng.next();
  const stopsAfter =
    roll < 0.045 ? rng.int(0, Math.min(5, due.length)) : roll < 0.07 ? Math.max(0, due.length - rng.int(1, 2)) : due.length;
  const paidThrough = Math.min(stopsAfter, due.length);
  const oldestUnpaid = due[paidThrough]?.dueOn ?? null;
  const dpd = oldestUnpaid ? daysBetween(oldestUnpaid, today) : 0;
  const defaultedOn = oldestUnpaid && dpd >= p.defaultThresholdDays ? addDays(oldestUnpaid, p.defaultThresholdDays) : null;
  const principalPaid = schedule.slice(0, paidThrough).reduce((s, i) => s.plus(i.principalDue), D(0));
  const outstanding = d.amount.minus(principalPaid);
  const repaid = !oldestUnpaid && maturity <= today;
  for (const i of schedule) {
    const paid = i.seq <= paidThrough;
    out.instalments.push({
      loan_id: loanId,
      seq: i.seq,
      due_on: i.dueOn,
      principal_due: i.principalDue,
      interest_due: i.interestDue,
      principal_paid: paid ? i.principalDue : '0.00',
      interest_paid: paid ? i.interestDue : '0.00',
    });
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
    parameter_version: run.parameterVersion,
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
    parameter_version: run.parameterVersion,
    defaulted_on: defaultedOn,
    closed_on: repaid ? maturity : null,
    updated_at: iso(today),
  });
  const policyRow = out.policies[out.policies.length - 1];
  run.at(issued, 1, () => {
    const refs = { policy_id: policyId, borrower_id: b.id };
    run.post(
      'BORROWER_PREMIUM',
      issued,
      `borrower's premium for policy ${policyNumber}`,
      [
        [institutionAccount(d.insurer), D(pr.borrowerPremium!)],
        [BORROWERS, D(pr.borrowerPremium!).neg()],
      ],
      refs,
    );
    const pay = Decimal.min(D(pr.subsidyPremium!), run.fund(FUND.PREMIUM_SUBSIDY));
    policyRow.subsidy_paid = pay.toFixed(2);
    run.post(
      'PREMIUM_SUBSIDY',
      issued,
      `premium subsidy for policy ${policyNumber}`,
      [
        [institutionAccount(d.insurer), pay],
        [FUND.PREMIUM_SUBSIDY, pay.neg()],
      ],
      refs,
    );
    const reserve = D(pr.premiumAmount!).mul(p.riskReserveShare).toDecimalPlaces(2, Decimal.ROUND_HALF_UP);
    run.post(
      'RISK_RESERVE',
      issued,
      `risk reserve from policy ${policyNumber} premium`,
      [
        [reserveAccount(d.insurer), reserve],
        [institutionAccount(d.insurer), reserve.neg()],
      ],
      refs,
    );
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
    id: run.uuid(),
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

  if (!claimed) return;
  bookDefault(run, { d, seq, loanId, policyId, loanNumber, policyNumber, issued, outstanding, claimDate: claimDate! });
}

/** The first day of the month `months` after `monthStart`'s month. */
function addDaysMonths(monthStart: string, months: number): string {
  const [y, m] = monthStart.split('-').map(Number);
  const total = y * 12 + (m - 1) + months;
  return `${Math.floor(total / 12)}-${String((total % 12) + 1).padStart(2, '0')}-01`;
}
