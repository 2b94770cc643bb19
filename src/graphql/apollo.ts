import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { unwrapResolverError } from '@apollo/server/errors';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginLandingPageDisabled,
  ApolloServerPluginUsageReportingDisabled,
} from '@apollo/server/plugin/disabled';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import { Kind, type ASTNode, type GraphQLFormattedError, type GraphQLSchema } from 'graphql';
import type { Config } from '../config.js';
import type { Context } from '../context.js';
import { AppError, ErrorCode, isConnectionError, PUBLIC_CODES } from '../errors.js';
import type { Logger } from '../logger.js';
import { cleanTextRule, cleanTextVariables } from './text-hygiene.js';
import { listCostRule } from './list-cost.js';
import { jitGateway } from './jit.js';

/** Extensions a client may see; anything else (exception, stacktrace, SQL) is dropped. */
const SAFE_EXTENSIONS = new Set(['code', 'field', 'recordIndex', 'problems', 'currentState', 'reasons']);

/** The AST kinds of a value written in the document: a validation error located on one is bad input. */
const VALUE_KINDS = new Set<string>([
  Kind.INT,
  Kind.FLOAT,
  Kind.STRING,
  Kind.BOOLEAN,
  Kind.NULL,
  Kind.ENUM,
  Kind.LIST,
  Kind.OBJECT,
  Kind.OBJECT_FIELD,
]);

/**
 * graphql-js reports a bad literal argument (`kind: BANKK`, `amount: -1`) as a validation error.
 * To a client it is bad input: classify by where the error points (a value node), not by its wording.
 */
function isBadLiteral(error: unknown): boolean {
  // duck-typed: graphql's CommonJS and ESM builds may both be loaded, and instanceof fails across them
  const nodes = error && typeof error === 'object' && 'nodes' in error ? (error as { nodes?: readonly ASTNode[] }).nodes : undefined;
  return !!nodes?.length && nodes.every((n: ASTNode) => VALUE_KINDS.has(n.kind));
}

/** Duck-typed for the same reason as isBadLiteral. */
const isGraphQLError = (e: unknown) => !!e && typeof e === 'object' && (e as { name?: unknown }).name === 'GraphQLError';

/** graphql 16 cannot turn its "Did you mean …?" hints off; production strips them (they leak the schema). */
const SUGGESTION = /\s*Did you mean .*\?$/s;

export function makeFormatError(log: Logger, production: boolean) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    // our own refusals carry their code; graphql-js and Apollo errors carry theirs in extensions
    let code = original instanceof AppError ? original.code : (formatted.extensions?.code as string | undefined);
    if (isConnectionError(original)) {
      log.warn({ err: original, path: formatted.path }, 'database unavailable');
      return {
        message: 'Service temporarily unavailable; retry shortly',
        path: formatted.path,
        extensions: { code: ErrorCode.SERVICE_UNAVAILABLE },
      };
    }
    if (code === 'GRAPHQL_VALIDATION_FAILED' && isBadLiteral(error)) code = ErrorCode.BAD_USER_INPUT;
    // graphql-js's own error with no code of its own (Apollo then says INTERNAL), no path and no cause
    // is raised while coercing variables ("Too many errors processing variables"): the client's input
    const uncoded = !code || code === ErrorCode.INTERNAL_SERVER_ERROR;
    if (uncoded && !formatted.path && isGraphQLError(error) && !(error as { originalError?: unknown }).originalError)
      code = ErrorCode.BAD_USER_INPUT;
    if (code && PUBLIC_CODES.has(code)) {
      const extensions: Record<string, unknown> = { code };
      const source = original instanceof AppError ? original.extensions : (formatted.extensions ?? {});
      for (const [k, v] of Object.entries(source)) if (SAFE_EXTENSIONS.has(k) && k !== 'code') extensions[k] = v;
      const message = production ? formatted.message.replace(SUGGESTION, '') : formatted.message;
      return { message, locations: formatted.locations, path: formatted.path, extensions };
    }
    log.error({ err: original ?? error, path: formatted.path }, 'unexpected error');
    return {
      message: 'Internal server error',
      locations: formatted.locations,
      path: formatted.path,
      extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR },
    };
  };
}

