import { ApolloServer } from '@apollo/server';
import { makeExecutableSchema } from '@graphql-tools/schema';
import { describe, expect, it } from 'vitest';
import { makeFormatError } from '../../src/graphql/apollo.js';
import { jitGateway, Lru } from '../../src/graphql/jit.js';
import { scalarResolvers } from '../../src/graphql/scalars.js';
import { createLogger } from '../../src/logger.js';
import { forbidden, notFound } from '../../src/errors.js';

/**
 * The compiled executor against graphql-js on the same schema, through Apollo both ways: every
 * answer (data, error codes, paths, locations, the HTTP status) must be the same.
 */
const typeDefs = `
  scalar Money
  scalar Date
  scalar DateTime
  scalar Rate
  scalar JSON
  enum Kind { LOAN GUARANTEE }
  interface Node { id: ID! }
  type Account implements Node { id: ID! balance: Money! openedOn: Date! at: DateTime! kind: Kind! }
  type Note implements Node { id: ID! text: String }
  union Item = Account | Note
  type Holder { id: ID! secret: String! maybe: String accounts: [Account!]! items: [Item!]! }
  type Query {
    account(id: ID!): Account
    node(id: ID!): Node
    items: [Item!]!
    holder: Holder
    holders: [Holder]
    badMoney: Money
    refused: String
    kind(k: Kind!): Kind!
    on(d: Date, t: DateTime): String
  }
  type Mutation { touch(n: Int!): Int! }
`;
const account = { id: 'a1', balance: '50000.00', openedOn: '2024-01-01', at: '2026-06-15T10:00:00+08:00', kind: 'LOAN' };
const note = { id: 'n1', text: 'hi' };
const resolvers = {
  ...scalarResolvers,
  Node: { __resolveType: (o: { text?: string }) => (o.text !== undefined ? 'Note' : 'Account') },
  Item: { __resolveType: (o: { text?: string }) => (o.text !== undefined ? 'Note' : 'Account') },
  Holder: {
    // a non-null field that fails: null propagates to the nearest nullable parent
    secret: () => {
      throw forbidden();
    },
    maybe: () => {
      throw notFound('Maybe');
    },
    accounts: () => [account, { ...account, id: 'a2', balance: 12.5 }],
    items: () => [account, note],
  },
  Query: {
    account: (_: unknown, a: { id: string }) => (a.id === 'a1' ? account : null),
    node: (_: unknown, a: { id: string }) => (a.id === 'n1' ? note : account),
    items: () => [note, account],
    holder: () => ({ id: 'h1' }),
    holders: () => [{ id: 'h1' }, { id: 'h2' }],
    badMoney: () => 'not money',
    refused: () => {
      throw new Error('SELECT secret FROM internal');
    },
    kind: (_: unknown, a: { k: string }) => a.k,
    on: (_: unknown, a: { d?: string; t?: Date }) => `${a.d} ${a.t?.toISOString()}`,
  },
  Mutation: { touch: (_: unknown, a: { n: number }) => a.n + 1 },
};

const log = createLogger({ logLevel: 'silent', env: 'test' } as never);
function server(jit: boolean) {
  const schema = makeExecutableSchema({ typeDefs, resolvers });
  const gateway = jitGateway(schema, { cacheSize: 3 });
  const s = new ApolloServer({
    ...(jit ? { gateway } : { schema }),
    formatError: makeFormatError(log, true),
    includeStacktraceInErrorResponses: false,
  });
  return { s, gateway };
}

async function run(s: ApolloServer, query: string, variables?: Record<string, unknown>, operationName?: string) {
  const r = await s.executeOperation({ query, variables, operationName });
  if (r.body.kind !== 'single') throw new Error('incremental');
  return { status: r.http.status ?? 200, ...r.body.singleResult };
}

