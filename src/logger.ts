import pino, { type DestinationStream } from 'pino';
import type { Config } from './config.js';

export type { Logger } from 'pino';

/**
 * Logs never carry personal data. A database error's message holds the failed statement and
 * its parameters (names, id hashes), and PostgreSQL's `detail` can quote a row: the error
 * serializer keeps only what an operator needs to find the fault (kind, SQLSTATE, constraint,
 * where in the code), and the redaction paths catch personal fields passed by mistake.
 */
const PERSONAL = ['name', 'nationalId', 'nationalIdHash', 'national_id_hash', 'reason', 'statement', 'variables', 'params', 'detail'];

/**
 * The first line of a message, cut before any SQL text or parameter list, with quoted text
 * withheld: PostgreSQL quotes the offending value (`invalid input syntax for type integer: "王…"`).
 */
function scrub(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  const first = text.split('\n')[0];
  if (first.startsWith('Failed query:')) return 'Failed query (statement and parameters withheld)';
  return first
    .replace(/"[^"]*"/g, '"…"')
    .replace(/'[^']*'/g, "'…'")
    .slice(0, 300);
}

/** The call frames only: a stack starts with the (multi-line) message, which may hold parameters. */
const framesOf = (stack: string | undefined) =>
  stack
    ?.split('\n')
    .filter((l) => /^\s+at /.test(l))
    .slice(0, 8)
    .join('\n');

interface ErrorLike {
  name?: string;
  message?: string;
  stack?: string;
  code?: unknown;
  constraint_name?: unknown;
  constraint?: unknown;
  table_name?: unknown;
  cause?: unknown;
}

export function serializeError(err: unknown, depth = 0): Record<string, unknown> | undefined {
  if (!err || typeof err !== 'object' || depth > 3) return undefined;
  const e = err as ErrorLike;
  return {
    type: e.name ?? e.constructor?.name,
    message: scrub(e.message),
    code: typeof e.code === 'string' ? e.code : undefined,
    constraint: e.constraint_name ?? e.constraint,
    table: e.table_name,
    stack: framesOf(e.stack),
    cause: serializeError(e.cause, depth + 1),
  };
}

export function createLogger(config: Pick<Config, 'logLevel' | 'env'>, destination?: DestinationStream) {
  return pino(
    {
      level: config.logLevel,
      base: undefined,
      serializers: { err: (e: unknown) => serializeError(e) },
      redact: {
        paths: [
          'req.headers.authorization',
          'headers.authorization',
          'authorization',
          'token',
          ...PERSONAL,
          ...PERSONAL.map((p) => `*.${p}`),
        ],
        censor: '[redacted]',
      },
    },
    destination,
  );
}
