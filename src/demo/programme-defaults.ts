import { Decimal } from 'decimal.js';
import { STATUS_CODE } from '../modules/credit/rules.js';
import { institutionAccount, BORROWERS, FUND } from '../modules/ledger/posting.js';
import { compensationOwed, lossBorne, recoveryShares, splitLoss } from '../modules/losses/rules.js';
import { addDays, monthOf } from '../time.js';
import { D, iso, type Deal, type Money, type ProgrammeRun } from './programme-run.js';

/** A loan that defaulted and was claimed, as bookLoan left it. */
export interface DefaultedLoan {
  d: Deal;
  seq: number;
  loanId: string;
  policyId: string;
  loanNumber: string;
  policyNumber: string;
  issued: string;
  outstanding: Money;
  claimDate: string;
}

/** 4. The default's money: the claim, the court's confirmation, the risk compensation and recoveries. */
export function bookDefault(run: ProgrammeRun, l: DefaultedLoan) {
  const { rng, p, today, out } = run;
  const { d, seq, loanId, policyId, loanNumber, policyNumber, issued, outstanding, claimDate } = l;
  const b = d.b.borrower;
  const claimId = run.uuid();
  const split = splitLoss(outstanding.toFixed(2), p.lossShares.insurer);
  const paidOn = addDays(claimDate, 20);
  const courtOn = addDays(paidOn, 60);
  const confirmed = courtOn <= today && rng.chance(0.75);
  const compensatedOn = addDays(courtOn, 10);
  const claim = {
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
    parameter_version: run.parameterVersion,
    filed_at: iso(claimDate),
    filed_by: `${d.bank}-officer-1`,
    paid_at: iso(paidOn),
    paid_by: `${d.insurer}-claims-1`,
    compensation_owed: null as string | null,
    compensation_paid: '0.00',
    compensation_shortfall: '0.00',
    compensation_approved_at: null as string | null,
    compensation_approved_by: null as string | null,
    recovered_bank: '0.00',
    recovered_insurer: '0.00',
    recovered_fund: '0.00',
    updated_at: iso(today),
  };
  out.claims.push(claim);
  // the claim settles the bank's loan only up to the insurer's share: the borrower still owes the bank the rest
  const loanRecord = out.accounts.find((a) => a.account_ref === loanNumber && a.institution_id === d.bank) as {
    balance: string;
    closed_on: string | null;
  };
  Object.assign(loanRecord, { balance: split.bank, closed_on: null });
  const policyRecord = {
    id: run.uuid(),
    institution_id: d.insurer,
    borrower_id: b.id,
    account_ref: policyNumber,
    kind: 'INSURANCE_POLICY',
    original_amount: d.amount.toFixed(2),
    balance: split.insurer,
    opened_on: issued,
    closed_on: null,
    status: 'IN_COLLECTION' as const,
    status_month: monthOf(today),
    payment_history: STATUS_CODE.IN_COLLECTION,
    deleted_at: null,
    created_at: iso(issued),
    updated_at: iso(today),
  };
  out.accounts.push(policyRecord);
  const refs = { claim_id: claimId, loan_id: loanId, borrower_id: b.id };
  run.at(paidOn, 2, () =>
    run.post(
      'CLAIM_PAYMENT',
      paidOn,
      `claim on loan ${loanNumber}`,
      [
        [institutionAccount(d.bank), D(split.insurer)],
        [institutionAccount(d.insurer), D(split.insurer).neg()],
      ],
      refs,
    ),
  );
  if (!confirmed) return;
  out.courtConfirmations.push({
    loan_id: loanId,
    court_case_ref: `(${courtOn.slice(0, 4)})冀07民初${1000 + seq}号`,
    decided_on: courtOn,
    recorded_by: `${d.bank}:legal-1`,
    recorded_at: iso(courtOn),
  });
  if (compensatedOn > today) return;
  run.at(compensatedOn, 3, () => {
    const { owed } = compensationOwed({
      insurerPaid: split.insurer,
      insurerRecovered: '0',
      ratio: p.riskCompensation.ratio,
      quota: p.riskCompensation.perLoanQuota,
    });
    const pay = Decimal.min(D(owed), run.fund(FUND.RISK_COMPENSATION));
    Object.assign(claim, {
      status: 'COMPENSATED',
      compensation_owed: owed,
      compensation_paid: pay.toFixed(2),
      compensation_shortfall: D(owed).minus(pay).toFixed(2),
      compensation_approved_at: iso(compensatedOn),
      compensation_approved_by: 'zjk-finance-bureau-analyst',
    });
    run.post(
      'RISK_COMPENSATION',
      compensatedOn,
      `risk compensation on loan ${loanNumber}`,
      [
        [institutionAccount(d.insurer), pay],
        [FUND.RISK_COMPENSATION, pay.neg()],
      ],
      refs,
    );
  });
  const recoveredOn = addDays(compensatedOn, 30);
  if (recoveredOn > today || !rng.chance(0.4)) return;
  const recoverFraction = 0.1 + rng.next() * 0.2;
  run.at(recoveredOn, 4, () => {
    const bore = lossBorne({
      bankAmount: claim.bank_amount,
      insurerAmount: claim.insurer_amount,
      compensationPaid: claim.compensation_paid,
    });
    const amount = D(outstanding).mul(recoverFraction).toDecimalPlaces(2, Decimal.ROUND_DOWN);
    const shares = recoveryShares(amount.toFixed(2), { bore, recovered: { bank: '0', insurer: '0', fund: '0' } })!;
    out.recoveries.push({
      id: run.uuid(),
      claim_id: claimId,
      loan_id: loanId,
      recorded_by_institution: d.bank,
      amount: amount.toFixed(2),
      recovered_on: recoveredOn,
      to_bank: shares.bank,
      to_insurer: shares.insurer,
      to_fund: shares.fund,
      recorded_by: `${d.bank}-collections-1`,
      recorded_at: iso(recoveredOn),
    });
    Object.assign(claim, { recovered_bank: shares.bank, recovered_insurer: shares.insurer, recovered_fund: shares.fund });
    // each recovery reaches the records: the bank's share off the loan, the insurer's and the fund's off the policy
    loanRecord.balance = D(loanRecord.balance).minus(shares.bank).toFixed(2);
    policyRecord.balance = D(policyRecord.balance).minus(shares.insurer).minus(shares.fund).toFixed(2);
    const recorder = institutionAccount(d.bank);
    run.post(
      'RECOVERY',
      recoveredOn,
      `recovery on loan ${loanNumber}`,
      [
        [recorder, amount],
        [BORROWERS, amount.neg()],
        [institutionAccount(d.insurer), D(shares.insurer)],
        [recorder, D(shares.insurer).neg()],
        [FUND.RISK_COMPENSATION, D(shares.fund)],
        [recorder, D(shares.fund).neg()],
      ],
      refs,
    );
  });
}
