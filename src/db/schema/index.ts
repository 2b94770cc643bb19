export * from './institutions.js';
export * from './borrowers.js';
export * from './credit.js';
export * from './audit.js';
export * from './lending.js';
export * from './ledger.js';
export * from './losses.js';

export * from './metrics.js';
export * from './events.js';
export * from './ratelimit.js';
export * from './monitoring.js';
