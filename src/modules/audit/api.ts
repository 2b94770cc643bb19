/** What other modules may use of the audit trail: reads of personal data append here (commands use record()). */
export { appendAudit, type AuditEvent } from './store.js';
