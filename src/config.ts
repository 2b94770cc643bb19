import { z } from 'zod';

/**
 * The one place that reads the environment. Everything else receives a typed `Config`.
 * Tests build their own with `loadConfig({...})`.
 */
const DEV_JWT_SECRET = 'dev-only-secret-do-not-use-in-production-0123456789';
const DEV_PEPPER = 'dev-only-national-id-pepper';

/** The OpenTelemetry SDK reads its own OTEL_* variables; these decide only whether tracing starts. */
const otelSchema = {
  OTEL_SDK_DISABLED: z.string().optional(),
  OTEL_TRACES_EXPORTER: z.string().optional(),
  OTEL_EXPORTER_OTLP_ENDPOINT: z.string().optional(),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: z.string().optional(),
  OTEL_SERVICE_NAME: z.string().optional(),
};

const schema = z
  .object({
    ...otelSchema,
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    HOST: z.string().default('0.0.0.0'),
    PORT: z.coerce.number().int().min(0).max(65535).default(4000),
    /** PostgreSQL; a comma-separated host list finds the primary (`?target_session_attrs=read-write`, see databaseUrlProblem). */
    DATABASE_URL: z
      .string()
      .refine((u) => !databaseUrlProblem(u), { error: (i) => databaseUrlProblem(String(i.input)) ?? 'invalid' })
      .optional(),
    /** Optional: a replica (or host list) for reads that tolerate replication lag; unset, they go to DATABASE_URL. */
    READ_DATABASE_URL: z
      .string()
      .refine((u) => !databaseUrlProblem(u), { error: (i) => databaseUrlProblem(String(i.input)) ?? 'invalid' })
      .optional(),
    DATA_DIR: z.string().default('./data'),
    /** Where migrated PGlite templates are kept (src/demo/template.ts); unset: node_modules/.cache/credit-share. */
    PGLITE_TEMPLATE_CACHE: z.string().min(1).optional(),
    DB_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
    JWT_SECRET: z.string().min(32, 'JWT_SECRET must be at least 32 characters').optional(),
    JWT_JWKS_URL: z.string().url().optional(),
    JWT_ISSUER: z.string().optional(),
    JWT_AUDIENCE: z.string().optional(),
    /** The dashboard's sign-in through the finance bureau's OpenID provider (authorization code + PKCE). */
    DASHBOARD_OIDC_ISSUER: z.string().url().optional(),
    DASHBOARD_OIDC_CLIENT_ID: z.string().min(1).optional(),
    DASHBOARD_OIDC_SCOPE: z.string().optional(),
    NATIONAL_ID_PEPPER: z.string().min(16).optional(),
    // unset: 'auto' in development and test, 'off' in production (demo data only on explicit opt-in)
    DEMO_DATA: z.enum(['auto', 'off']).optional(),
    DEMO_BORROWERS: z.coerce.number().int().min(10).max(5_000_000).default(2000),
    DEMO_SEED: z.coerce.number().int().default(20140601),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    GRAPHQL_MAX_DEPTH: z.coerce.number().int().min(2).default(10),
    // values a query could return, counting list sizes (src/graphql/list-cost.ts)
    GRAPHQL_MAX_COST: z.coerce.number().int().min(10).default(100_000),
    GRAPHQL_MAX_ALIASES: z.coerce.number().int().min(1).default(15),
    AGEING_INTERVAL_MINUTES: z.coerce.number().int().min(0).default(0),
    /** The domain-event consumers (monitoring alerts, notices) every this many seconds, on one replica; 0 (the default) turns the schedule off. */
    EVENT_INTERVAL_SECONDS: z.coerce.number().int().min(0).max(86_400).default(0),
    /** On SIGTERM, how long in-flight requests may take to finish before connections are cut. */
    SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).max(600_000).default(10_000),
    /** Requests a minute per institution (or borrower, or admin user), and per client address; 0 turns a limit off. */
    RATE_LIMIT_ACTOR_PER_MINUTE: z.coerce.number().int().min(0).default(6000),
    RATE_LIMIT_IP_PER_MINUTE: z.coerce.number().int().min(0).default(6000),
    /** Webhook fan-out and delivery, on every replica (SKIP LOCKED shares the work); 0 turns it off. */
    WEBHOOK_INTERVAL_MS: z.coerce.number().int().min(0).default(1000),
    /** Retry n waits min(1 h, base·2^n) × random(0.5..1). */
    WEBHOOK_RETRY_BASE_MS: z.coerce.number().int().min(1).default(5000),
    /** Attempts before a delivery is DEAD (replayDeliveries queues it again). */
    WEBHOOK_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(8),
    WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
    /** Tests only: let webhooks go to 127.0.0.1 / ::1 (refused in production). */
    WEBHOOK_ALLOW_LOOPBACK: z.enum(['true', 'false']).default('false'),
  })
  .superRefine((env, ctx) => {
    if (env.READ_DATABASE_URL && !env.DATABASE_URL) {
      ctx.addIssue({ code: 'custom', path: ['READ_DATABASE_URL'], message: 'needs DATABASE_URL (the primary) too' });
    }
    if (!!env.DASHBOARD_OIDC_ISSUER !== !!env.DASHBOARD_OIDC_CLIENT_ID) {
      ctx.addIssue({ code: 'custom', message: 'DASHBOARD_OIDC_ISSUER and DASHBOARD_OIDC_CLIENT_ID go together' });
    }
    if (env.JWT_JWKS_URL && (!env.JWT_ISSUER || !env.JWT_AUDIENCE)) {
      ctx.addIssue({ code: 'custom', message: 'JWT_JWKS_URL needs JWT_ISSUER and JWT_AUDIENCE' });
    }
    if (env.NODE_ENV === 'production') {
      if (!env.JWT_JWKS_URL && !env.JWT_SECRET) {
        ctx.addIssue({ code: 'custom', message: 'production needs JWT_JWKS_URL (or JWT_SECRET)' });
      }
      if (env.WEBHOOK_ALLOW_LOOPBACK === 'true') {
        ctx.addIssue({ code: 'custom', path: ['WEBHOOK_ALLOW_LOOPBACK'], message: 'is for tests; production never delivers to loopback' });
      }
      if (!env.NATIONAL_ID_PEPPER) {
        ctx.addIssue({ code: 'custom', message: 'production needs NATIONAL_ID_PEPPER' });
      }
      // the development values are published in this file: anyone could forge tokens or reverse id hashes
      if (env.JWT_SECRET === DEV_JWT_SECRET) {
        ctx.addIssue({ code: 'custom', path: ['JWT_SECRET'], message: 'is the published development secret; production needs its own' });
      }
      if (env.NATIONAL_ID_PEPPER === DEV_PEPPER) {
        ctx.addIssue({
          code: 'custom',
          path: ['NATIONAL_ID_PEPPER'],
          message: 'is the published development pepper; production needs its own',
        });
      }
    }
  });