/** What the access log needs of a GraphQL request: its operation and error codes (no variables, no data). */
const recordOutcome: ApolloServerPlugin<Context> = {
  async requestDidStart() {
    return {
      async willSendResponse({ contextValue, operationName, operation, document, response }) {
        const body = response.body.kind === 'single' ? response.body.singleResult : undefined;
        // Apollo shallow-clones the context per operation; `observed` is the request's own object
        const root = operation?.selectionSet.selections[0];
        contextValue.observed.operation =
          operationName ?? (root?.kind === Kind.FIELD ? `${operation?.operation} ${root.name.value}` : null);
        contextValue.observed.operationType = operation?.operation ?? null;
        // the metrics label: a root field, whatever the client called its operation (parsed but invalid documents too)
        const parsed = operation ?? document?.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION);
        const first = parsed?.selectionSet.selections[0];
        contextValue.observed.rootField = first?.kind === Kind.FIELD ? first.name.value : null;
        contextValue.observed.errorCodes = (body?.errors ?? []).map((e) => String(e.extensions?.code ?? 'UNKNOWN'));
        // the database could not answer: a 503 the client (or a load balancer) may retry
        if (contextValue.observed.errorCodes.includes(ErrorCode.SERVICE_UNAVAILABLE)) {
          response.http.status = 503;
          response.http.headers.set('retry-after', '1');
        }
      },
    };
  },
};

/** Tokens a document may have: graphql-js stops the parse there, so an oversized query is a 400 parse error. */
export const MAX_TOKENS = 2000;

/** The document checks beyond the specification's, shared by /graphql and /graphql/stream. */
export function validationRules(config: Config) {
  const armor = new ApolloArmor({
    maxDepth: { n: config.limits.maxDepth },
    // listCostRule below counts list sizes; armor's cost limit does not
    costLimit: { enabled: false },
    maxAliases: { n: config.limits.maxAliases },
    maxDirectives: { n: 20 },
    // parseOptions.maxTokens below does this inside the parse, where Apollo answers 400, not 500
    maxTokens: { enabled: false },
    // formatError strips every "Did you mean" (fields and enum values) in production
    blockFieldSuggestion: { enabled: false },
  }).protect();
  // the cost rule first: of several limits a query breaks, its answer names the cost
  return [listCostRule(config.limits.maxCost), ...armor.validationRules, cleanTextRule];
}

/**
 * `jit` (the default): queries execute from compiled plans (src/graphql/jit.ts), through Apollo's
 * gateway interface; parsing, validation, plugins and error formatting are Apollo's either way.
 */
export function createApollo(schema: GraphQLSchema, config: Config, log: Logger, opts: { jit?: boolean } = {}) {
  return new ApolloServer<Context>({
    ...(opts.jit === false ? { schema } : { gateway: jitGateway(schema) }),
    introspection: !config.production,
    includeStacktraceInErrorResponses: false,
    allowBatchedHttpRequests: false,
    // main.ts owns SIGINT/SIGTERM; two handlers stopping the same server deadlock.
    stopOnTerminationSignals: false,
    parseOptions: { maxTokens: MAX_TOKENS },
    formatError: makeFormatError(log, config.production),
    validationRules: validationRules(config),
    stringifyResult: (value) => JSON.stringify(value),
    logger: {
      debug: (m) => log.debug(m),
      info: (m) => log.info(m),
      warn: (m) => log.warn(m),
      error: (m) => log.error(m),
    },
    plugins: [
      recordOutcome,
      cleanTextVariables,
      // No cache hints are used; the plugin would add work to every field.
      ApolloServerPluginCacheControlDisabled(),
      ApolloServerPluginUsageReportingDisabled(),
      // no CDN-hosted landing page: development has GraphiQL from node_modules at /graphiql
      ApolloServerPluginLandingPageDisabled(),
    ],
  });
}
