/**
 * What each GraphQL object type's resolvers receive as their parent: the row or view the
 * module's service returns. codegen.ts points typescript-resolvers at these names; a type not
 * listed here is typed as a partial of its SDL shape.
 */
export type { Actor as MeParent } from '../auth/actor.js';
export type { InstitutionRow as InstitutionParent } from '../modules/institutions/store.js';
export type { ApplicationRow as ApplicationParent, ReviewRow as ReviewParent, PolicyRow as PolicyParent, LoanRow as LoanParent, InstalmentRow as InstalmentParent } from '../modules/lending/store.js';
export type { ClaimRow as ClaimParent } from '../modules/losses/store.js';
export type { DisputeView as DisputeParent } from '../modules/disputes/store.js';
export type { ParameterVersion as ProgrammeParametersParent } from '../modules/parameters/service.js';
export type { AccountView as CreditAccountParent } from '../modules/credit/store.js';
export type { ConsentRow as ConsentParent } from '../modules/consent/store.js';
