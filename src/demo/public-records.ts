import { sql } from 'drizzle-orm';
import { rows, type Executor } from '../db/client.js';
import type { PublicRecordKind, PublicRecordStatus } from '../domain.js';
import { hashNationalId } from '../identity.js';
import { NEGATIVE_STATUSES } from '../modules/credit/rules.js';
import { addDays, addMonths, businessDate } from '../time.js';
import { DEMO_INSTITUTIONS, type BorrowerBundle } from './generate.js';
import { residentId } from './people.js';

/**
 * The demo's public records (公共信息), each from its own authority: a dishonest-debtor listing
 * on a borrower with an otherwise clean file (so their quote is ineligible), executed judgments
 * and paid tax arrears on another (one past its 5 years, so not shown), a firm's tax credit grades
 * and market-regulator records, and a listing for someone not yet on file.
 */
export const DEMO_AUTHORITIES = {
  court: 'zjk-intermediate-court',
  tax: 'zjk-tax-bureau',
  regulator: 'zjk-market-regulator',
} as const;

/** The data sources (DATA_SOURCE institutions) that furnish them, each naming its authority. */
export const DEMO_DATA_SOURCES = [
  { id: DEMO_AUTHORITIES.court, kind: 'DATA_SOURCE', name: '张家口市中级人民法院', authority: 'COURT' },
  { id: DEMO_AUTHORITIES.tax, kind: 'DATA_SOURCE', name: '国家税务总局张家口市税务局', authority: 'TAX_BUREAU' },
  { id: DEMO_AUTHORITIES.regulator, kind: 'DATA_SOURCE', name: '张家口市市场监督管理局', authority: 'MARKET_REGULATOR' },
] as const;

const BANKS = new Set<string>(DEMO_INSTITUTIONS.filter((i) => i.kind === 'BANK').map((i) => i.id));

export interface PublicRecordRow {
  id: string;
  national_id_hash: string;
  subject_name: string;
  authority_id: string;
  kind: PublicRecordKind;
  case_number: string;
  title: string;
  amount: string | null;
  grade: string | null;
  decided_on: string;
  effective_on: string;
  ended_on: string | null;
  status: PublicRecordStatus;
  furnished_by: string;
  created_at: string;
  updated_at: string;
}

interface Candidate {
  borrowerId: string;
  nationalId: string;
  name: string;
}

const CLEAN_HISTORY = /^[0P-]+$/;
const WANTED = 20;

/**
 * Streams past the generated borrowers and keeps a few that can carry the demo's records: rural
 * households with a clean file and an active application consent to a bank (so a bank can read
 * and quote them), and firms.
 */
export class PublicRecordCandidates {
  readonly households: Candidate[] = [];
  readonly firms: Candidate[] = [];

  consider(b: BorrowerBundle, asOf: Date) {
    const c = { borrowerId: b.borrower.id, nationalId: b.nationalId, name: b.borrower.name };
    const clean = b.accounts.every((a) => (a.status === 'CURRENT' || a.status === 'PAID') && CLEAN_HISTORY.test(a.payment_history));
    if (!clean) return;
    const consented = b.consents.some(
      (x) => x.purpose === 'LOAN_APPLICATION' && x.revoked_at === null && x.expires_at > asOf.toISOString() && BANKS.has(x.institution_id),
    );
    if (b.borrower.category === 'RURAL_HOUSEHOLD' && consented && this.households.length < WANTED) this.households.push(c);
    if (b.borrower.category === 'STARTUP_MICRO_ENTERPRISE' && this.firms.length < WANTED) this.firms.push(c);
  }

