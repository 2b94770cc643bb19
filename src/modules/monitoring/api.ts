/**
 * What other modules and the server may use of monitoring: the consumers' run (processEvents and
 * its schedule), the consumer framework over the domain-event outbox, and the alert rules.
 */
export {
  runEventConsumers,
  scheduleEventProcessing,
  alertView,
  MONITORING_CONSUMER,
  type AlertView,
  type EventProcessing,
} from './service.js';
export { cursorOf, ensureConsumer, highWaterMark, runBatch, type Batch } from './consumers.js';
export { ALERT_RULES, ALERT_SEVERITIES, MONITORING_BASES, type AlertRule, type AlertSeverity, type MonitoringBasis } from './rules.js';
