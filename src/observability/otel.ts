import type { IncomingMessage } from 'node:http';
import { context, propagation, trace } from '@opentelemetry/api';
import { GraphQLInstrumentation } from '@opentelemetry/instrumentation-graphql';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { NodeSDK, type NodeSDKConfiguration } from '@opentelemetry/sdk-node';
import type { TracingConfig } from '../config.js';

export interface Tracing {
  /** Flush the spans still buffered and stop exporting. */
  shutdown(): Promise<void>;
}

/** Probes and scrapes are not traced: they would outnumber the requests. */
const UNTRACED = new Set(['/livez', '/readyz', '/health', '/metrics']);

/**
 * GraphQL over GET carries the document and the variables in the query string: never in a span.
 * (The option replaces the instrumentation's default list, so that list is repeated here.)
 */
const REDACTED_QUERY_PARAMS = ['query', 'variables', 'extensions', 'sig', 'Signature', 'AWSAccessKeyId', 'X-Goog-Signature'];

/**
 * The OpenTelemetry Node SDK with the HTTP and GraphQL instrumentations; the exporter, sampler,
 * propagators and resource come from the standard OTEL_* variables (the SDK reads them itself).
 * Traces only: metrics are Prometheus (/metrics) and logs are pino on stdout. The database spans
 * (`db.transaction`, `db.prepared`) are made by hand in src/db/client.ts.
 *
 * `overrides` is for tests (an in-memory exporter through `spanProcessors`).
 */
export function startTracing(config: TracingConfig, overrides: Partial<NodeSDKConfiguration> = {}): Tracing {
  const instrumentations = [
    new HttpInstrumentation({
      ignoreIncomingRequestHook: (req: IncomingMessage) => UNTRACED.has(new URL(req.url ?? '/', 'http://x').pathname),
      redactedQueryParamsServer: REDACTED_QUERY_PARAMS,
      redactedQueryParams: REDACTED_QUERY_PARAMS,
    }),
    // allowValues false (the default): literals in the document are replaced by "*"
    new GraphQLInstrumentation({ allowValues: false, mergeItems: true, ignoreTrivialResolveSpans: true }),
  ];
  const sdk = new NodeSDK({ serviceName: config.serviceName, instrumentations, metricReaders: [], logRecordProcessors: [], ...overrides });
  sdk.start();
  return {
    async shutdown() {
      await sdk.shutdown();
      // unpatch and unregister, so that a test process can start tracing again
      for (const i of instrumentations) i.disable();
      trace.disable();
      context.disable();
      propagation.disable();
    },
  };
}
