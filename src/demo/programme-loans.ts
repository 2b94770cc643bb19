import { Decimal } from 'decimal.js';
import { STATUS_CODE } from '../modules/credit/rules.js';
import { institutionAccount, reserveAccount, BORROWERS, FUND } from '../modules/ledger/posting.js';
import { riskReserveOf } from '../modules/ledger/funds.js';
import { delinquencyStatus } from '../modules/lending/rules.js';
import { financingCost, type PremiumYear } from '../modules/underwriting/pricing.js';
import { addDays, daysBetween, monthOf, monthsBetween } from '../time.js';
import { bookDefault } from './programme-defaults.js';
import { cashFlows } from './pricer.js';
import { D, iso, type Deal, type ProgrammeRun } from './programme-run.js';

/**
 * An eligible application's policy and loan: the premium money by policy year (year 1 at
 * issue, each later year at its start while the loan is still running), the instalments paid
 * (most on schedule, a few late, a few stopping), the shared credit record the loan produced,
 * and for a default that ran its course, the claim and what followed.
 */
export function bookLoan(run: ProgrammeRun, d: Deal, seq: number) {
  const { rng, p, today, out } = run;
  const b = d.b.borrower;
  const policyId = run.uuid();
  const loanId = run.uuid();
  const policyNumber = `PL-${String(seq).padStart(8, '0')}`;
  const loanNumber = `LN-${String(seq).padStart(8, '0')}`;
  const { issued, disbursed, maturity, principal, schedule, premiumRate, premiums } = run.terms(d);
  // the borrower's annualised all-in cost on the loan's own schedule (as disburseLoan records it):
  // the quote's when the loan's cash flows are the quote's (30/360 makes them so), else recomputed
  const request = { amount: principal, termYears: d.termYears, interestRate: d.rate, repaymentMethod: d.method, date: d.submitted };
  const cost =
    run.pricer.quoteFlows(request, premiumRate.toString()) === cashFlows({ schedule, premiums })
      ? d.price.financingCostRate
      : (financingCost({ principal, schedule, premiums, payment: p.premiumPayment })
          ?.toDecimalPlaces(6, Decimal.ROUND_HALF_UP)
          .toString() ?? null);
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
  // each policy year: charged at issue (year 1, or all years when paid SINGLE), else at its start
  // if the loan was still running then; a year starting after the default is cancelled
  const years = premiums.map((y) => {
    const upFront = y.year === 1 || p.premiumPayment === 'SINGLE';
    const chargedOn = upFront ? issued : y.startsOn;
    const status = upFront
      ? 'CHARGED'
      : defaultedOn !== null && defaultedOn <= y.startsOn
        ? 'CANCELLED'
        : y.startsOn <= today
          ? 'CHARGED'
          : 'SCHEDULED';
    return { y, chargedOn, status };
  });
  const charged = years.filter((x) => x.status === 'CHARGED');
  const chargedSum = (k: 'premium' | 'subsidy' | 'borrowerPremium') => charged.reduce((t, x) => t.plus(x.y[k]), D(0)).toFixed(2);
  for (const { y, chargedOn, status } of years) {
    out.policyPremiums.push({
      policy_id: policyId,
      year: y.year,
      starts_on: y.startsOn,
      months: y.months,
      insured_balance: y.insuredBalance,
      premium: y.premium,
      subsidy: y.subsidy,
      borrower_premium: y.borrowerPremium,
      status,
      charged_at: status === 'CHARGED' ? iso(chargedOn) : null,
      refund: '0.00',
      subsidy_refund: '0.00',
      borrower_refund: '0.00',
      refunded_at: null,
    });
  }
  out.policies.push({
    id: policyId,
    policy_number: policyNumber,
    application_id: d.appId,
    insurer_id: d.insurer,
    bank_id: d.bank,
    borrower_id: b.id,
    insured_amount: principal,
    term_years: d.termYears,
    premium_rate: premiumRate.toString(),
    premium_amount: chargedSum('premium'),
    borrower_premium: chargedSum('borrowerPremium'),
    subsidy_amount: chargedSum('subsidy'),
    premium_payment: p.premiumPayment,
    annualised_cost: cost,
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
    principal,
    interest_rate: d.rate,
    term_years: d.termYears,
    repayment_method: d.method,
    day_count: p.dayCount,
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
  for (const { y, chargedOn } of charged) {
    run.at(chargedOn, 1, () => chargePremiumYear(run, { d, policyId, policyNumber, policyRow, year: y, on: chargedOn }));
  }

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

/**
 * A policy year's premium money, as the platform posts it when the year is charged: the
 * borrower's share to the insurer, the subsidy from the premium-subsidy fund (as far as it
 * holds; the subsidy budget sees that it always does), and the insurer's risk reserve (建议四)
 * from the year's premium.
 */
function chargePremiumYear(
  run: ProgrammeRun,
  c: { d: Deal; policyId: string; policyNumber: string; policyRow: Record<string, unknown>; year: PremiumYear; on: string },
) {
  const { d, policyId, policyNumber, policyRow, year: y, on } = c;
  const refs = { policy_id: policyId, borrower_id: d.b.borrower.id };
  const of = `policy ${policyNumber} year ${y.year}`;
  run.post(
    'BORROWER_PREMIUM',
    on,
    `borrower's premium for ${of}`,
    [
      [institutionAccount(d.insurer), D(y.borrowerPremium)],
      [BORROWERS, D(y.borrowerPremium).neg()],
    ],
    refs,
  );
  const pay = Decimal.min(D(y.subsidy), run.fund(FUND.PREMIUM_SUBSIDY));
  policyRow.subsidy_paid = D(policyRow.subsidy_paid as string)
    .plus(pay)
    .toFixed(2);
  run.post(
    'PREMIUM_SUBSIDY',
    on,
    `premium subsidy for policy ${policyNumber}`,
    [
      [institutionAccount(d.insurer), pay],
      [FUND.PREMIUM_SUBSIDY, pay.neg()],
    ],
    refs,
  );
  const reserve = riskReserveOf(y.premium, run.p.riskReserveShare);
  run.post(
    'RISK_RESERVE',
    on,
    `risk reserve from ${of} premium`,
    [
      [reserveAccount(d.insurer), reserve],
      [institutionAccount(d.insurer), reserve.neg()],
    ],
    refs,
  );
}

/** The first day of the month `months` after `monthStart`'s month. */
function addDaysMonths(monthStart: string, months: number): string {
  const [y, m] = monthStart.split('-').map(Number);
  const total = y * 12 + (m - 1) + months;
  return `${Math.floor(total / 12)}-${String((total % 12) + 1).padStart(2, '0')}-01`;
}