export type JwtConfig =
  | { mode: 'hs256'; secret: string; issuer?: string; audience?: string; isDevSecret: boolean }
  | { mode: 'jwks'; jwksUrl: string; issuer: string; audience: string };

export interface Config {
  env: 'development' | 'production' | 'test';
  production: boolean;
  host: string;
  port: number;
  databaseUrl?: string;
  /** Reads that tolerate replica lag (metrics, parameters, institution lists); undefined: they use databaseUrl. */
  readDatabaseUrl?: string;
  dataDir: string;
  /** Where migrated PGlite templates are kept; undefined: under node_modules/.cache. */
  pgliteTemplateCache?: string;
  dbPoolSize: number;
  jwt: JwtConfig;
  nationalIdPepper: string;
  demo: { mode: 'auto' | 'off'; borrowers: number; seed: number };
  logLevel: string;
  limits: { maxDepth: number; maxCost: number; maxAliases: number };
  ageingIntervalMinutes: number;
  eventIntervalSeconds: number;
  shutdownGraceMs: number;
  rateLimits: { perActorPerMinute: number; perIpPerMinute: number };
  webhooks: WebhookConfig;
  tracing: TracingConfig;
  /** The dashboard's OpenID provider, when configured. */
  dashboardOidc: { issuer: string; clientId: string; scope?: string } | null;
}

