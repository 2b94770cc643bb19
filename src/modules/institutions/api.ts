/** What other modules may use of the institutions module. */
export { findInstitution, listInstitutions, type InstitutionRow } from './store.js';
export { institutionById, institutionOf } from './loaders.js';
