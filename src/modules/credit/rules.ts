import { Decimal } from 'decimal.js';
import { CONSENT_PURPOSES, isHardInquiry, type AccountStatus, type ConsentPurpose } from '../../domain.js';
import { addYears, businessDate, monthOf, monthsBetween } from '../../time.js';

/** One character per month in the payment history (after Metro 2's payment history profile). */
export const STATUS_CODE: Record<AccountStatus, string> = {
  CURRENT: '0',
  DPD_30: '1',
  DPD_60: '2',
  DPD_90: '3',
  DPD_120: '4',
  DPD_150: '5',
  DPD_180_PLUS: '6',
  PAID: 'P',
  CHARGED_OFF: 'L',
  CLAIM_PAID_BY_INSURER: 'C',
  IN_COLLECTION: 'G',
};
export const NOT_REPORTED = '-';
const CODE_STATUS = Object.fromEntries(Object.entries(STATUS_CODE).map(([s, c]) => [c, s])) as Record<string, AccountStatus>;

export const HISTORY_MONTHS = 24;

/** Higher is worse. Paid and current are not adverse. */
export const STATUS_SEVERITY: Record<AccountStatus, number> = {
  CURRENT: 0,
  PAID: 0,
  DPD_30: 1,
  DPD_60: 2,
  DPD_90: 3,
  DPD_120: 4,
  DPD_150: 5,
  DPD_180_PLUS: 6,
  IN_COLLECTION: 7,
  CLAIM_PAID_BY_INSURER: 8,
  CHARGED_OFF: 9,
};

export const isNegativeStatus = (s: AccountStatus) => STATUS_SEVERITY[s] > 0;
export const NEGATIVE_STATUSES = (Object.keys(STATUS_SEVERITY) as AccountStatus[]).filter(isNegativeStatus);

/**
 * Statuses after which an account no longer runs (no balance is expected to move). Not
 * CLAIM_PAID_BY_INSURER: after the insurer pays its share the borrower still owes the bank the
 * rest, and the loan's record stays open at that balance until it is recovered or written off
 * (docs/money.md, "How each event reaches the credit record"); closedOn says when it ended.
 */
export const CLOSED_STATUSES: readonly AccountStatus[] = ['PAID', 'CHARGED_OFF'];

export function worseOf(a: AccountStatus | null, b: AccountStatus | null): AccountStatus | null {
  if (a === null) return b;
  if (b === null) return a;
  return STATUS_SEVERITY[b] > STATUS_SEVERITY[a] ? b : a;
}

/**
 * Records `status` for `month` in a payment history that starts (most recent first) at
 * `historyMonth`. A later month shifts the history, filling unreported months with '-';
 * the same month overwrites. Returns null for a month before the history's start: past
 * months are corrected through disputes, not re-furnishing.
 */
export function recordMonthlyStatus(
  history: string | null,
  historyMonth: string | null,
  month: string,
  status: AccountStatus,
): { history: string; historyMonth: string } | null {
  const m = monthOf(month);
  const code = STATUS_CODE[status];
  if (history === null || historyMonth === null) return { history: code, historyMonth: m };
  const gap = monthsBetween(historyMonth, m);
  if (gap < 0) return null;
  if (gap === 0) return { history: code + history.slice(1), historyMonth: m };
  const filled = code + NOT_REPORTED.repeat(gap - 1) + history;
  return { history: filled.slice(0, HISTORY_MONTHS), historyMonth: m };
}

export interface StatusMonth {
  month: string;
  status: AccountStatus | null;
}

const monthIndex = (date: string) => Number(date.slice(0, 4)) * 12 + Number(date.slice(5, 7)) - 1;
const monthText = (idx: number) => `${String(Math.floor(idx / 12)).padStart(4, '0')}-${String((idx % 12) + 1).padStart(2, '0')}-01`;

