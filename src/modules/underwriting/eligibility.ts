import { Decimal } from 'decimal.js';
import type { AccountKind, AccountStatus, BorrowerCategory } from '../../domain.js';
import { addYears } from '../../time.js';
import { isOpenAccount } from '../credit/rules.js';
import type { ProgrammeParameters } from '../parameters/rules.js';
import { financingCost, type Price } from './pricing.js';

/**
 * Eligibility, as a pure function of the facts. Every failing reason is reported, each with
 * a stable code, like an adverse-action notice; nothing stops at the first.
 */
export const REASON_CODES = [
  'OVER_CATEGORY_CAP',
  'RATE_ABOVE_CEILING',
  'FINANCING_COST_AT_OR_ABOVE_CEILING',
  'NOT_IN_STARTUP_PHASE',
  'CURRENTLY_OVERDUE',
  'CHARGED_OFF_IN_RETENTION_WINDOW',
  'DISHONEST_DEBTOR_LISTED',
  'TERM_NOT_OFFERED',
  'NO_BENCHMARK_RATE',
] as const;
export type ReasonCode = (typeof REASON_CODES)[number];

export interface Reason {
  code: ReasonCode;
  message: string;
  limit?: string;
  actual?: string;
}

export interface EligibilityInput {
  category: BorrowerCategory;
  registeredOn: string;
  /** Visible accounts of the profile (retention already applied). */
  accounts: { kind: AccountKind; status: AccountStatus; closedOn: string | null; disputed: boolean }[];
  /** Outstanding principal of the borrower's other programme loans and approved, undisbursed applications. */
  programmeExposure: string;
  request: { amount: string; termYears: number; interestRate: string };
  price: Price;
  params: ProgrammeParameters;
  /** Business date. */
  today: string;
}

const DPD: readonly AccountStatus[] = ['DPD_30', 'DPD_60', 'DPD_90', 'DPD_120', 'DPD_150', 'DPD_180_PLUS'];
const WRITTEN_OFF: readonly AccountStatus[] = ['CHARGED_OFF', 'CLAIM_PAID_BY_INSURER'];

export function eligibility(i: EligibilityInput): { eligible: boolean; reasons: Reason[] } {
  const reasons: Reason[] = [];
  const p = i.params;
  const counted = i.accounts.filter((a) => !a.disputed);

  const cap = new Decimal(p.categoryCaps[i.category]);
  const exposure = new Decimal(i.programmeExposure).plus(i.request.amount);
  if (exposure.gt(cap)) {
    reasons.push({
      code: 'OVER_CATEGORY_CAP',
      message: `programme exposure ${exposure.toFixed(2)} would exceed the ${i.category} cap ${cap.toFixed(2)}`,
      limit: cap.toFixed(2),
      actual: exposure.toFixed(2),
    });
  }

  if (i.price.rateCeiling === null) {
    reasons.push({ code: 'NO_BENCHMARK_RATE', message: `no benchmark lending rate is in force on ${i.today}` });
  } else if (new Decimal(i.request.interestRate).gt(i.price.rateCeiling)) {
    reasons.push({
      code: 'RATE_ABOVE_CEILING',
      message: `interest rate ${i.request.interestRate} is above the ceiling ${i.price.rateCeiling} (benchmark ${i.price.benchmarkRate} × ${p.rateCeilingMultiplier})`,
      limit: i.price.rateCeiling,
      actual: i.request.interestRate,
    });
  }

  if (!i.price.termOffered) {
    reasons.push({
      code: 'TERM_NOT_OFFERED',
      message: `a ${i.request.termYears}-year term is not offered (offered: ${p.terms.map((t) => t.years).join(', ')})`,
      actual: String(i.request.termYears),
    });
  } else if (i.price.borrowerPremium !== null && !new Decimal(i.request.amount).isZero()) {
    const cost = financingCost(i.request.interestRate, new Decimal(i.price.borrowerPremium), i.request.amount, i.request.termYears);
    if (cost.gte(p.financingCostCeiling)) {
      reasons.push({
        code: 'FINANCING_COST_AT_OR_ABOVE_CEILING',
        message: `financing cost ${cost.toDecimalPlaces(6).toString()} a year is not below ${p.financingCostCeiling}`,
        limit: p.financingCostCeiling,
        actual: cost.toDecimalPlaces(6).toString(),
      });
    }
  }

  if (p.startupPhase.appliesTo.includes(i.category)) {
    const phaseStart = addYears(i.today, -p.startupPhase.years);
    if (i.registeredOn <= phaseStart) {
      reasons.push({
        code: 'NOT_IN_STARTUP_PHASE',
        message: `registered on ${i.registeredOn}, more than ${p.startupPhase.years} years ago`,
        limit: phaseStart,
        actual: i.registeredOn,
      });
    }
  }

  const overdue = counted.filter((a) => isOpenAccount(a) && DPD.includes(a.status));
  if (overdue.length) {
    reasons.push({ code: 'CURRENTLY_OVERDUE', message: `${overdue.length} account(s) currently past due`, actual: String(overdue.length) });
  }

  const written = counted.filter((a) => WRITTEN_OFF.includes(a.status));
  if (written.length) {
    reasons.push({
      code: 'CHARGED_OFF_IN_RETENTION_WINDOW',
      message: `${written.length} account(s) charged off or paid by an insurer within the retention window`,
      actual: String(written.length),
    });
  }

  if (counted.some((a) => a.kind === 'COURT_LISTING' && a.closedOn === null)) {
    reasons.push({ code: 'DISHONEST_DEBTOR_LISTED', message: 'listed by a court as a dishonest judgment debtor (失信被执行人)' });
  }

  return { eligible: reasons.length === 0, reasons };
}
