/**
 * What other modules and the server may use of webhooks: the fan-out consumer (the monitoring
 * run's `deliveriesQueued`), one pass of the delivery worker, and its schedule.
 */
export { queueDeliveries, deliverDue, scheduleWebhooks, type WebhookDeps, type DeliveryRun } from './worker.js';
