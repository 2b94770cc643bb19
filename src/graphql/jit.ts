/**
 * Compiled execution plans for queries (graphql-jit), through Apollo Server's supported
 * extension point for another executor: a `gateway` whose `load()` hands Apollo the schema and
 * an executor. Apollo still parses, validates (our rules: cost, depth, aliases, text hygiene),
 * runs every plugin and formats every error; only the execution of a validated operation is ours.
 *
 * - Queries run from a compiled plan, cached by the document's hash and operation name (LRU).
 * - Mutations run on graphql-js: they are not hot, their serial order and the tracing spans
 *   (`graphql.resolve <field>`) stay exactly graphql-js's. Subscriptions never come here (SSE,
 *   src/http/sse.ts, executes them with graphql-js).
 * - A document graphql-jit cannot compile runs on graphql-js (remembered, so it is tried once).
 */
import { createRequire } from 'node:module';
import type { GatewayExecutor, GatewayInterface } from '@apollo/server-gateway-interface';
import * as jitEsm from 'graphql-jit';
import type { CompiledQuery } from 'graphql-jit';
import * as graphqlEsm from 'graphql';
import type { ExecutionResult, GraphQLSchema, OperationDefinitionNode } from 'graphql';

const require = createRequire(import.meta.url);

/**
 * graphql's CommonJS and ESM builds may both be loaded (graphql-tools may build the schema with
 * one, this module import the other), and both graphql-js and graphql-jit check types with
 * instanceof: execute and compile with the build the schema was made with.
 */
function enginesFor(schema: GraphQLSchema): { graphql: typeof graphqlEsm; jit: typeof jitEsm } {
  if (schema instanceof graphqlEsm.GraphQLSchema) return { graphql: graphqlEsm, jit: jitEsm };
  const cjs = require('graphql') as typeof graphqlEsm;
  if ((schema as object) instanceof cjs.GraphQLSchema) return { graphql: cjs, jit: require('graphql-jit') as typeof jitEsm };
  throw new Error('the schema comes from neither build of graphql');
}

/**
 * graphql-jit reports bad variables with errors Apollo cannot format (no `extensions`: Apollo's
 * formatting throws and answers INTERNAL_SERVER_ERROR), and Apollo (whose graphql build is the
 * schema's) wraps an error of another class as internal: rebuild those as the schema build's
 * GraphQLError, keeping message, path, locations and the original error.
 */
function asGraphQLErrors(graphql: typeof graphqlEsm, result: ExecutionResult, operation: OperationDefinitionNode): ExecutionResult {
  // its variable errors may pass instanceof yet lack `extensions`, which Apollo reads unguarded
  const ours = (e: unknown) => e instanceof graphql.GraphQLError && typeof e.extensions === 'object' && e.extensions !== null;
  if (!result.errors?.some((e) => !ours(e))) return result;
  // no data at all: the variables could not be coerced (graphql-jit's only early return), the client's input
  const coercion = !('data' in result);
  const errors = result.errors.map((e) => {
    if (ours(e)) return e;
    const name = coercion ? /^Variable "\$([_A-Za-z][_0-9A-Za-z]*)"/.exec(e.message)?.[1] : undefined;
    const definition = name ? operation.variableDefinitions?.find((d) => d.variable.name.value === name) : undefined;
    const err = new graphql.GraphQLError(e.message, {
      nodes: definition ?? e.nodes,
      source: e.source,
      positions: e.positions,
      path: e.path,
      originalError: e.originalError ?? undefined,
      extensions: coercion ? { ...e.extensions, code: 'BAD_USER_INPUT' } : e.extensions,
    });
    if (!err.locations && e.locations) Object.assign(err, { locations: e.locations });
    return err;
  });
  return { ...result, errors };
}

/** How many compiled documents are kept: clients send a handful of shapes, an attacker many. */
export const PLAN_CACHE_SIZE = 1000;

/** A document graphql-jit could not compile: executed by graphql-js. */
const INTERPRETED = Symbol('interpreted');
type Plan = CompiledQuery | typeof INTERPRETED;

/** A bounded map in least-recently-used order (a Map iterates in insertion order). */
export class Lru<K, V> {
  private readonly map = new Map<K, V>();
  constructor(readonly max: number) {}
  get size() {
    return this.map.size;
  }
  get(key: K): V | undefined {
    const v = this.map.get(key);
    if (v !== undefined) {
      this.map.delete(key);
      this.map.set(key, v);
    }
    return v;
  }
  set(key: K, value: V) {
    this.map.delete(key);
    this.map.set(key, value);
    if (this.map.size > this.max) this.map.delete(this.map.keys().next().value as K);
  }
}

export interface JitStats {
  compiled: number;
  hits: number;
  interpreted: number;
}

export interface JitGateway extends GatewayInterface {
  stats: JitStats;
  cache: Lru<string, Plan>;
}

export function jitGateway(schema: GraphQLSchema, opts: { cacheSize?: number } = {}): JitGateway {
  const cache = new Lru<string, Plan>(opts.cacheSize ?? PLAN_CACHE_SIZE);
  const stats: JitStats = { compiled: 0, hits: 0, interpreted: 0 };
  const { graphql, jit } = enginesFor(schema);

  const interpret = (rc: Parameters<GatewayExecutor>[0]) => {
    stats.interpreted++;
    return graphql.execute({
      schema,
      document: rc.document,
      contextValue: rc.context,
      variableValues: rc.request.variables,
      // the client's name: rc.operationName is the resolved one, null when none resolved
      operationName: rc.request.operationName,
    }) as Promise<ExecutionResult> | ExecutionResult;
  };

  const executor: GatewayExecutor = async (rc) => {
    // no operation resolved (an unknown operationName): graphql-js says so, and Apollo answers 400
    if (rc.operation?.operation !== 'query') return interpret(rc);
    // queryHash is Apollo's sha256 of the document text; one document may hold several operations
    const key = rc.operationName ? `${rc.queryHash}:${rc.operationName}` : rc.queryHash;
    let plan = cache.get(key);
    if (plan === undefined) {
      const compiled = jit.compileQuery(schema, rc.document, rc.operationName ?? undefined);
      plan = jit.isCompiledQuery(compiled) ? compiled : INTERPRETED;
      cache.set(key, plan);
      stats.compiled++;
    } else stats.hits++;
    if (plan === INTERPRETED) return interpret(rc);
    const result = (await plan.query(undefined, rc.context, rc.request.variables ?? {})) as ExecutionResult;
    return asGraphQLErrors(graphql, result, rc.operation);
  };

  return {
    stats,
    cache,
    async load() {
      return { executor };
    },
    onSchemaLoadOrUpdate(callback) {
      callback({ apiSchema: schema, coreSupergraphSdl: '' });
      return () => {};
    },
    async stop() {},
  };
}
