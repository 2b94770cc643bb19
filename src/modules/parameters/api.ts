/** What other modules may use of the programme parameters: the version a decision used, or the one in force. */
export { parameterVersion, parametersInForce, requireVersion, type ParameterVersion } from './versions.js';
export type { ProgrammeParameters } from './rules.js';
export { MONITORING_DEFAULTS } from './rules.js';
