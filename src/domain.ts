/**
 * The programme's code lists, shared by the SQL schema, the GraphQL schema and the rules.
 * Adding a value here needs a migration (CHECK constraints) and an SDL enum value.
 */
export const ROLES = ['BANK', 'INSURER', 'GOVERNMENT', 'BORROWER', 'ADMIN', 'DATA_SOURCE'] as const;
export type Role = (typeof ROLES)[number];

/** DATA_SOURCE: a public authority (a court, the tax bureau, the market regulator) that furnishes public records. */
export const INSTITUTION_KINDS = ['BANK', 'INSURER', 'GOVERNMENT', 'DATA_SOURCE'] as const;
export type InstitutionKind = (typeof INSTITUTION_KINDS)[number];
/** Roles whose token names an institution (the `inst` claim), and must match its kind. */
export const INSTITUTION_ROLES = ['BANK', 'INSURER', 'GOVERNMENT', 'DATA_SOURCE'] as const;

/** Which authority a DATA_SOURCE institution is. */
export const AUTHORITY_KINDS = ['COURT', 'TAX_BUREAU', 'MARKET_REGULATOR'] as const;
export type AuthorityKind = (typeof AUTHORITY_KINDS)[number];

/**
 * Public records (公共信息): facts from the authority that decided them, never account statuses
 * an institution can set.
 */
export const PUBLIC_RECORD_KINDS = [
  'COURT_JUDGMENT', // 民事判决
  'COURT_ENFORCEMENT', // 强制执行
  'DISHONEST_DEBTOR', // 失信被执行人
  'TAX_ARREARS', // 欠税
  'TAX_CREDIT_GRADE', // 纳税信用等级
  'ADMINISTRATIVE_PENALTY', // 行政处罚
  'BUSINESS_REGISTRATION_STATUS', // 市场主体登记状态
] as const;
export type PublicRecordKind = (typeof PUBLIC_RECORD_KINDS)[number];

/** Which authority may furnish which kind of public record. */
export const AUTHORITY_RECORD_KINDS: Record<AuthorityKind, readonly PublicRecordKind[]> = {
  COURT: ['COURT_JUDGMENT', 'COURT_ENFORCEMENT', 'DISHONEST_DEBTOR'],
  TAX_BUREAU: ['TAX_ARREARS', 'TAX_CREDIT_GRADE', 'ADMINISTRATIVE_PENALTY'],
  MARKET_REGULATOR: ['ADMINISTRATIVE_PENALTY', 'BUSINESS_REGISTRATION_STATUS'],
};

/** ACTIVE: in force; EXECUTED: performed or paid (the behaviour ended); REVOKED: annulled by the authority. */
export const PUBLIC_RECORD_STATUSES = ['ACTIVE', 'EXECUTED', 'REVOKED'] as const;
export type PublicRecordStatus = (typeof PUBLIC_RECORD_STATUSES)[number];

export const BORROWER_CATEGORIES = [
  'STARTUP_MICRO_ENTERPRISE', // 初创期小微企业
  'RURAL_HOUSEHOLD', // 农村种养殖户
  'INDIVIDUAL_ENTREPRENEUR', // 个人创业者
] as const;
export type BorrowerCategory = (typeof BORROWER_CATEGORIES)[number];

/**
 * COURT_LISTING is legacy: court listings are public records now (PUBLIC_RECORD_KINDS), furnished
 * only by the court. The kind stays so old rows keep their meaning; nobody may furnish it.
 */
export const ACCOUNT_KINDS = ['LOAN', 'GUARANTEE', 'INSURANCE_POLICY', 'COURT_LISTING'] as const;
export type AccountKind = (typeof ACCOUNT_KINDS)[number];

/** Which institution kinds may furnish which account kinds. */
export const FURNISHABLE_KINDS: Record<'BANK' | 'INSURER', readonly AccountKind[]> = {
  BANK: ['LOAN', 'GUARANTEE'],
  INSURER: ['INSURANCE_POLICY', 'GUARANTEE'],
};