/** The 24 months ending with the current month, most recent first; null where nothing was reported. */
export function statusHistory(history: string, historyMonth: string, now: Date): StatusMonth[] {
  const current = monthIndex(businessDate(now));
  const lag = current - monthIndex(historyMonth); // months between the history's start and now
  const out: StatusMonth[] = [];
  for (let i = 0; i < HISTORY_MONTHS; i++) {
    const code = history[i - lag] ?? NOT_REPORTED;
    out.push({ month: monthText(current - i), status: CODE_STATUS[code] ?? null });
  }
  return out;
}

export function worstStatusIn24Months(history: string, historyMonth: string, now: Date): AccountStatus | null {
  const lag = monthIndex(businessDate(now)) - monthIndex(historyMonth);
  let worst: AccountStatus | null = null;
  for (let i = Math.max(0, lag); i < HISTORY_MONTHS; i++) {
    const code = history[i - lag];
    if (code === undefined) break;
    worst = worseOf(worst, CODE_STATUS[code] ?? null);
  }
  return worst;
}

/** 征信业管理条例 art. 16: adverse information is kept 5 years from the end of the behaviour. */
export const NEGATIVE_RETENTION_YEARS = 5;

/** An adverse record whose behaviour ended on or before this date is no longer shown. */
export function retentionCutoff(now: Date): string {
  return addYears(businessDate(now), -NEGATIVE_RETENTION_YEARS);
}

/**
 * An account in an adverse status is still behaving adversely while open; its behaviour
 * ended when it closed. Shown until 5 years after that day.
 */
export function isAccountVisible(a: { status: AccountStatus; closedOn: string | null }, now: Date): boolean {
  if (!isNegativeStatus(a.status) || a.closedOn === null) return true;
  return a.closedOn > retentionCutoff(now);
}

export function isConsentActive(c: { grantedAt: Date; expiresAt: Date; revokedAt: Date | null }, now: Date): boolean {
  return c.revokedAt === null && c.grantedAt.getTime() <= now.getTime() && now.getTime() < c.expiresAt.getTime();
}

/** The longest programme term: the longest any consent may last. */
export const MAX_CONSENT_YEARS = 5;
const FIVE_YEARS_DAYS = 1826; // 5 × 365 + one leap day

/**
 * Each purpose's longest grant, in days (our rule; the regulation leaves the length open): a
 * credit decision needs months, not years; post-loan and post-insurance reads last as long as
 * the relationship (also checked at every read), at most the longest programme term.
 */
export const CONSENT_MAX_DAYS: Record<ConsentPurpose, number> = {
  LOAN_APPLICATION: 180,
  UNDERWRITING: 180,
  GUARANTEE_ELIGIBILITY: 180,
  POST_LOAN_MANAGEMENT: FIVE_YEARS_DAYS,
  POST_INSURANCE_MANAGEMENT: FIVE_YEARS_DAYS,
  FURNISHING: FIVE_YEARS_DAYS,
};

/**
 * Purposes that hold only while the institution still has an open, non-deleted account of the
 * borrower: checked when the consent is granted and again at every read (see relationship.ts).
 */
export const OPEN_RELATIONSHIP_PURPOSES: readonly ConsentPurpose[] = ['POST_LOAN_MANAGEMENT', 'POST_INSURANCE_MANAGEMENT'];
export const needsOpenRelationship = (p: ConsentPurpose) => OPEN_RELATIONSHIP_PURPOSES.includes(p);

export function consentExpiryProblem(purpose: ConsentPurpose, expiresAt: Date, now: Date): string | null {
  if (expiresAt.getTime() <= now.getTime()) return 'expiresAt must be in the future';
  const days = CONSENT_MAX_DAYS[purpose];
  if (expiresAt.getTime() > now.getTime() + days * 86_400_000) return `a ${purpose} consent may last at most ${days} days`;
  return null;
}

export interface ConsentPurposeRule {
  purpose: ConsentPurpose;
  inquiryKind: 'HARD' | 'SOFT' | null;
  maxDays: number;
  description: string;
}

