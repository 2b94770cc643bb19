import type { DeliveryRow, EndpointRow } from './store.js';

/** An endpoint as the API shows it: never its secrets (registration and rotation add the new one). */
export function endpointView(e: EndpointRow) {
  return {
    id: e.id,
    url: e.url,
    eventTypes: e.eventTypes as string[],
    createdAt: e.createdAt,
    disabledAt: e.disabledAt,
    secret: null as string | null,
  };
}

/** A delivery as the API shows it: not its payload (the alert is in `alerts`). */
export function deliveryView(d: DeliveryRow) {
  return {
    id: d.id,
    endpointId: d.endpointId,
    messageId: d.messageId,
    eventType: d.eventType,
    status: d.status as 'PENDING' | 'DELIVERED' | 'DEAD',
    attempts: d.attempts,
    nextAttemptAt: d.nextAttemptAt,
    lastStatusCode: d.lastStatusCode,
    lastError: d.lastError,
    createdAt: d.createdAt,
    deliveredAt: d.deliveredAt,
  };
}
