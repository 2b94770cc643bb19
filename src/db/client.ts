import { mkdirSync } from 'node:fs';
import net from 'node:net';
import { Duplex } from 'node:stream';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SpanKind, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import type { SQL } from 'drizzle-orm';
import { PgDialect, type PgDatabase, type PgQueryResultHKT, type PgTransaction } from 'drizzle-orm/pg-core';
import type { ExtractTablesWithRelations } from 'drizzle-orm';
import type postgres from 'postgres';
import { parseDatabaseUrl, type DatabaseUrlParts } from '../config.js';
import * as schema from './schema/index.js';

export type Schema = typeof schema;
export type Orm = PgDatabase<PgQueryResultHKT, Schema>;
export type Tx = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;
/** Stores accept either the database or an open transaction. */
export type Executor = Orm | Tx;

export interface Database {
  orm: Orm;
  driver: 'pglite' | 'postgres';
  /**
   * A hot-path statement, prepared once per connection on PostgreSQL (postgres.js names it by
   * its text), so the planner's work is not repeated on every request.
   */
  prepared<T = Record<string, unknown>>(query: SQL): Promise<T[]>;
  /**
   * The one way to open a transaction. Tests wrap it (test/helpers/failing-db.ts) to prove
   * that a failure before commit leaves nothing behind; nothing else does.
   */
  transaction<T>(run: (tx: Tx) => Promise<T>): Promise<T>;
  /** Statements sent through drizzle since open; tests use it to prove batching. */
  stats: { statements: number };
  /**
   * What holds a connection now: open transactions and running `prepared` statements, and the
   * pool's size (1 for PGlite). postgres.js exposes no pool statistics; /metrics derives the
   * pool's in-use and waiting gauges from these.
   */
  activity: { transactions: number; prepared: number; poolSize: number };
  close(): Promise<void>;
}

export const MIGRATIONS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../migrations');

export interface OpenOptions {
  url?: string;
  /** PGlite data directory; `memory://` or undefined for in-memory. */
  dataDir?: string;
  poolSize?: number;
  /** PGlite only: start from a dumped data directory (tests use a pre-migrated one). */
  loadDataDir?: Blob | File;
  /** PostgreSQL's application_name for this pool's sessions (default `credit-share`). */
  applicationName?: string;
}

/** postgres.js options, with `socket` (a documented option its type declarations leave out). */
export type ConnectionOptions = Partial<postgres.Options<Record<string, never>>> & {
  socket?: () => Promise<net.Socket | Duplex>;
};

/** Seconds to wait for one host to accept a connection (a dead host, not a refusing one, costs this much). */
const CONNECT_TIMEOUT_S = 5;

/** The URL handed to postgres.js: one host (the host list is this module's), no target_session_attrs. */
export function connectionUrl(url: string): string {
  return parseDatabaseUrl(url).singleHostUrl;
}

/**
 * postgres.js options for a URL of one host or several (`host1:p1,host2:p2`), so that a pool,
 * a lock's session and the failover test find the primary the same way. Two things postgres.js
 * 3.4 does not do, done here:
 *
 * - `target_session_attrs=read-write` there accepts a hot standby on PostgreSQL 14 and later (it
 *   reads `default_transaction_read_only`, which a standby reports as off): it is checked here as
 *   `primary` (not in recovery), which is what the URL means for pg_auto_failover's nodes.
 * - with several hosts and none of them able to serve (all refuse, or all are standbys, as in the
 *   seconds of a failover), postgres.js retries the list forever and every query waits. Here
 *   each new connection asks the hosts in turn (the last good one first) and, when none serves,
 *   fails at once with `NO_PRIMARY`: the request answers SERVICE_UNAVAILABLE (HTTP 503), it
 *   does not hang. A connection that dies mid-transaction fails its statement (ECONNRESET,
 *   CONNECTION_CLOSED, 57P01), which the command helper retries once or answers with 503.
 */
