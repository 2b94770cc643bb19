/**
 * Post-loan / post-insurance monitoring (保后监控): which changes raise which graded alert, and
 * the plain-Chinese words of alerts and borrower notices. Pure: the SQL in alerts.ts and
 * notices.ts is built from these lists, and test/unit/monitoring-rules.test.ts checks them.
 */
import type { AccountStatus, ConsentPurpose, InquiryPurpose, PublicRecordKind } from '../../domain.js';
import { STATUS_SEVERITY, STATUS_WORDS } from '../credit/rules.js';
import { MONITORING_DEFAULTS, type ProgrammeParameters } from '../parameters/api.js';

export const ALERT_SEVERITIES = ['RED', 'ORANGE', 'YELLOW'] as const;
export type AlertSeverity = (typeof ALERT_SEVERITIES)[number];

export const MONITORING_BASES = ['POST_LOAN_CONSENT', 'POST_INSURANCE_CONSENT', 'LIVE_LOAN', 'LIVE_POLICY', 'READ_RECORD'] as const;
export type MonitoringBasis = (typeof MONITORING_BASES)[number];

/** The rules, each with its severity. RECORD_CORRECTED is raised by corrections.ts (basis READ_RECORD). */
export const ALERT_RULES = {
  COURT_ENFORCEMENT: 'RED',
  DPD_90_ELSEWHERE: 'RED',
  NEW_DELINQUENCY: 'ORANGE',
  RECORD_CORRECTED: 'ORANGE',
  INQUIRY_BURST: 'YELLOW',
  NEW_BORROWING: 'YELLOW',
} as const satisfies Record<string, AlertSeverity>;
export type AlertRule = keyof typeof ALERT_RULES;

/** Public records that mean a court is enforcing a debt: enforcement (强制执行) and the dishonest-debtor list (失信被执行人). */
export const ENFORCEMENT_KINDS: readonly PublicRecordKind[] = ['COURT_ENFORCEMENT', 'DISHONEST_DEBTOR'];

const severityOf = (s: string | null | undefined) => (s ? (STATUS_SEVERITY[s as AccountStatus] ?? 0) : 0);
/** 90 days past due or worse (in collection, claim paid by the insurer, charged off). */
export const SEVERE_STATUSES = (Object.keys(STATUS_SEVERITY) as AccountStatus[]).filter(
  (s) => STATUS_SEVERITY[s] >= STATUS_SEVERITY.DPD_90,
);
/** The first steps of delinquency: 30 and 60 days past due. */
export const EARLY_DELINQUENT_STATUSES = (Object.keys(STATUS_SEVERITY) as AccountStatus[]).filter(
  (s) => STATUS_SEVERITY[s] > 0 && STATUS_SEVERITY[s] < STATUS_SEVERITY.DPD_90,
);

/**
 * Which rule (if any) an account's status change fires: RED when it first reaches 90+ days past
 * due (or worse), ORANGE when a clean account (or a new one) first goes 30 or 60 days past due.
 * A status that stays as bad, or gets better, fires nothing. (alerts.ts applies the same rule in SQL.)
 */
export function accountStatusRule(previous: string | null, status: string): 'DPD_90_ELSEWHERE' | 'NEW_DELINQUENCY' | null {
  const before = severityOf(previous);
  const now = severityOf(status);
  if (now >= STATUS_SEVERITY.DPD_90 && before < STATUS_SEVERITY.DPD_90) return 'DPD_90_ELSEWHERE';
  if (now > 0 && now < STATUS_SEVERITY.DPD_90 && before === 0) return 'NEW_DELINQUENCY';
  return null;
}

/** A public record change that fires COURT_ENFORCEMENT: an enforcement kind, now ACTIVE, and not ACTIVE before (or new). */
export function publicRecordRule(kind: string, status: string, previousStatus: string | null): 'COURT_ENFORCEMENT' | null {
  return ENFORCEMENT_KINDS.includes(kind as PublicRecordKind) && status === 'ACTIVE' && previousStatus !== 'ACTIVE'
    ? 'COURT_ENFORCEMENT'
    : null;
}

