import type { AccountKind, AccountStatus, BorrowerCategory, ConsentPurpose } from '../domain.js';

/* The demo's borrower-side rows, named by their table columns (the loader inserts them as JSON). */

export interface DemoOptions {
  seed: number;
  borrowers: number;
  /** The instant the data is generated "as of"; dates are placed relative to it. */
  asOf: Date;
  pepper: string;
  /** Fixed number of furnished accounts per borrower (benchmarks); otherwise 1 to 4, as in life. */
  accountsPerBorrower?: number;
  /** Fixed number of inquiries per borrower (benchmarks). */
  inquiriesPerBorrower?: number;
  /** Give every borrower an active consent to every bank and insurer (benchmarks). */
  consentAll?: boolean;
}

export interface BorrowerRow {
  id: string;
  name: string;
  category: BorrowerCategory;
  national_id_hash: string;
  national_id_masked: string;
  county: string;
  sector: string;
  registered_on: string;
  created_at: string;
}
export interface AccountRow {
  id: string;
  institution_id: string;
  borrower_id: string;
  account_ref: string;
  kind: AccountKind;
  original_amount: string;
  balance: string;
  opened_on: string;
  closed_on: string | null;
  status: AccountStatus;
  status_month: string;
  payment_history: string;
  /** The FURNISHING consent the account was first reported under. */
  furnishing_consent_id: string | null;
  created_at: string;
  updated_at: string;
}
export interface ConsentRow {
  id: string;
  borrower_id: string;
  institution_id: string;
  purpose: ConsentPurpose;
  granted_at: string;
  expires_at: string;
  revoked_at: string | null;
  /** FURNISHING only: the account kinds it allows. */
  scope: AccountKind[] | null;
}
export interface InquiryRow {
  id: string;
  borrower_id: string;
  institution_id: string;
  user_id: string;
  purpose: ConsentPurpose;
  consent_id: string;
  inquired_at: string;
}
export interface CustomerRow {
  institution_id: string;
  borrower_id: string;
  since: string;
}

export interface BorrowerBundle {
  borrower: BorrowerRow;
  /** Plain national id: only for the demo printout, never stored. */
  nationalId: string;
  customers: CustomerRow[];
  accounts: AccountRow[];
  consents: ConsentRow[];
  inquiries: InquiryRow[];
}