export async function connectionOptions(url: string): Promise<ConnectionOptions> {
  const parts = parseDatabaseUrl(url);
  const tsa = parts.targetSessionAttrs;
  const wanted = tsa === 'read-write' ? 'primary' : tsa === 'read-only' ? 'standby' : tsa;
  // postgres.js waits up to 20 s between reconnects after repeated errors (3^n/100 s): after a
  // failover killed every connection, the pool would sit out the new primary's first seconds
  const base = { connect_timeout: CONNECT_TIMEOUT_S, backoff: (retries: number) => Math.min(0.05 * retries, 1) };
  if (parts.hosts.length === 1) {
    // one host: postgres.js fails its query when the host does not match (nothing to retry forever)
    return { ...base, ...(wanted && wanted !== 'any' ? { target_session_attrs: wanted } : {}) };
  }
  const { default: postgres } = await import('postgres');
  const first = parts.hosts[0];
  return {
    ...base,
    host: first.host,
    port: first.port,
    // the host picked below may change role before the session starts: postgres.js checks once more
    ...(wanted === 'primary' || wanted === 'standby' ? { target_session_attrs: wanted } : {}),
    socket: hostPicker(parts, wanted ?? 'any', (host, port) =>
      postgres(parts.singleHostUrl, {
        host,
        port,
        max: 1,
        connect_timeout: CONNECT_TIMEOUT_S,
        fetch_types: false,
        onnotice: () => {},
        connection: { application_name: 'credit-share-probe' },
      }),
    ),
  };
}

type Probe = (host: string, port: number) => postgres.Sql;

/** Whether the server at host:port is in recovery (a standby), asked on a short-lived session of its own. */
async function inRecovery(probe: Probe, host: string, port: number): Promise<boolean> {
  const sql = probe(host, port);
  try {
    const [row] = await sql<{ recovery: boolean }[]>`select pg_catalog.pg_is_in_recovery() as recovery`;
    return row.recovery;
  } finally {
    await sql.end({ timeout: 1 });
  }
}

function tcpConnect(host: string, port: number, timeoutMs: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(Object.assign(new Error(`connect to ${host}:${port} timed out`), { code: 'CONNECT_TIMEOUT' }));
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.removeAllListeners('error');
      resolve(socket);
    });
    socket.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

/**
 * A socket that fails with `err` as soon as postgres.js listens to it. Throwing from the `socket`
 * option instead would fail the query but leave the pool's connection stuck in its connecting
 * state (postgres.js 3.4 never closes it), so that later queries wait forever.
 */
function failedSocket(err: Error): Duplex {
  const stub = new Duplex({ read() {}, write: (_chunk, _enc, done) => done() });
  setImmediate(() => stub.destroy(err));
  return stub;
}

/** postgres.js's `socket` option: a connected socket to the first host (the last good one first) that has the wanted role. */
function hostPicker(parts: DatabaseUrlParts, wanted: string, probe: Probe) {
  let preferred = 0;
  return async (): Promise<net.Socket | Duplex> => {
    const n = parts.hosts.length;
    let lastError: unknown = null;
    const order = Array.from({ length: n }, (_, i) => (preferred + i) % n);
    // prefer-standby: a standby first, else any host that answers
    const passes = wanted === 'prefer-standby' ? ['standby', 'any'] : [wanted];
    for (const role of passes) {
      for (const i of order) {
        const { host, port } = parts.hosts[i];
        try {
          if (role === 'primary' || role === 'standby') {
            const recovery = await inRecovery(probe, host, port);
            if ((role === 'primary') === recovery) continue;
          }
          const socket = await tcpConnect(host, port, CONNECT_TIMEOUT_S * 1000);
          preferred = i;
          return socket;
        } catch (err) {
          lastError = err;
        }
      }
    }
    const hosts = parts.hosts.map((h) => `${h.host}:${h.port}`).join(',');
    return failedSocket(
      Object.assign(new Error(`no ${wanted === 'any' ? 'reachable' : wanted} server among ${hosts}`), {
        code: 'NO_PRIMARY',
        cause: lastError,
      }),
    );
  };
}

