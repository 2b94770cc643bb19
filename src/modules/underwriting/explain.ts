import { Decimal } from 'decimal.js';
import { STATUS_WORDS } from '../credit/rules.js';
import type { AccountStatus } from '../../domain.js';
import type { ProgrammeParameters } from '../parameters/rules.js';
import type { ReasonCode } from './eligibility.js';
import type { Price } from './pricing.js';
import type { FactorCode } from './scorecard.js';

/**
 * Plain Chinese for every rule reason, score factor and price (PIPL Art 24: a person affected by
 * an automated decision may ask for an explanation). Each text is a pure function of what the
 * decision stored (code, limit, actual, points, value), so a decision stored before the texts
 * existed is explained the same way when it is read.
 */

/** 0.078 → 7.80% */
export const pct = (rate: string | null | undefined) => (rate == null ? '—' : `${new Decimal(rate).mul(100).toFixed(2)}%`);

// the same words the borrower's notices use
export const statusWords = (s: string) => STATUS_WORDS[s as AccountStatus] ?? s;

/** Hard limits: set by the programme, no person may set them aside. */
export const HARD_LIMIT_CODES: readonly ReasonCode[] = [
  'OVER_CATEGORY_CAP',
  'RATE_ABOVE_CEILING',
  'FINANCING_COST_AT_OR_ABOVE_CEILING',
  'TERM_NOT_OFFERED',
  'NO_BENCHMARK_RATE',
  'NOT_IN_STARTUP_PHASE',
];
/** Data reasons: they rest on records of the credit file, which may be disputed or unverifiable. */
export const DATA_REASON_CODES: readonly ReasonCode[] = ['CURRENTLY_OVERDUE', 'CHARGED_OFF_IN_RETENTION_WINDOW', 'DISHONEST_DEBTOR_LISTED'];
export const isHardLimit = (code: string) => (HARD_LIMIT_CODES as readonly string[]).includes(code);

export interface ReasonFacts {
  code: ReasonCode;
  limit?: string;
  actual?: string;
  overridable?: boolean;
}

function reasonText(r: ReasonFacts): string {
  switch (r.code) {
    case 'OVER_CATEGORY_CAP':
      return `本次贷款加上您在本项目中未还清的贷款和已获批未放款的金额共 ${r.actual ?? '—'} 元，超过了您所属类别 ${r.limit ?? '—'} 元的上限。`;
    case 'RATE_ABOVE_CEILING':
      return `申请的贷款年利率 ${pct(r.actual)} 高于项目允许的最高利率 ${pct(r.limit)}（基准利率上浮的上限）。`;
    case 'FINANCING_COST_AT_OR_ABOVE_CEILING':
      return r.actual !== undefined && !/^\d/.test(r.actual)
        ? `贷款利率加上您自己承担的保费，年化综合融资成本无法计算，不能认定低于项目规定的 ${pct(r.limit)}。`
        : `贷款利率加上您自己承担的保费，按内部收益率法折算的年化综合融资成本为 ${pct(r.actual)}，没有低于项目规定的 ${pct(r.limit)}。`;
    case 'NOT_IN_STARTUP_PHASE':
      return `您的登记日期是 ${r.actual ?? '—'}，早于 ${r.limit ?? '—'}，已经不在项目扶持的初创期内。`;
    case 'TERM_NOT_OFFERED':
      return `项目不提供 ${r.actual ?? '—'} 年期的贷款${r.limit ? `（可选期限：${r.limit} 年）` : ''}。`;
    case 'NO_BENCHMARK_RATE':
      return '申请之日没有生效的贷款基准利率，暂时无法定价。';
    case 'CURRENTLY_OVERDUE':
      return `您的信用记录中有 ${r.actual ?? '—'} 个账户目前处于逾期状态。`;
    case 'CHARGED_OFF_IN_RETENTION_WINDOW':
      return `您的信用记录中有 ${r.actual ?? '—'} 个账户在保存期内被核销或由保险公司代偿。`;
    case 'DISHONEST_DEBTOR_LISTED':
      return `法院将您列入了失信被执行人名单${r.actual ? `（${r.actual} 条仍在执行中的记录）` : ''}。`;
  }
}

/** The reason in plain Chinese, with what the borrower can do about it. */
export function explainReason(r: ReasonFacts): string {
  const base = reasonText(r);
  if (isHardLimit(r.code)) return `${base}这是项目的硬性规定，人工复核也不能改变。`;
  if (r.overridable) return `${base}这一原因所依据的记录存在异议或无法核实，您可以申请人工复核。`;
  return `${base}如果您认为记录有误，可以对该记录提出异议。`;
}

/** A reason as stored, completed for a decision stored before the explanations existed. */
export function completeReason<R extends ReasonFacts & { message?: string }>(
  r: R,
): R & { explanation: string; overridable: boolean; restsOn: string[] } {
  const x = r as R & { explanation?: string; overridable?: boolean; restsOn?: string[] };
  const overridable = !isHardLimit(r.code) && (x.overridable ?? false);
  return { ...r, overridable, restsOn: x.restsOn ?? [], explanation: x.explanation ?? explainReason({ ...r, overridable }) };
}

export interface FactorFacts {
  code: FactorCode;
  points: number;
  value: string;
}

const signed = (p: number) => (p > 0 ? `加 ${p} 分` : p < 0 ? `扣 ${-p} 分` : '不加分也不扣分');