  /**
   * Those whose file is still clean once the programme's own accounts are in (a programme loan may
   * have defaulted); households with no programme exposure first, so a quote fails only on the listing.
   */
  async stillClean(db: Executor): Promise<{ households: Candidate[]; firms: Candidate[] }> {
    const ids = [...this.households, ...this.firms].map((c) => c.borrowerId);
    if (ids.length === 0) return { households: [], firms: [] };
    const list = sql.join(
      ids.map((id) => sql`${id}::uuid`),
      sql`, `,
    );
    const negatives = sql.join(
      NEGATIVE_STATUSES.map((s) => sql`${s}`),
      sql`, `,
    );
    const found = await rows<{ borrower_id: string; adverse: boolean }>(
      db,
      sql`select borrower_id, true as adverse from credit_accounts
            where borrower_id in (${list}) and (status in (${negatives}) or payment_history !~ '^[0P-]+$')
          union
          select borrower_id, false from loans where borrower_id in (${list}) and status in ('ACTIVE', 'DEFAULTED', 'CLAIMED')
          union
          select borrower_id, false from applications where borrower_id in (${list}) and status in ('APPROVED', 'POLICY_ISSUED')`,
    );
    const adverse = new Set(found.filter((r) => r.adverse).map((r) => r.borrower_id));
    const exposed = new Set(found.filter((r) => !r.adverse).map((r) => r.borrower_id));
    const clean = (c: Candidate) => !adverse.has(c.borrowerId);
    const households = this.households.filter(clean);
    return {
      households: [...households.filter((c) => !exposed.has(c.borrowerId)), ...households.filter((c) => exposed.has(c.borrowerId))],
      firms: this.firms.filter(clean),
    };
  }
}

