/**
 * Tracing preload: load it before the application so that the HTTP and GraphQL modules are
 * instrumented when they are first imported:
 *
 *   node --import ./dist/observability/tracing.js dist/main.js
 *   tsx --import ./src/observability/tracing.ts src/main.ts        (development)
 *
 * It starts the OpenTelemetry SDK only when the OTEL_* variables ask for traces (see
 * loadTracingConfig in src/config.ts and docs/operations.md); otherwise it does nothing.
 * Importing it again (from main.ts, for `shutdownTracing`) does not start a second SDK.
 */
import { loadTracingConfig } from '../config.js';
import type { Tracing } from './otel.js';

const KEY = Symbol.for('credit-share.tracing');
const holder = globalThis as typeof globalThis & { [KEY]?: Tracing | null };

if (holder[KEY] === undefined) {
  const config = loadTracingConfig();
  // the SDK and its instrumentations are loaded only when tracing is on (they cost memory and start-up time)
  holder[KEY] = config.enabled ? (await import('./otel.js')).startTracing(config) : null;
}

/** Flush buffered spans (call on shutdown, before process.exit); a no-op when tracing is off. */
export async function shutdownTracing(): Promise<void> {
  const tracing = holder[KEY];
  holder[KEY] = null;
  await tracing?.shutdown();
}
