/** The stable error codes clients may branch on. Nothing else leaves the server. */
export const ErrorCode = {
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  NOT_FOUND: 'NOT_FOUND',
  CONFLICT: 'CONFLICT',
  /** The database or the server is not able to answer now; safe to retry with the same idempotency key. */
  SERVICE_UNAVAILABLE: 'SERVICE_UNAVAILABLE',
  INTERNAL_SERVER_ERROR: 'INTERNAL_SERVER_ERROR',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export const PUBLIC_CODES = new Set<string>([
  ErrorCode.UNAUTHENTICATED,
  ErrorCode.FORBIDDEN,
  ErrorCode.BAD_USER_INPUT,
  ErrorCode.NOT_FOUND,
  ErrorCode.CONFLICT,
  ErrorCode.SERVICE_UNAVAILABLE,
  // answered by the HTTP layer with 429 and Retry-After
  'RATE_LIMITED',
  // Produced by graphql-js / Apollo before execution; safe to pass through.
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
  'BAD_REQUEST',
]);

/**
 * An expected refusal with a stable code. A plain Error (the domain does not import graphql):
 * graphql-js copies `extensions` from the error it wraps, and src/graphql/apollo.ts formats it.
 */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly extensions: Readonly<Record<string, unknown>>;
  constructor(code: ErrorCode, message: string, extra: Record<string, unknown> = {}) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.extensions = { code, ...extra };
  }
}

export const unauthenticated = (message = 'Authentication required') => new AppError(ErrorCode.UNAUTHENTICATED, message);
export const forbidden = (message = 'Not allowed') => new AppError(ErrorCode.FORBIDDEN, message);
export const badInput = (message: string, extra: Record<string, unknown> = {}) => new AppError(ErrorCode.BAD_USER_INPUT, message, extra);
/** "Not found or no access": never tells one institution whether another's record exists. */
export const notFound = (what: string) => new AppError(ErrorCode.NOT_FOUND, `${what} not found`);
export const unavailable = (message = 'Service temporarily unavailable; retry shortly') =>
  new AppError(ErrorCode.SERVICE_UNAVAILABLE, message);
export const conflict = (message: string, extra: Record<string, unknown> = {}) => new AppError(ErrorCode.CONFLICT, message, extra);

/** Postgres SQLSTATEs a store maps to typed errors. */
export const PgCode = {
  uniqueViolation: '23505',
  foreignKeyViolation: '23503',
  checkViolation: '23514',
  serializationFailure: '40001',
  deadlockDetected: '40P01',
} as const;

/**
 * SQLSTATE classes and driver/socket codes that mean the connection, not the request, failed.
 * 25006 (read_only_sql_transaction): the session's server is, or has just become, a standby (a
 * failover demoted it); nothing was written, so the request is as safe to retry as a refused one.
 */
const CONNECTION_SQLSTATES = /^(08...|57P01|57P02|57P03|53300|25006)$/;
const CONNECTION_CODES = new Set([
  // src/db/client.ts: no host of a multi-host URL is a primary now (a failover in progress)
  'NO_PRIMARY',
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  'CONNECT_TIMEOUT',
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
]);

/** A lost, terminated or refused database connection (pg_terminate_backend, a restart, a failover). */
export function isConnectionError(err: unknown): boolean {
  let e: unknown = err;
  for (let i = 0; i < 4 && e && typeof e === 'object'; i++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && (CONNECTION_CODES.has(code) || CONNECTION_SQLSTATES.test(code))) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

export function pgErrorCode(err: unknown): string | undefined {
  let e: unknown = err;
  // drizzle wraps driver errors in DrizzleQueryError with `cause`
  for (let i = 0; i < 3 && e && typeof e === 'object'; i++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}