const CASES: Array<[string, string, Record<string, unknown>?, string?]> = [
  ['scalars and enums', `{ account(id: "a1") { id balance openedOn at kind } }`],
  ['a missing nullable', `query($id: ID!) { account(id: $id) { id } }`, { id: 'zz' }],
  ['non-null propagation to the parent', `{ holder { id secret } }`],
  ['non-null propagation inside a list', `{ holders { id secret } }`],
  ['a nullable field error keeps the rest', `{ holder { id maybe accounts { id balance } } }`],
  ['interfaces', `{ node(id: "n1") { id ... on Note { text } } other: node(id: "a1") { id __typename ... on Account { balance } } }`],
  ['unions', `{ items { __typename ... on Account { id kind } ... on Note { text } } }`],
  ['a custom scalar that cannot serialize: masked', `{ badMoney }`],
  ['an internal error: masked', `{ refused }`],
  ['variables: missing required', `query($id: ID!) { account(id: $id) { id } }`, {}],
  ['variables: wrong enum', `query($k: Kind!) { kind(k: $k) }`, { k: 'LOANX' }],
  ['variables: wrong type', `query($k: Kind!) { kind(k: $k) }`, { k: 3 }],
  ['variables: a custom scalar refuses the value', `query($d: Date, $t: DateTime) { on(d: $d, t: $t) }`, { d: '2026-02-30', t: '' }],
  [
    'variables: custom scalars parsed',
    `query($d: Date, $t: DateTime) { on(d: $d, t: $t) }`,
    { d: '2026-02-28', t: '2026-06-15T10:00:00+08:00' },
  ],
  ['one of several operations', `query A { items { __typename } } query B { kind(k: GUARANTEE) }`, undefined, 'B'],
  ['an unknown operation name', `query A { items { __typename } }`, undefined, 'C'],
  ['a mutation (graphql-js)', `mutation($n: Int!) { touch(n: $n) }`, { n: 41 }],
];

describe('compiled execution (graphql-jit) answers as graphql-js does', () => {
  const jit = server(true);
  const plain = server(false);

  for (const [name, query, variables, operationName] of CASES) {
    it(name, async () => {
      await Promise.all([jit.s.start(), plain.s.start()].map((p) => p.catch(() => {})));
      const a = await run(jit.s, query, variables, operationName);
      const b = await run(plain.s, query, variables, operationName);
      if (name.startsWith('variables') && a.errors) {
        // graphql-jit words some coercion failures its own way; the code, place and status are the same
        const shape = (r: typeof a) => ({
          status: r.status,
          data: r.data,
          errors: r.errors?.map((e) => ({ code: e.extensions?.code, path: e.path, locations: e.locations })),
        });
        expect(shape(a)).toEqual(shape(b));
        expect(a.errors![0].extensions!.code).toBe('BAD_USER_INPUT');
        expect(a.status).toBe(400);
      } else expect(a).toEqual(b);
    });
  }

  it('compiles a document once and serves it from the plan cache; mutations stay on graphql-js', async () => {
    await jit.s.start().catch(() => {});
    const before = { ...jit.gateway.stats };
    await run(jit.s, `{ items { __typename } }`);
    await run(jit.s, `{ items { __typename } }`);
    expect(jit.gateway.stats.compiled - before.compiled).toBe(1);
    expect(jit.gateway.stats.hits - before.hits).toBe(1);
    await run(jit.s, `mutation { touch(n: 1) }`);
    expect(jit.gateway.stats.interpreted - before.interpreted).toBe(1);
    expect(jit.gateway.cache.size).toBeLessThanOrEqual(3);
  });
});

describe('the plan cache', () => {
  it('keeps at most its bound, dropping the least recently used', () => {
    const c = new Lru<string, number>(2);
    c.set('a', 1);
    c.set('b', 2);
    expect(c.get('a')).toBe(1);
    c.set('c', 3);
    expect(c.get('b')).toBeUndefined();
    expect(c.get('a')).toBe(1);
    expect(c.get('c')).toBe(3);
    expect(c.size).toBe(2);
  });
});
