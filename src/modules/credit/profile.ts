/**
 * The profile statement: what every reader of the shared file (an institution under consent, the
 * borrower themself) sees, read in one statement with the consent check, the inquiry and the audit
 * entry it owes. Readers see the held view of an account whose first adverse status waits out its
 * prior notice (条例 Art 15); retention (Art 16) applies to what they see.
 */
import type { SQL } from 'drizzle-orm';
import { rows, type Database, type Executor } from '../../db/client.js';
import { bind, template, type Template } from './prepared.js';
import { statementFor, WORST_ORDER, type Shape, type Values } from './profile-sql.js';

export { WORST_ORDER };
import type { AccountKind, AccountStatus, ConsentPurpose, InquiryPurpose } from '../../domain.js';
import type { StatementView } from './annotations.js';
import type { AccountView, BorrowerView } from './store.js';

export interface InquiryView {
  id: string;
  institution: { id: string; kind: string; name: string } | null;
  purpose: InquiryPurpose;
  kind: 'HARD' | 'SOFT';
  inquiredAt: string;
  userId: string | null;
  disputed: boolean;
}

/**
 * One visible account, slim: every fact a decision rests on (eligibility, scoring), for the whole
 * file and not only the page. The held view and retention are already applied.
 */
export interface AccountFact {
  id: string;
  kind: AccountKind;
  institutionId: string;
  status: AccountStatus;
  openedOn: string;
  closedOn: string | null;
  balance: string;
  originalAmount: string;
  paymentHistory: string;
  statusMonth: string;
  /** An open dispute of the record. */
  disputed: boolean;
  /** A dispute of the record ended UNVERIFIABLE (the objection stays attached). */
  unverifiable: boolean;
}

/** Where a page of accounts ends: the order is rank (open adverse, open, closed), opened_on desc, id. */
export interface PageKey {
  rank: number;
  openedOn: string;
  id: string;
}

export interface ProfileRow {
  inquiry_id: string | null;
  allowed: boolean;
  borrower: BorrowerView | null;
  accounts: AccountView[] | null;
  next_key: string | null;
  facts: AccountFact[] | null;
  inquiry_facts: InquiryFact[] | null;
  summary: { accounts: number; openAccounts: number; totalBalance: string; worstRank: number | null; disputedAccounts: number };
  inquiries: InquiryView[] | null;
  inquiry_counts: { hard: number; soft: number };
  statements: StatementView[] | null;
}

export interface ProfileRead {
  borrowerId: string;
  now: Date;
  /** The current business month, as year * 12 + month - 1. */
  currentMonth: number;
  /** Adverse accounts that closed on or before this date are past retention. */
  retentionCutoff: string;
  inquiryWindowStart: Date;
  inquiryHistoryStart: Date;
  audit: { requestId: string; userId: string; role: string; institutionId: string | null; borrowerActorId: string | null };
  /** Institution read: consent check and inquiry insert folded into the same statement. Absent: the borrower's own access. */
  institutionRead?: {
    institutionId: string;
    purpose: ConsentPurpose;
    /** Post-loan / post-insurance management: only while the institution holds an open account of the borrower. */
    needsOpenAccount: boolean;
  };
  page: { limit: number; after?: PageKey };
  /** Also return the slim facts of every visible account (a decision needs them; a GraphQL read does not). */
  withFacts: boolean;
  /**
   * The platform's own read (a re-quote after a correction): no consent and no inquiry (no
   * institution asked), the audit entry with this action. Absent: an institution's or the borrower's read.
   */
  internalRead?: { action: string };
}

/** A hard inquiry as a decision weighs it. */
export interface InquiryFact {
  institutionId: string | null;
  purpose: InquiryPurpose;
  inquiredAt: string;
  disputed: boolean;
}

const shapeOf = (p: ProfileRead): Shape => ({
  gate: p.internalRead
    ? 'internal'
    : !p.institutionRead
      ? 'own'
      : p.institutionRead.needsOpenAccount
        ? 'institution, open account'
        : 'institution',
  after: !!p.page.after,
  withFacts: p.withFacts,
});

/** The read's values for the statement's placeholders. */
function valuesOf(p: ProfileRead): Values {
  const after = p.page.after;
  return {
    borrowerId: p.borrowerId,
    now: p.now.toISOString(),
    requestId: p.audit.requestId,
    userId: p.audit.userId,
    role: p.audit.role,
    borrowerActorId: p.audit.borrowerActorId,
    action: p.internalRead?.action ?? null,
    institutionId: p.institutionRead?.institutionId ?? null,
    purpose: p.institutionRead?.purpose ?? null,
    retentionCutoff: p.retentionCutoff,
    currentMonth: p.currentMonth,
    limit: p.page.limit,
    limitPlusOne: p.page.limit + 1,
    afterRank: after?.rank ?? null,
    afterOpenedOn: after?.openedOn ?? null,
    afterId: after?.id ?? null,
    inquiryWindowStart: p.inquiryWindowStart.toISOString(),
    inquiryHistoryStart: p.inquiryHistoryStart.toISOString(),
  };
}

/** Each shape's text, built once (at most 16: 4 gates × cursor or not × facts or not). */
const templates = new Map<string, Template<Values>>();

/**
 * The whole profile in one statement, its text built once per shape and the read's values bound
 * as parameters: drizzle does not rebuild the SQL tree on every read.
 */
export function profileStatement(p: ProfileRead): SQL {
  const shape = shapeOf(p);
  const key = `${shape.gate}|${shape.after}|${shape.withFacts}`;
  let t = templates.get(key);
  if (!t) templates.set(key, (t = template<Values>(statementFor(shape))));
  return bind(t, valuesOf(p));
}

/** Prepared on its own; inside a caller's transaction when `tx` is given. */
export async function readProfile(db: Database, p: ProfileRead, tx?: Executor): Promise<ProfileRow | undefined> {
  const stmt = profileStatement(p);
  return (tx ? await rows<ProfileRow>(tx, stmt) : await db.prepared<ProfileRow>(stmt))[0];
}
