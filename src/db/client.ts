import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SpanKind, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import type { SQL } from 'drizzle-orm';
import { PgDialect, type PgDatabase, type PgQueryResultHKT, type PgTransaction } from 'drizzle-orm/pg-core';
import type { ExtractTablesWithRelations } from 'drizzle-orm';
import type postgres from 'postgres';
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
}

export async function openDatabase(opts: OpenOptions): Promise<Database> {
  const stats = { statements: 0 };
  const logger = { logQuery: () => void stats.statements++ };
  if (opts.url) {
    const { default: postgres } = await import('postgres');
    const { drizzle } = await import('drizzle-orm/postgres-js');
    const client = postgres(opts.url, {
      max: opts.poolSize ?? 10,
      onnotice: () => {},
      // numeric and bigint stay strings: money is never a JS float
      types: {},
      // No array-type lookup on connect: the platform reads no SQL arrays, and that lookup's
      // rejection has no handler when the new connection is killed (an unhandled rejection
      // ends a Node process). A refused server also answers fast: requests fail with 503, not hang.
      fetch_types: false,
      connect_timeout: 5,
      connection: { application_name: 'credit-share' },
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