function factorText(f: FactorFacts): string {
  switch (f.code) {
    case 'DELINQUENCY_24M':
      if (f.value === 'NO_HISTORY') return '近 24 个月没有还款记录，按新客户计';
      return f.points >= 20 ? '近 24 个月的还款记录良好' : `近 24 个月最严重的一次记录是“${statusWords(f.value)}”`;
    case 'CURRENT_OVERDUE':
      return f.value === '0' ? '目前没有逾期的账户' : `目前有 ${f.value} 个账户逾期`;
    case 'UTILISATION':
      if (f.value === 'NO_OPEN_LOANS') return '目前没有未结清的贷款';
      return `未结清贷款的余额占原贷款金额的 ${new Decimal(f.value).mul(100).toFixed(0)}%`;
    case 'RECENT_INQUIRIES':
      return `近 6 个月（不含最近 30 天）有 ${f.value} 次贷款审批、保前审查或担保资格审查查询（同一机构同一用途同一天只算一次；贷后管理、保后管理和本人查询从不计入）`;
    case 'YEARS_IN_BUSINESS':
      return `已经营 ${f.value} 年`;
    case 'PROGRAMME_HISTORY': {
      const m = /repaid (\d+), defaulted (\d+)/.exec(f.value);
      return m ? `在本项目中已还清 ${m[1]} 笔贷款、违约 ${m[2]} 笔` : `在本项目中的记录：${f.value}`;
    }
  }
}

export const explainFactor = (f: FactorFacts) => `${factorText(f)}，${signed(f.points)}。`;

export function completeFactor<F extends FactorFacts>(f: F): F & { explanation: string } {
  const x = f as F & { explanation?: string };
  return { ...f, explanation: x.explanation ?? explainFactor(f) };
}

/** Biggest effect on the score first (points away from zero); ties keep the scorecard's order. */
export const keyFactors = <F extends FactorFacts>(factors: F[]) =>
  factors
    .map((f, i) => ({ f, i }))
    .sort((a, b) => Math.abs(b.f.points) - Math.abs(a.f.points) || a.i - b.i)
    .map(({ f }) => completeFactor(f));

/** What set the price: the grade's premium rate, the subsidy, and the borrower's part. */
export function explainPrice(price: Price, grade: string, termYears: number, params?: ProgrammeParameters): string {
  if (!price.termOffered || price.premiumRate === null) return `项目不提供 ${termYears} 年期的贷款，因此没有保费报价。`;
  const multiplier = params?.gradeMultipliers[grade as keyof ProgrammeParameters['gradeMultipliers']];
  const how = params && multiplier ? `（基础费率 ${pct(params.basePremiumRate)} × 等级系数 ${multiplier}，按期限调整）` : '';
  const parts = [
    `您的信用等级为 ${grade}，对应的年保费率为 ${pct(price.premiumRate)}${how}。`,
    `${termYears} 年的保费共 ${price.premiumAmount} 元，其中财政补贴 ${price.subsidyPremium} 元，您自己承担 ${price.borrowerPremium} 元。`,
    ...(termYears > 1 && price.premiumSchedule
      ? [
          `保费按保单年度${price.premiumPayment === 'SINGLE' ? '计算、在投保时一次缴清' : '在每年年初缴纳'}，只按当年年初尚未偿还的贷款本金计算：` +
            price.premiumSchedule.map((y) => `第 ${y.year} 年 ${y.premium} 元（您承担 ${y.borrowerPremium} 元）`).join('，') +
            '。',
        ]
      : []),
    '补贴是固定的份额，所以信用等级越好，保费率越低，您承担的部分越少。',
  ];
  if (price.financingCostRate) {
    parts.push(`加上贷款利息，按内部收益率法折算的年化综合融资成本为 ${pct(price.financingCostRate)}。`);
  }
  return parts.join('');
}

export interface DecisionFacts {
  decision: string;
  reviewerRole: string;
  institutionName: string;
  amount: string;
  termYears: number;
  eligible: boolean;
  grade: string;
  score: number;
  reasons: { code: string; overridable: boolean }[];
  overrides: { code: string }[];
  humanReviewId: string | null;
  current: boolean;
}

/** The outcome in one sentence. */
export function decisionSummary(d: DecisionFacts): string {
  const who = `${d.institutionName}（${d.reviewerRole === 'BANK' ? '银行' : '保险公司'}）`;
  const what = `您 ${d.amount} 元、${d.termYears} 年期的贷款申请`;
  const rating = `您的信用评分为 ${d.score} 分，等级 ${d.grade}`;
  let s: string;
  if (d.decision === 'APPROVE') {
    const by = d.humanReviewId ? '经人工复核后批准了' : '批准了';
    const set = d.overrides.length ? `，并在复核中放宽了 ${d.overrides.length} 项依据有异议或无法核实记录的规则` : '';
    s = `${who}${by}${what}${set}；${rating}。`;
  } else if (!d.eligible) {
    const open = d.reasons.some((r) => r.overridable)
      ? '其中部分原因所依据的记录存在异议或无法核实，您可以申请人工复核'
      : '您可以申请人工复核';
    s = `${who}拒绝了${what}，因为有 ${d.reasons.length} 项项目规则未通过；${rating}。${open}。`;
  } else {
    s = `${who}拒绝了${what}：您符合项目规则，拒绝是机构自己的审查意见（见机构理由）；${rating}。您可以申请人工复核。`;
  }
  return d.current ? s : `${s}（此决定已被人工复核后的新决定取代。）`;
}