export interface WebhookConfig {
  intervalMs: number;
  retryBaseMs: number;
  retryCapMs: number;
  maxAttempts: number;
  timeoutMs: number;
  /** Loopback targets allowed (tests); never in production. */
  allowLoopback: boolean;
}

export interface TracingConfig {
  /** On when OTEL_TRACES_EXPORTER names an exporter or an OTLP endpoint is set; off when OTEL_SDK_DISABLED=true. */
  enabled: boolean;
  /** OTEL_SERVICE_NAME, else `credit-share`. */
  serviceName: string;
}

function tracingFrom(e: { [K in keyof typeof otelSchema]?: string }): TracingConfig {
  const serviceName = e.OTEL_SERVICE_NAME?.trim() || 'credit-share';
  if (e.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return { enabled: false, serviceName };
  const exporters = (e.OTEL_TRACES_EXPORTER ?? '')
    .split(',')
    .map((x) => x.trim().toLowerCase())
    .filter(Boolean);
  const endpoint = e.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim() || e.OTEL_EXPORTER_OTLP_ENDPOINT?.trim();
  const enabled = exporters.length ? !exporters.includes('none') : !!endpoint;
  return { enabled, serviceName };
}

/** Only the tracing switch, for the preload (src/observability/tracing.ts) that runs before the rest of the configuration is read. */
export function loadTracingConfig(source: Record<string, string | undefined> = process.env): TracingConfig {
  const parsed = z.object(otelSchema).safeParse(source);
  return tracingFrom(parsed.success ? parsed.data : {});
}

export class ConfigError extends Error {}

export interface DatabaseUrlParts {
  /** Every host in the order given: a pool tries them in turn for one that matches `targetSessionAttrs`. */
  hosts: { host: string; port: number }[];
  /** The URL with only the first host and without target_session_attrs (user, password, database, sslmode and the rest kept). */
  singleHostUrl: string;
  targetSessionAttrs?: 'any' | 'read-write' | 'read-only' | 'primary' | 'standby' | 'prefer-standby';
}

const SESSION_ATTRS = ['any', 'read-write', 'read-only', 'primary', 'standby', 'prefer-standby'] as const;

/**
 * A libpq-style PostgreSQL URL, one host or several:
 * `postgres://user@10.0.0.1:5432,10.0.0.2:5432/db?target_session_attrs=read-write`.
 * WHATWG `new URL` (and zod's .url()) refuse the host list, so it is split here. IPv6 literals are not supported.
 */
export function parseDatabaseUrl(url: string): DatabaseUrlParts {
  const m = /^(postgres(?:ql)?):\/\/(?:([^@/?#]*)@)?([^/?#]*)(.*)$/.exec(url);
  if (!m) throw new Error('must be a postgres:// or postgresql:// URL');
  const [, scheme, userinfo, hostList, tail] = m;
  if (!hostList) throw new Error('names no host');
  const hosts = hostList.split(',').map((h) => {
    const hm = /^([^:,[\]]+)(?::(\d{1,5}))?$/.exec(h);
    if (!hm) throw new Error(`has an invalid host "${h}"`);
    const port = hm[2] ? Number(hm[2]) : 5432;
    if (port < 1 || port > 65535) throw new Error(`has an invalid port in "${h}"`);
    return { host: hm[1], port };
  });
  let parsed: URL;
  try {
    parsed = new URL(`${scheme}://${userinfo !== undefined ? `${userinfo}@` : ''}${hosts[0].host}:${hosts[0].port}${tail}`);
  } catch {
    throw new Error('is not a valid URL');
  }
  const tsa = parsed.searchParams.get('target_session_attrs') ?? undefined;
  if (tsa !== undefined && !(SESSION_ATTRS as readonly string[]).includes(tsa)) {
    throw new Error(`target_session_attrs must be one of ${SESSION_ATTRS.join(', ')}`);
  }
  parsed.searchParams.delete('target_session_attrs');
  return { hosts, singleHostUrl: parsed.toString(), targetSessionAttrs: tsa as DatabaseUrlParts['targetSessionAttrs'] };
}

/** Why a database URL is refused, or null when it is fine. */
export function databaseUrlProblem(url: string): string | null {
  try {
    parseDatabaseUrl(url);
    return null;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

export function loadConfig(source: Record<string, string | undefined> = process.env): Config {
  const parsed = schema.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.') || 'config'}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const jwt: JwtConfig = e.JWT_JWKS_URL
    ? { mode: 'jwks', jwksUrl: e.JWT_JWKS_URL, issuer: e.JWT_ISSUER!, audience: e.JWT_AUDIENCE! }
    : {
        mode: 'hs256',
        secret: e.JWT_SECRET ?? DEV_JWT_SECRET,
        issuer: e.JWT_ISSUER,
        audience: e.JWT_AUDIENCE,
        isDevSecret: !e.JWT_SECRET,
      };
  return {
    env: e.NODE_ENV,
    production: e.NODE_ENV === 'production',
    host: e.HOST,
    port: e.PORT,
    databaseUrl: e.DATABASE_URL,
    readDatabaseUrl: e.READ_DATABASE_URL,
    dataDir: e.DATA_DIR,
    pgliteTemplateCache: e.PGLITE_TEMPLATE_CACHE,
    dbPoolSize: e.DB_POOL_SIZE,
    jwt,
    nationalIdPepper: e.NATIONAL_ID_PEPPER ?? DEV_PEPPER,
    demo: { mode: e.DEMO_DATA ?? (e.NODE_ENV === 'production' ? 'off' : 'auto'), borrowers: e.DEMO_BORROWERS, seed: e.DEMO_SEED },
    logLevel: e.LOG_LEVEL,
    limits: { maxDepth: e.GRAPHQL_MAX_DEPTH, maxCost: e.GRAPHQL_MAX_COST, maxAliases: e.GRAPHQL_MAX_ALIASES },
    ageingIntervalMinutes: e.AGEING_INTERVAL_MINUTES,
    eventIntervalSeconds: e.EVENT_INTERVAL_SECONDS,
    shutdownGraceMs: e.SHUTDOWN_GRACE_MS,
    rateLimits: { perActorPerMinute: e.RATE_LIMIT_ACTOR_PER_MINUTE, perIpPerMinute: e.RATE_LIMIT_IP_PER_MINUTE },
    webhooks: {
      intervalMs: e.WEBHOOK_INTERVAL_MS,
      retryBaseMs: e.WEBHOOK_RETRY_BASE_MS,
      retryCapMs: 3_600_000,
      maxAttempts: e.WEBHOOK_MAX_ATTEMPTS,
      timeoutMs: e.WEBHOOK_TIMEOUT_MS,
      allowLoopback: e.WEBHOOK_ALLOW_LOOPBACK === 'true',
    },
    tracing: tracingFrom(e),
    dashboardOidc:
      e.DASHBOARD_OIDC_ISSUER && e.DASHBOARD_OIDC_CLIENT_ID
        ? { issuer: e.DASHBOARD_OIDC_ISSUER, clientId: e.DASHBOARD_OIDC_CLIENT_ID, scope: e.DASHBOARD_OIDC_SCOPE }
        : null,
  };
}

/** For scripts and main: parse or exit with a readable message (no stack trace). */
export function loadConfigOrExit(source: Record<string, string | undefined> = process.env): Config {
  try {
    return loadConfig(source);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
}
