import { Decimal } from 'decimal.js';
import type { AccountKind, AccountStatus, BorrowerCategory, PublicRecordKind, PublicRecordStatus } from '../../domain.js';
import { addYears } from '../../time.js';
import { isOpenAccount } from '../credit/rules.js';
import { isDishonestDebtorListing } from '../records/rules.js';
import type { ProgrammeParameters, RepaymentMethod } from '../parameters/rules.js';
import { explainReason } from './explain.js';
import { quoteCost, type Price } from './pricing.js';

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
  /** The same reason in plain Chinese. */
  explanation: string;
  /** Never for a hard limit; for a data reason only when every record it rests on is disputed or unverifiable. */
  overridable: boolean;
  /** Ids of the credit accounts or public records the reason rests on (none for a hard limit). */
  restsOn: string[];
}

/** A record as eligibility weighs it: `disputed` while a dispute of it is open, `unverifiable` once one ended UNVERIFIABLE. */
interface Contestable {
  id: string;
  disputed: boolean;
  unverifiable?: boolean;
}
export interface EligibilityAccount extends Contestable {
  kind: AccountKind;
  status: AccountStatus;
  closedOn: string | null;
}
export interface EligibilityPublicRecord extends Contestable {
  kind: PublicRecordKind;
  status: PublicRecordStatus;
}

export interface EligibilityInput {
  category: BorrowerCategory;
  registeredOn: string;
  /** Visible accounts of the profile (retention and prior-notice holds already applied). */
  accounts: EligibilityAccount[];
  /** Public records shown in the profile (retention already applied). */
  publicRecords: EligibilityPublicRecord[];
  /** Outstanding principal of the borrower's other programme loans and approved, undisbursed applications. */
  programmeExposure: string;
  request: { amount: string; termYears: number; interestRate: string; repaymentMethod?: RepaymentMethod };
  price: Price;
  params: ProgrammeParameters;
  /** Business date. */
  today: string;
}

const DPD: readonly AccountStatus[] = ['DPD_30', 'DPD_60', 'DPD_90', 'DPD_120', 'DPD_150', 'DPD_180_PLUS'];
const WRITTEN_OFF: readonly AccountStatus[] = ['CHARGED_OFF', 'CLAIM_PAID_BY_INSURER'];

type Draft = Omit<Reason, 'explanation' | 'overridable' | 'restsOn'> & Partial<Pick<Reason, 'overridable' | 'restsOn'>>;

/** A reason resting on records: overridable only when every one of them is disputed or unverifiable. */
function dataReason(r: Omit<Draft, 'overridable' | 'restsOn'>, records: Contestable[]): Draft {
  const overridable = records.length > 0 && records.every((x) => x.disputed || x.unverifiable === true);
  return { ...r, overridable, restsOn: records.map((x) => x.id) };
}

/**
 * Rules on the record: accounts under an open dispute are left out (a contested record is not
 * held against anyone); legacy COURT_LISTING accounts are ignored (the listing comes only from
 * the court's public record). A public record under open dispute still counts (it is an
 * authority's decision), but the reason resting on it becomes overridable by a human reviewer.
 */
export function eligibility(i: EligibilityInput): { eligible: boolean; reasons: Reason[] } {
  const reasons: Draft[] = [];
  const p = i.params;
  const counted = i.accounts.filter((a) => !a.disputed && a.kind !== 'COURT_LISTING');

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
      limit: p.terms.map((t) => t.years).join(', '),
      actual: String(i.request.termYears),
    });
  } else if (i.price.premiumRate !== null && new Decimal(i.request.amount).gt(0)) {
    // the exact annualised all-in cost (IRR), not the price's rounded display figure
    const cost = quoteCost(
      p,
      { ...i.request, repaymentMethod: i.request.repaymentMethod ?? 'INTEREST_ONLY_BULLET', date: i.today },
      i.price.premiumRate,
    );
    // a cost that cannot be computed (no rate of return in range) is never taken as below the ceiling
    if (cost === null || cost.gte(p.financingCostCeiling)) {
      const actual = cost === null ? 'not computable' : cost.toDecimalPlaces(6).toString();
      reasons.push({
        code: 'FINANCING_COST_AT_OR_ABOVE_CEILING',
        message: `financing cost ${actual} a year is not below ${p.financingCostCeiling}`,
        limit: p.financingCostCeiling,
        actual,
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
    reasons.push(
      dataReason(
        { code: 'CURRENTLY_OVERDUE', message: `${overdue.length} account(s) currently past due`, actual: String(overdue.length) },
        overdue,
      ),
    );
  }

  const written = counted.filter((a) => WRITTEN_OFF.includes(a.status));
  if (written.length) {
    reasons.push(
      dataReason(
        {
          code: 'CHARGED_OFF_IN_RETENTION_WINDOW',
          message: `${written.length} account(s) charged off or paid by an insurer within the retention window`,
          actual: String(written.length),
        },
        written,
      ),
    );
  }

  const listed = i.publicRecords.filter(isDishonestDebtorListing);
  if (listed.length) {
    reasons.push(
      dataReason(
        {
          code: 'DISHONEST_DEBTOR_LISTED',
          message: `listed by a court as a dishonest judgment debtor (失信被执行人): ${listed.length} active record(s)`,
          actual: String(listed.length),
        },
        listed,
      ),
    );
  }

  const done = reasons.map((r): Reason => {
    const overridable = r.overridable ?? false;
    return { ...r, overridable, restsOn: r.restsOn ?? [], explanation: explainReason({ ...r, overridable }) };
  });
  return { eligible: done.length === 0, reasons: done };
}
