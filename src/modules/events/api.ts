/** What other modules may use of the domain events: the shape of one change (audit entries share it). */
export { appendEvents, type DomainChange } from './store.js';