const PURPOSE_WORDS: Record<ConsentPurpose, string> = {
  LOAN_APPLICATION: '贷款审批：银行审查您的贷款申请时查询您的信用报告。计为硬查询，最长 180 天。',
  UNDERWRITING: '保前审查：保险公司承保前查询您的信用报告。计为硬查询，最长 180 天。',
  GUARANTEE_ELIGIBILITY: '担保资格审查：审查您能否提供或获得担保时查询。计为硬查询，最长 180 天。',
  POST_LOAN_MANAGEMENT:
    '贷后管理：放款后机构跟踪您的信用状况。计为软查询，不影响评分和定价；仅在该机构仍持有您未结清的账户期间有效，最长 5 年。',
  POST_INSURANCE_MANAGEMENT:
    '保后管理：承保后保险公司跟踪您的信用状况。计为软查询，不影响评分和定价；仅在该机构仍持有您未结清的账户期间有效，最长 5 年。',
  FURNISHING: '报送授权：允许该机构按您选定的账户类型向平台报送您的账户信息；不允许查询。最长 5 年。',
};

/** The purposes as consentPurposes lists them. */
export const CONSENT_PURPOSE_RULES: readonly ConsentPurposeRule[] = CONSENT_PURPOSES.map((purpose) => ({
  purpose,
  inquiryKind: purpose === 'FURNISHING' ? null : isHardInquiry(purpose) ? 'HARD' : 'SOFT',
  maxDays: CONSENT_MAX_DAYS[purpose],
  description: PURPOSE_WORDS[purpose],
}));

/** 条例 Art 15: the borrower is told this many days before an account's first adverse status takes effect. */
export const ADVERSE_NOTICE_DAYS = 15;
export const adverseNoticeEffectiveAt = (now: Date) => new Date(now.getTime() + ADVERSE_NOTICE_DAYS * 86_400_000);

/** Status words for notices, in plain Chinese. */
export const STATUS_WORDS: Record<AccountStatus, string> = {
  CURRENT: '正常',
  DPD_30: '逾期 30 天以上',
  DPD_60: '逾期 60 天以上',
  DPD_90: '逾期 90 天以上',
  DPD_120: '逾期 120 天以上',
  DPD_150: '逾期 150 天以上',
  DPD_180_PLUS: '逾期 180 天以上',
  PAID: '已结清',
  CHARGED_OFF: '已核销',
  CLAIM_PAID_BY_INSURER: '保险公司已代偿',
  IN_COLLECTION: '追偿中',
};

/** Inquiries are a risk signal over the last 6 months. */
export function inquiryWindowStart(now: Date): Date {
  const d = new Date(now);
  d.setUTCMonth(d.getUTCMonth() - 6);
  return d;
}

/** The furnisher answers a dispute within 20 days. */
export const DISPUTE_ANSWER_DAYS = 20;
export function disputeDueAt(filedAt: Date): Date {
  return new Date(filedAt.getTime() + DISPUTE_ANSWER_DAYS * 24 * 3600 * 1000);
}
export const isDisputeOverdue = (d: { status: string; dueAt: Date }, now: Date) => d.status === 'OPEN' && now.getTime() > d.dueAt.getTime();

export interface SummaryAccount {
  status: AccountStatus;
  closedOn: string | null;
  balance: string;
  paymentHistory: string;
  statusMonth: string;
  disputed: boolean;
}

export interface CreditSummary {
  openAccounts: number;
  totalBalance: string;
  worstStatus24Months: AccountStatus | null;
  inquiriesLast6Months: number;
  disputedAccounts: number;
}

export const isOpenAccount = (a: { status: AccountStatus; closedOn: string | null }) =>
  a.closedOn === null && !CLOSED_STATUSES.includes(a.status);

export function summarize(accounts: SummaryAccount[], inquiriesLast6Months: number, now: Date): CreditSummary {
  let open = 0;
  let total = new Decimal(0);
  let worst: AccountStatus | null = null;
  let disputed = 0;
  for (const a of accounts) {
    if (isOpenAccount(a)) {
      open++;
      total = total.plus(a.balance);
    }
    worst = worseOf(worst, worstStatusIn24Months(a.paymentHistory, a.statusMonth, now));
    if (a.disputed) disputed++;
  }
  return {
    openAccounts: open,
    totalBalance: total.toFixed(2),
    worstStatus24Months: worst,
    inquiriesLast6Months,
    disputedAccounts: disputed,
  };
}
