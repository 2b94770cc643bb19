/**
 * What each GraphQL object type's resolvers receive as their parent: the row or view the
 * module's service returns. codegen.ts points typescript-resolvers at these names; a type not
 * listed here is typed as a partial of its SDL shape.
 */
export type { Actor as MeParent } from '../auth/actor.js';
export type { InstitutionView as InstitutionParent } from '../modules/institutions/store.js';
export type {
  ApplicationRow as ApplicationParent,
  ReviewRow as ReviewParent,
  PolicyRow as PolicyParent,
  LoanRow as LoanParent,
  InstalmentRow as InstalmentParent,
  RepaymentRow as RepaymentParent,
} from '../modules/lending/store.js';
export type {
  ClaimRow as ClaimParent,
  CourtConfirmationRow as CourtConfirmationParent,
  RecoveryRow as RecoveryParent,
} from '../modules/losses/store.js';
export type { LedgerTransactionView as LedgerTransactionParent, RiskReserveView as RiskReserveParent } from '../modules/ledger/store.js';
export type { DisputeView as DisputeParent } from '../modules/disputes/store.js';
export type { ParameterVersion as ProgrammeParametersParent } from '../modules/parameters/service.js';
export type { LeagueRowView as LeagueRowParent } from '../modules/metrics/service.js';
export type { AuditEntryView as AuditEntryParent } from '../modules/audit/service.js';
export type { AccountView as CreditAccountParent, BorrowerView as BorrowerParent } from '../modules/credit/store.js';
export type { InquiryView as InquiryRecordParent } from '../modules/credit/profile.js';
export type { ProfileView as CreditProfileParent, CustomerNode as CustomerParent } from '../modules/credit/service.js';
export type { ConsentRow as ConsentParent } from '../modules/consent/store.js';
export type { NoticeView as NoticeParent } from '../modules/credit/notices.js';
export type { PublicRecordView as PublicRecordParent } from '../modules/records/api.js';
export type { DecisionView as DecisionParent } from '../modules/lending/decisions.js';
export type { HumanReviewRow as HumanReviewParent } from '../modules/lending/decisionStore.js';