/** The thresholds a parameter version sets (a version written before monitoring existed has the defaults). */
export type MonitoringThresholds = ProgrammeParameters['monitoring'];
/** A version's document read straight from the table may predate the thresholds: the parameters' defaults then. */
export const DEFAULT_THRESHOLDS: MonitoringThresholds = MONITORING_DEFAULTS;

/** YELLOW INQUIRY_BURST: this many hard inquiries by institutions other than the watcher within the window. */
export const isInquiryBurst = (hardInquiriesByOthers: number, t: MonitoringThresholds) => hardInquiriesByOthers >= t.inquiryBurstCount;

/** YELLOW NEW_BORROWING: a new loan elsewhere of at least the threshold. */
export const isNewBorrowing = (kind: string, originalAmount: string, t: MonitoringThresholds) =>
  kind === 'LOAN' && Number(originalAmount) >= Number(t.newBorrowingThreshold);

/* ---- words ---- */

/**
 * Messages are templates with `{name}` slots: `fill` fills them here (tests), and alerts.ts /
 * notices.ts fill the same templates in SQL (INSERT … SELECT), so the words live in one place.
 */
export function fill(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (_, k: string) => String(values[k] ?? ''));
}

export const STATUS_NAMES: Record<string, string> = { ...STATUS_WORDS };

export const KIND_NAMES: Record<string, string> = {
  LOAN: '贷款',
  GUARANTEE: '担保',
  INSURANCE_POLICY: '保证保险保单',
  COURT_LISTING: '记录',
  COURT_ENFORCEMENT: '强制执行',
  DISHONEST_DEBTOR: '失信被执行人',
};

export const PURPOSE_NAMES: Record<ConsentPurpose | InquiryPurpose, string> = {
  LOAN_APPLICATION: '贷款审批',
  UNDERWRITING: '保前审查',
  GUARANTEE_ELIGIBILITY: '担保资格审查',
  POST_LOAN_MANAGEMENT: '贷后管理',
  POST_INSURANCE_MANAGEMENT: '保后管理',
  FURNISHING: '报送授权',
  SELF_ACCESS: '本人查询',
};

/** Alert messages: what changed, without naming the borrower. Slots: kind, accountRef, status (words), caseNumber, count, days, amount. */
export const ALERT_MESSAGES: Record<Exclude<AlertRule, 'RECORD_CORRECTED'>, string> = {
  DPD_90_ELSEWHERE: '红色预警：其他机构报送该借款人的{kind}账户 {accountRef} 状态为“{status}”（逾期 90 天以上或更差）。',
  NEW_DELINQUENCY: '橙色预警：该借款人在其他机构的{kind}账户 {accountRef} 新发生逾期，状态为“{status}”。',
  COURT_ENFORCEMENT: '红色预警：法院新增该借款人的{kind}记录，案号 {caseNumber}。',
  INQUIRY_BURST: '黄色预警：该借款人近 {days} 天内被其他机构硬查询 {count} 次，可能正在多头借贷。',
  NEW_BORROWING: '黄色预警：该借款人在其他机构新增{kind}账户 {accountRef}，金额 {amount} 元。',
};

/** Borrower notices. Slots: institution, date, purpose (words), inquiryKind (words), accountRef, from, to (status words). */
export const NOTICE_MESSAGES = {
  INQUIRY: '{institution}于 {date} 以“{purpose}”为由查询了您的信用报告（{inquiryKind}）。如您未授权此次查询，可对其提出异议。',
  CONSENT_EXPIRING: '您授予{institution}的“{purpose}”授权将于 {date} 到期。到期后该机构不能再据此使用您的信用信息；如需继续，请重新授权。',
  RECORD_CORRECTED:
    '{institution}更正了您的{kind}账户 {accountRef} 的记录：状态由“{from}”改为“{to}”。更正已标注在您的信用报告中；如有异议，可提出异议。',
} as const;

export const INQUIRY_KIND_NAMES: Record<string, string> = { HARD: '硬查询，计入查询次数', SOFT: '软查询，不影响评分' };