export const ACCOUNT_STATUSES = [
  'CURRENT',
  'DPD_30',
  'DPD_60',
  'DPD_90',
  'DPD_120',
  'DPD_150',
  'DPD_180_PLUS',
  'PAID',
  'CHARGED_OFF',
  'CLAIM_PAID_BY_INSURER',
  'IN_COLLECTION',
] as const;
export type AccountStatus = (typeof ACCOUNT_STATUSES)[number];

/** Where a credit record came from: the programme's own lifecycle, or an institution's furnishing under the borrower's FURNISHING consent. */
export const RECORD_SOURCES = ['PROGRAMME', 'FURNISHED'] as const;
export type RecordSource = (typeof RECORD_SOURCES)[number];

/**
 * What a borrower's consent is for. All but FURNISHING are reading purposes: UNDERWRITING is
 * pre-underwriting (保前审查), GUARANTEE_ELIGIBILITY 担保资格审查. FURNISHING lets an institution
 * report accounts of the kinds in the consent's scope (it reads nothing).
 */
export const CONSENT_PURPOSES = [
  'LOAN_APPLICATION',
  'UNDERWRITING',
  'GUARANTEE_ELIGIBILITY',
  'POST_LOAN_MANAGEMENT',
  'POST_INSURANCE_MANAGEMENT',
  'FURNISHING',
] as const;
export type ConsentPurpose = (typeof CONSENT_PURPOSES)[number];
export const READ_PURPOSES = CONSENT_PURPOSES.filter((p) => p !== 'FURNISHING') as Exclude<ConsentPurpose, 'FURNISHING'>[];
export type ReadPurpose = Exclude<ConsentPurpose, 'FURNISHING'>;

/** An inquiry is an institution's read under a consent purpose, or the borrower's own access (SELF_ACCESS). */
export const INQUIRY_PURPOSES = [...READ_PURPOSES, 'SELF_ACCESS'] as const;
export type InquiryPurpose = ReadPurpose | 'SELF_ACCESS';
/** Hard inquiries (a credit decision was being made) count against the borrower; soft ones never do. */
export const HARD_INQUIRY_PURPOSES: readonly InquiryPurpose[] = ['LOAN_APPLICATION', 'UNDERWRITING', 'GUARANTEE_ELIGIBILITY'];
export const isHardInquiry = (p: InquiryPurpose) => HARD_INQUIRY_PURPOSES.includes(p);

/** Art 25: after the check the record is corrected, stands (verified), is deleted, or cannot be verified (the objection stays attached). */
export const DISPUTE_OUTCOMES = ['CORRECTED', 'VERIFIED', 'DELETED', 'UNVERIFIABLE'] as const;
export type DisputeOutcome = (typeof DISPUTE_OUTCOMES)[number];

/** What a borrower may dispute: a furnished record, an inquiry they never authorised, their identity data, a public record. */
export const DISPUTE_SUBJECTS = ['RECORD', 'INQUIRY', 'IDENTITY', 'PUBLIC_RECORD'] as const;
export type DisputeSubject = (typeof DISPUTE_SUBJECTS)[number];

/** Who changed a past month of a record's history: a dispute's outcome or the furnisher's own correction. */
export const CORRECTION_SOURCES = ['DISPUTE', 'FURNISHER'] as const;
export type CorrectionSource = (typeof CORRECTION_SOURCES)[number];

/** ADVERSE_INFORMATION: 条例 Art 15 prior notice before the first adverse status on an account takes effect. */
export const NOTICE_KINDS = [
  'ADVERSE_INFORMATION',
  'DISPUTE_RESOLVED',
  'HUMAN_REVIEW_RESOLVED',
  'INQUIRY',
  'RECORD_CORRECTED',
  'CONSENT_EXPIRING',
] as const;
export type NoticeKind = (typeof NOTICE_KINDS)[number];
