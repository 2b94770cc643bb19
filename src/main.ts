// first: OpenTelemetry must patch http and graphql before they load (a no-op without OTEL_* settings)
import { shutdownTracing } from './observability/tracing.js';
import { createApp } from './app.js';
import { ifElected } from './db/locks.js';
import { loadConfigOrExit } from './config.js';
import { openConfiguredDatabase, openReadDatabase } from './db/open.js';
import { hasData, loadDemoData } from './demo/load.js';
import { prepareEmbeddedDatabase } from './demo/template.js';
import { demoLogins } from './demo/tokens.js';
import { createHttpServer, listen } from './http/server.js';
import { Lifecycle } from './http/lifecycle.js';
import { createLogger } from './logger.js';
import { scheduleAgeing } from './modules/lending/ageing.js';
import { scheduleEventProcessing } from './modules/monitoring/api.js';
import { scheduleWebhooks } from './modules/webhooks/api.js';
import { createDashboardRoute, offersDemoIdentities } from './dashboard/route.js';
import { graphiqlRoute } from './http/graphiql.js';

// start: config → db → migrate → (demo data) → HTTP server
const config = loadConfigOrExit();
const log = createLogger(config);
const started = Date.now();
await prepareEmbeddedDatabase(config); // a new embedded database starts as a copy of the migrated template
const db = await openConfiguredDatabase(config);
log.info({ driver: db.driver, ms: Date.now() - started }, 'database migrated');

if (config.demo.mode === 'auto' && !(await hasData(db))) {
  const t = Date.now();
  const s = await loadDemoData(db, {
    seed: config.demo.seed,
    borrowers: config.demo.borrowers,
    asOf: new Date(),
    pepper: config.nationalIdPepper,
  });
  log.info({ ...s, sample: undefined, ms: Date.now() - t }, 'demo data loaded');
}

const readDb = await openReadDatabase(config, db);
const app = await createApp({ config, db, readDb, log });
const stopAgeing = config.ageingIntervalMinutes > 0 ? scheduleAgeing(app, config.ageingIntervalMinutes) : () => {};
// the domain-event consumers (alerts, notices), on the replica that wins each tick
const stopEvents = config.eventIntervalSeconds > 0 ? scheduleEventProcessing(app, config.eventIntervalSeconds) : () => {};
// webhook fan-out and delivery on every replica: the consumer's cursor lock and SKIP LOCKED share the work
const stopWebhooks =
  config.webhooks.intervalMs > 0
    ? scheduleWebhooks({ db, config, clock: app.clock, log }, config.webhooks.intervalMs)
    : () => Promise.resolve();
// old rate-limit windows go every ten minutes, on whichever replica wins the tick
const pruneRateLimits = setInterval(() => {
  ifElected(config.databaseUrl, 'job:prune-rate-limits', () => app.rateLimiter.prune(new Date())).catch((err) =>
    log.warn({ err }, 'rate-limit prune failed'),
  );
}, 600_000);
pruneRateLimits.unref();
const lifecycle = new Lifecycle();
const dashboard = createDashboardRoute(app, { oidc: config.dashboardOidc ?? undefined });
const server = createHttpServer(app, [dashboard, graphiqlRoute(config.production)], lifecycle);
const port = await listen(server, config.port, config.host).catch((err: NodeJS.ErrnoException) => {
  console.error(err.code === 'EADDRINUSE' ? `Port ${config.port} is in use: set PORT to another port.` : `Cannot listen: ${err.message}`);
  process.exit(1);
});
const url = `http://localhost:${port}/graphql`;

const lines = [
  `\nCredit-information platform ready in ${Date.now() - started} ms (${db.driver}).`,
  `GraphQL:   ${url}`,
  `Dashboard: http://localhost:${port}/dashboard  (${[
    ...(config.dashboardOidc ? ['sign in with the OpenID provider'] : []),
    ...(offersDemoIdentities(config) ? ['pick a demo identity'] : []),
    'paste a GOVERNMENT token',
  ].join(', or ')})`,
  ...(config.production ? [] : [`GraphiQL:  http://localhost:${port}/graphiql  (offline IDE; put a token in its Headers tab)`]),
];
if (config.jwt.mode === 'hs256' && config.jwt.isDevSecret) {
  lines.push('\nDevelopment tokens (dev secret; valid 30 days). Send as  Authorization: Bearer <token>');
  for (const l of await demoLogins(config, db)) lines.push(`\n  ${l.role.padEnd(10)} ${l.note}\n  ${l.token}`);
  lines.push('\nMore: npm run token -- --role BANK --inst saibei-rural-bank   (see README)');
}
console.log(lines.join('\n'));

let stopping = false;
/**
 * SIGTERM: stop accepting; answer new requests on kept-alive connections 503 + Retry-After; let
 * the requests already running finish (up to SHUTDOWN_GRACE_MS); only then stop the jobs,
 * Apollo and the database.
 */
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  log.info({ signal, inFlight: lifecycle.inFlight, graceMs: config.shutdownGraceMs }, 'shutting down: draining');
  setTimeout(() => process.exit(1), config.shutdownGraceMs + 10_000).unref();
  const drained = await lifecycle.drain(server, config.shutdownGraceMs);
  log.info(drained, 'drained');
  stopAgeing();
  stopEvents();
  await stopWebhooks();
  clearInterval(pruneRateLimits);
  await app.stop();
  if (readDb !== db) await readDb.close();
  await db.close();
  await shutdownTracing();
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