/** The records, dated relative to `asOf`. Every programme decision predates the listing (they end 15 days before asOf). */
export function demoPublicRecords(
  picked: { households: Candidate[]; firms: Candidate[] },
  opts: { asOf: Date; pepper: string; borrowers: number; uuid: () => string },
): PublicRecordRow[] {
  const today = businessDate(opts.asOf);
  const at = opts.asOf.toISOString();
  const out: PublicRecordRow[] = [];
  const year = Number(today.slice(0, 4));
  const add = (
    s: { nationalId: string; name: string },
    authority: string,
    r: Omit<
      PublicRecordRow,
      'id' | 'national_id_hash' | 'subject_name' | 'authority_id' | 'furnished_by' | 'created_at' | 'updated_at' | 'grade' | 'amount'
    > & {
      grade?: string;
      amount?: string;
    },
  ) =>
    out.push({
      id: opts.uuid(),
      national_id_hash: hashNationalId(s.nationalId, opts.pepper),
      subject_name: s.name,
      authority_id: authority,
      furnished_by: `${authority}-clerk-1`,
      created_at: at,
      updated_at: at,
      grade: null,
      amount: null,
      ...r,
    });
  const [listed, judged] = picked.households;
  if (listed) {
    // sued over a private loan, did not pay, enforced, and put on the list of dishonest judgment debtors
    const judgedOn = addMonths(today, -9);
    add(listed, DEMO_AUTHORITIES.court, {
      kind: 'COURT_JUDGMENT',
      case_number: `(${year - 1})冀07民初${1200 + out.length}号`,
      title: '民间借贷纠纷一审判决: 偿还借款本金及利息',
      amount: '86000.00',
      decided_on: judgedOn,
      effective_on: addDays(judgedOn, 16),
      ended_on: null,
      status: 'ACTIVE',
    });
    add(listed, DEMO_AUTHORITIES.court, {
      kind: 'COURT_ENFORCEMENT',
      case_number: `(${year})冀07执${300 + out.length}号`,
      title: '强制执行: 民间借贷纠纷判决',
      amount: '86000.00',
      decided_on: addMonths(today, -4),
      effective_on: addMonths(today, -4),
      ended_on: null,
      status: 'ACTIVE',
    });
    add(listed, DEMO_AUTHORITIES.court, {
      kind: 'DISHONEST_DEBTOR',
      case_number: `(${year})冀07执${300 + out.length}号之一`,
      title: '失信被执行人: 有履行能力而拒不履行生效法律文书确定义务',
      amount: '86000.00',
      decided_on: addDays(today, -12),
      effective_on: addDays(today, -10),
      ended_on: null,
      status: 'ACTIVE',
    });
  }
  if (judged) {
    // a judgment performed two years ago (shown), one performed six years ago (past its 5 years: not shown), arrears paid
    const ended = addMonths(today, -26);
    add(judged, DEMO_AUTHORITIES.court, {
      kind: 'COURT_JUDGMENT',
      case_number: `(${year - 3})冀07民终${400 + out.length}号`,
      title: '买卖合同纠纷二审判决: 支付货款',
      amount: '23500.00',
      decided_on: addMonths(ended, -5),
      effective_on: addMonths(ended, -5),
      ended_on: ended,
      status: 'EXECUTED',
    });
    const longAgo = addMonths(today, -74);
    add(judged, DEMO_AUTHORITIES.court, {
      kind: 'COURT_JUDGMENT',
      case_number: `(${year - 7})冀07民初${500 + out.length}号`,
      title: '租赁合同纠纷一审判决: 支付租金',
      amount: '9800.00',
      decided_on: addMonths(longAgo, -3),
      effective_on: addMonths(longAgo, -3),
      ended_on: longAgo,
      status: 'EXECUTED',
    });
    add(judged, DEMO_AUTHORITIES.tax, {
      kind: 'TAX_ARREARS',
      case_number: `张税通〔${year - 1}〕${60 + out.length}号`,
      title: '欠缴个人所得税 (经营所得), 已缴清',
      amount: '4120.50',
      decided_on: addMonths(today, -16),
      effective_on: addMonths(today, -16),
      ended_on: addMonths(today, -13),
      status: 'EXECUTED',
    });
  }
  const firm = picked.firms[0];
  if (firm) {
    // grades for the last two years: only the newest is shown
    for (const [g, back] of [
      ['B', 26],
      ['A', 2],
    ] as const) {
      const decided = addMonths(today, -back);
      add(firm, DEMO_AUTHORITIES.tax, {
        kind: 'TAX_CREDIT_GRADE',
        case_number: `纳税信用评价〔${decided.slice(0, 4)}〕${firm.nationalId}`,
        title: `${Number(decided.slice(0, 4)) - 1} 年度纳税信用等级评价`,
        grade: g,
        decided_on: decided,
        effective_on: decided,
        ended_on: null,
        status: 'ACTIVE',
      });
    }
    const listedOn = addMonths(today, -14);
    add(firm, DEMO_AUTHORITIES.regulator, {
      kind: 'BUSINESS_REGISTRATION_STATUS',
      case_number: `张市监异〔${listedOn.slice(0, 4)}〕${70 + out.length}号`,
      title: '列入经营异常名录 (未按期公示年度报告), 已补报移出',
      decided_on: listedOn,
      effective_on: listedOn,
      ended_on: addMonths(listedOn, 2),
      status: 'EXECUTED',
    });
    add(firm, DEMO_AUTHORITIES.regulator, {
      kind: 'ADMINISTRATIVE_PENALTY',
      case_number: `张市监罚〔${listedOn.slice(0, 4)}〕${80 + out.length}号`,
      title: '行政处罚: 未按规定公示年度报告, 罚款',
      amount: '2000.00',
      decided_on: addMonths(listedOn, 1),
      effective_on: addMonths(listedOn, 1),
      ended_on: addMonths(listedOn, 2),
      status: 'EXECUTED',
    });
  }
  // someone the court listed who is not on file yet: the record attaches when an institution registers them
  add({ nationalId: residentId('130722', opts.borrowers + 7), name: '尚未登记' }, DEMO_AUTHORITIES.court, {
    kind: 'DISHONEST_DEBTOR',
    case_number: `(${year})冀07执${900 + out.length}号`,
    title: '失信被执行人: 违反限制消费令',
    amount: '152000.00',
    decided_on: addMonths(today, -2),
    effective_on: addMonths(today, -2),
    ended_on: null,
    status: 'ACTIVE',
  });
  return out;
}
