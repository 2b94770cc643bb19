/**
 * The programme's code lists, shared by the SQL schema, the GraphQL schema and the rules.
 * Adding a value here needs a migration (CHECK constraints) and an SDL enum value.
 */
export const ROLES = ['BANK', 'INSURER', 'GOVERNMENT', 'BORROWER', 'ADMIN'] as const;
export type Role = (typeof ROLES)[number];

export const INSTITUTION_KINDS = ['BANK', 'INSURER', 'GOVERNMENT'] as const;
export type InstitutionKind = (typeof INSTITUTION_KINDS)[number];

export const BORROWER_CATEGORIES = [
  'STARTUP_MICRO_ENTERPRISE', // 初创期小微企业
  'RURAL_HOUSEHOLD', // 农村种养殖户
  'INDIVIDUAL_ENTREPRENEUR', // 个人创业者
] as const;
export type BorrowerCategory = (typeof BORROWER_CATEGORIES)[number];

/** COURT_LISTING: the court's list of dishonest judgment debtors (失信被执行人), furnished like any record; open while listed. */
export const ACCOUNT_KINDS = ['LOAN', 'GUARANTEE', 'INSURANCE_POLICY', 'COURT_LISTING'] as const;
export type AccountKind = (typeof ACCOUNT_KINDS)[number];

/** Which institution kinds may furnish which account kinds. */
export const FURNISHABLE_KINDS: Record<'BANK' | 'INSURER', readonly AccountKind[]> = {
  BANK: ['LOAN', 'GUARANTEE', 'COURT_LISTING'],
  INSURER: ['INSURANCE_POLICY', 'GUARANTEE', 'COURT_LISTING'],
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

export const CONSENT_PURPOSES = ['LOAN_APPLICATION', 'UNDERWRITING', 'POST_LOAN_MANAGEMENT'] as const;
export type ConsentPurpose = (typeof CONSENT_PURPOSES)[number];

export const DISPUTE_OUTCOMES = ['CORRECTED', 'VERIFIED', 'DELETED'] as const;
export type DisputeOutcome = (typeof DISPUTE_OUTCOMES)[number];
