import { ApolloServer } from '@apollo/server';
import { unwrapResolverError } from '@apollo/server/errors';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginLandingPageDisabled,
  ApolloServerPluginUsageReportingDisabled,
} from '@apollo/server/plugin/disabled';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import type { GraphQLFormattedError, GraphQLSchema } from 'graphql';
import type { Config } from '../config.js';
import { AppError, ErrorCode, PUBLIC_CODES } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Context } from '../context.js';

/** graphql-js reports bad literal arguments as validation errors; to clients they are bad input. */
const INPUT_VALIDATION = /^(Expected value of type|Enum "|Value ".*" does not exist in|Field ".*" of required type|Field ".*" is not defined by type|Int cannot represent|Float cannot represent|String cannot represent|ID cannot represent|Boolean cannot represent)/;

/** Extensions a client may see; anything else (exception, stacktrace, SQL) is dropped. */
const SAFE_EXTENSIONS = new Set(['code', 'field', 'recordIndex', 'problems', 'currentState', 'reasons']);

export function makeFormatError(log: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    // our own refusals carry their code; graphql-js and Apollo errors carry theirs in extensions
    let code = original instanceof AppError ? original.code : (formatted.extensions?.code as string | undefined);
    if (code === 'GRAPHQL_VALIDATION_FAILED' && INPUT_VALIDATION.test(formatted.message)) code = ErrorCode.BAD_USER_INPUT;
    if (code && PUBLIC_CODES.has(code)) {
      const extensions: Record<string, unknown> = { code };
      const source = original instanceof AppError ? original.extensions : (formatted.extensions ?? {});
      for (const [k, v] of Object.entries(source)) if (SAFE_EXTENSIONS.has(k) && k !== 'code') extensions[k] = v;
      return { message: formatted.message, locations: formatted.locations, path: formatted.path, extensions };
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

export function createApollo(schema: GraphQLSchema, config: Config, log: Logger) {
  const armor = new ApolloArmor({
    maxDepth: { n: config.limits.maxDepth },
    costLimit: { maxCost: config.limits.maxCost },
    maxAliases: { n: config.limits.maxAliases },
    maxDirectives: { n: 20 },
    maxTokens: { n: 2000 },
    blockFieldSuggestion: { enabled: config.production },
  }).protect();
  return new ApolloServer<Context>({
    schema,
    introspection: !config.production,
    includeStacktraceInErrorResponses: false,
    allowBatchedHttpRequests: false,
    // main.ts owns SIGINT/SIGTERM; two handlers stopping the same server deadlock.
    stopOnTerminationSignals: false,
    formatError: makeFormatError(log),
    validationRules: armor.validationRules,
    stringifyResult: (value) => JSON.stringify(value),
    logger: {
      debug: (m) => log.debug(m),
      info: (m) => log.info(m),
      warn: (m) => log.warn(m),
      error: (m) => log.error(m),
    },
    plugins: [
      ...(armor.plugins as any[]),
      // No cache hints are used; the plugin would add work to every field.
      ApolloServerPluginCacheControlDisabled(),
      ApolloServerPluginUsageReportingDisabled(),
      ...(config.production ? [ApolloServerPluginLandingPageDisabled()] : []),
    ],
  });
}