export async function openDatabase(opts: OpenOptions): Promise<Database> {
  const stats = { statements: 0 };
  const logger = { logQuery: () => void stats.statements++ };
  if (opts.url) {
    const { default: postgres } = await import('postgres');
    const { drizzle } = await import('drizzle-orm/postgres-js');
    const client = postgres(connectionUrl(opts.url), {
      ...(await connectionOptions(opts.url)),
      max: opts.poolSize ?? 10,
      onnotice: () => {},
      // numeric and bigint stay strings: money is never a JS float
      types: {},
      // No array-type lookup on connect: the platform reads no SQL arrays, and that lookup's
      // rejection has no handler when the new connection is killed (an unhandled rejection
      // ends a Node process). A refused server also answers fast: requests fail with 503, not hang.
      fetch_types: false,
      connection: { application_name: opts.applicationName ?? 'credit-share' },
    });
    const orm = drizzle({ client, schema, logger }) as unknown as Orm;
    const dialect = new PgDialect();
    const activity = { transactions: 0, prepared: 0, poolSize: opts.poolSize ?? 10 };
    return {
      orm,
      driver: 'postgres',
      stats,
      activity,
      async prepared<T>(query: SQL) {
        stats.statements++;
        const q = dialect.sqlToQuery(query);
        return observed(
          activity,
          'prepared',
          () => q.sql,
          async () => (await client.unsafe(q.sql, q.params as postgres.ParameterOrJSON<never>[], { prepare: true })) as unknown as T[],
        );
      },
      transaction: (run) => observed(activity, 'transactions', null, () => orm.transaction(run)),
      close: () => client.end({ timeout: 5 }),
    };
  }
  const { PGlite } = await import('@electric-sql/pglite');
  const { drizzle } = await import('drizzle-orm/pglite');
  const dataDir = opts.dataDir;
  if (dataDir && !dataDir.startsWith('memory://')) {
    mkdirSync(dataDir, { recursive: true });
  }
  const client = await PGlite.create({ dataDir, loadDataDir: opts.loadDataDir });
  const orm = drizzle({ client, schema, logger }) as unknown as Orm;
  const activity = { transactions: 0, prepared: 0, poolSize: 1 };
  const dialect = new PgDialect();
  return {
    orm,
    driver: 'pglite',
    stats,
    activity,
    prepared: (query) =>
      observed(
        activity,
        'prepared',
        () => dialect.sqlToQuery(query).sql,
        () => rows(orm, query),
      ),
    transaction: (run) => observed(activity, 'transactions', null, () => orm.transaction(run)),
    close: () => client.close(),
  };
}

const tracer = trace.getTracer('credit-share/db');

/**
 * A transaction or prepared statement, counted while it runs and traced as a client span
 * (`db.transaction`, `db.prepared`): no SQL parameters, only the parameterized text. postgres.js
 * has no auto-instrumentation; without an OpenTelemetry SDK the span is a no-op.
 */
function observed<T>(
  activity: Database['activity'],
  kind: 'transactions' | 'prepared',
  text: (() => string) | null,
  run: () => Promise<T>,
): Promise<T> {
  const name = kind === 'transactions' ? 'db.transaction' : 'db.prepared';
  const attributes = { 'db.system': 'postgresql', 'db.system.name': 'postgresql' };
  // a transaction encloses the command's own work too: an internal span; a statement is a client call
  const spanKind = kind === 'transactions' ? SpanKind.INTERNAL : SpanKind.CLIENT;
  return tracer.startActiveSpan(name, { kind: spanKind, attributes }, async (span: Span) => {
    if (text && span.isRecording()) span.setAttribute('db.query.text', text());
    activity[kind]++;
    try {
      return await run();
    } catch (err) {
      // the SQLSTATE or the error's class, never its message (it may quote a value)
      const code =
        err && typeof err === 'object' && 'code' in err && typeof err.code === 'string'
          ? err.code
          : err instanceof Error
            ? err.name
            : 'error';
      span.setAttribute('error.type', code);
      span.setStatus({ code: SpanStatusCode.ERROR });
      throw err;
    } finally {
      activity[kind]--;
      span.end();
    }
  });
}

/**
 * Raw SQL rows, whichever driver answered (postgres.js returns an array, PGlite `{rows}`).
 * Pass instants as ISO strings in raw SQL: drizzle leaves postgres.js without a Date serializer.
 */
export async function rows<T = Record<string, unknown>>(q: Executor, query: SQL): Promise<T[]> {
  const r = (await q.execute(query)) as unknown as T[] | { rows: T[] };
  return Array.isArray(r) ? r : r.rows;
}

export async function one<T = Record<string, unknown>>(q: Executor, query: SQL): Promise<T | undefined> {
  return (await rows<T>(q, query))[0];
}
