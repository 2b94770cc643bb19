import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeExecutableSchema } from '@graphql-tools/schema';
import type { IResolvers } from '@graphql-tools/utils';
import { applyMiddleware } from 'graphql-middleware';
import type { GraphQLSchema } from 'graphql';
import { buildPermissions, coarseRules } from '../permissions.js';
import { scalarResolvers } from './scalars.js';
import { resolvers as institutions } from '../modules/institutions/resolvers.js';
import { resolvers as credit } from '../modules/credit/resolvers.js';
import { resolvers as consent } from '../modules/consent/resolvers.js';
import { resolvers as disputes } from '../modules/disputes/resolvers.js';
import { resolvers as audit } from '../modules/audit/resolvers.js';
import { resolvers as parameters } from '../modules/parameters/resolvers.js';
import { resolvers as underwriting } from '../modules/underwriting/resolvers.js';
import { resolvers as lending } from '../modules/lending/resolvers.js';
import { resolvers as ledger } from '../modules/ledger/resolvers.js';
import { resolvers as losses } from '../modules/losses/resolvers.js';
import { resolvers as metrics } from '../modules/metrics/resolvers.js';
import { resolvers as records } from '../modules/records/resolvers.js';
import { resolvers as webhooks } from '../modules/webhooks/resolvers.js';
import { resolvers as monitoring } from '../modules/monitoring/resolvers.js';
import { requoteResolvers } from '../modules/monitoring/requotes.js';
import { resolvers as subscriptions } from './subscriptions.js';

export const SCHEMA_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../schema');

export function loadTypeDefs(): string[] {
  return readdirSync(SCHEMA_DIR)
    .filter((f) => f.endsWith('.graphql'))
    .sort((a, b) => (a === 'common.graphql' ? -1 : b === 'common.graphql' ? 1 : a.localeCompare(b)))
    .map((f) => readFileSync(path.join(SCHEMA_DIR, f), 'utf8'));
}

const moduleResolvers = [
  scalarResolvers,
  institutions,
  credit,
  consent,
  disputes,
  audit,
  parameters,
  underwriting,
  lending,
  ledger,
  losses,
  metrics,
  records,
  monitoring,
  requoteResolvers,
  webhooks,
  subscriptions,
];
/** The executable schema with graphql-shield applied over every field. */
export function buildSchema(): GraphQLSchema {
  // each module's resolvers are checked against the generated Resolvers type; graphql-tools takes its own looser IResolvers
  const schema = makeExecutableSchema({ typeDefs: loadTypeDefs(), resolvers: moduleResolvers as IResolvers[] });
  return applyMiddleware(schema, buildPermissions(coarseRules(schema)));
}
