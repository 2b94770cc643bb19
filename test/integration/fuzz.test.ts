import { Agent, request as httpRequest, type Server } from 'node:http';
import fc from 'fast-check';
import type { GraphQLField } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpServer, listen } from '../../src/http/server.js';
import {
  borrower,
  consent,
  COURT,
  defaultedDeals,
  DEPOSIT,
  disbursedLoan,
  furnish,
  institution,
  key,
  PAY_CLAIM,
  FILE_CLAIM,
  ISSUE,
  PLEDGE,
  REVIEW,
  SUBMIT,
} from '../factories.js';
import { ok, useTestApp, type GqlResult, type TestApp } from '../helpers/app.js';
import {
  buildOperation,
  clip,
  deepListJson,
  deepObjectJson,
  errorProblems,
  INTERNAL_NAMES,
  isNonNullType,
  leaks,
  NOWHERE,
  OMIT,
  ROOT_FIELDS,
  show,
  SQL_TEXT,
  valueGenerators,
  type ArgPlan,
  type GqlPlan,
  type Pools,
  type Twist,
} from '../helpers/fuzz.js';

/**
 * Property-based fuzzing of the whole GraphQL surface. Every Query and Mutation field of the
 * schema (read from buildSchema(), so a new field is fuzzed without touching this file) is
 * called with generated arguments (real fixture ids, boundary values and hostile input: control
 * characters, lone surrogates, 10k-character strings, impossible dates, overflowing amounts,
 * wrong enums and types, broken input objects, deep lists) as every role, with bad tokens and
 * with none, through variables and as literals in the document; then over real HTTP with
 * malformed bodies, wrong content types, GET query strings and oversized payloads. The generators
 * and the checks are in test/helpers/fuzz.ts.
 *
 * Every response must: carry only stable error codes (never INTERNAL_SERVER_ERROR), never be a
 * 5xx (a 503 SERVICE_UNAVAILABLE aside), and never show a stack trace, SQL, a server path or a
 * table or column name.
 *
 *   FUZZ_SEED=<n>        replay another seed (the seed is printed on failure)
 *   FUZZ_RUNS=<n>        GraphQL runs (default 4600); FUZZ_HTTP_RUNS=<n> HTTP runs (default 500)
 *   FUZZ_KEEP_GOING=1    do not stop at the first failure: list every distinct one at the end
 *   FUZZ_VERBOSE=1       also print the codes per field and a sample response per kind of HTTP request
 *   TEST_LOG_LEVEL=error show the server's log of an unexpected error
 */
const SEED = Number(process.env.FUZZ_SEED ?? 20260615);
const GQL_RUNS = Number(process.env.FUZZ_RUNS ?? 4600);
const HTTP_RUNS = Number(process.env.FUZZ_HTTP_RUNS ?? 500);
const KEEP_GOING = process.env.FUZZ_KEEP_GOING === '1';

// ---------------------------------------------------------------------------------------------
// Identities

const WHO = [
  'BANK',
  'INSURER',
  'GOVERNMENT',
  'BORROWER',
  'ADMIN',
  'NONE',
  'OTHER_BANK',
  'OTHER_BORROWER',
  'GHOST_BORROWER',
  'EXPIRED',
  'GARBAGE',
  'NOT_BEARER',
] as const;
type Who = (typeof WHO)[number];
const whoArb = fc.oneof(
  { weight: 10, arbitrary: fc.constantFrom<Who>('BANK', 'INSURER', 'GOVERNMENT', 'BORROWER', 'ADMIN', 'NONE') },
  { weight: 2, arbitrary: fc.constantFrom<Who>('OTHER_BANK', 'OTHER_BORROWER', 'GHOST_BORROWER', 'EXPIRED', 'GARBAGE', 'NOT_BEARER') },
);

// ---------------------------------------------------------------------------------------------
// The run

const app = useTestApp({ now: '2026-06-15T02:00:00.000Z' });
let t: TestApp;
let server: Server;
let port: number;
const agent = new Agent({ keepAlive: true, maxSockets: 1 });
const auth: Record<string, string | undefined> = {};
let pools: Pools;

const started = Date.now();
const tally = {
  gql: 0,
  http: 0,
  codes: new Map<string, number>(),
  statuses: new Map<number, number>(),
  fields: new Map<string, number>(),
  byField: new Map<string, number>(),
};
const bump = <K>(m: Map<K, number>, k: K) => m.set(k, (m.get(k) ?? 0) + 1);
const coverage = new Set<string>();
/** Distinct failures (FUZZ_KEEP_GOING=1), by signature; an HTTP one's starts with `http:`. */
const failures = new Map<string, string>();
const failuresOf = (http: boolean) => [...failures.entries()].filter(([k]) => k.startsWith('http:') === http).map(([, v]) => v);
let gqlCompleted = false;

function fail(signature: string, detail: string) {
  if (!KEEP_GOING) throw new Error(detail);
  if (!failures.has(signature)) failures.set(signature, detail);
}

beforeAll(async () => {
  t = await app();
  server = createHttpServer(t.app);
  port = await listen(server, 0, '127.0.0.1');

  const bank = await institution(t, 'BANK');
  const insurer = await institution(t, 'INSURER');
  const gov = await institution(t, 'GOVERNMENT');
  const otherBank = await institution(t, 'BANK');
  const b = await borrower(t, bank);
  const b2 = await borrower(t, bank);
  const b3 = await borrower(t, otherBank);
  const consents = [
    await consent(t, b, bank, 'LOAN_APPLICATION'),
    await consent(t, b, insurer, 'UNDERWRITING'),
    await consent(t, b, insurer, 'LOAN_APPLICATION'),
  ];
  const accounts = [
    ...(await furnish(t, bank, [{ borrowerId: b.id }, { borrowerId: b.id, status: 'DPD_30' }])).accounts,
    ...(await furnish(t, otherBank, [{ borrowerId: b3.id }])).accounts,
  ].map((a) => a.id);
  const dispute = ok(await t.gql(b.token, `mutation($r: ID!) { fileDispute(recordId: $r, reason: "有误") { id } }`, { r: accounts[1] }))
    .fileDispute.id;
  // b2's loans default 130 days on; the clock stays there
  const defaulted = await defaultedDeals(t, b2, bank, insurer, 3);
  const filed = ok(await t.gql(bank.token, FILE_CLAIM, { l: defaulted[0].loanId, k: key() })).fileClaim.id;
  const paid = ok(await t.gql(bank.token, FILE_CLAIM, { l: defaulted[1].loanId, k: key() })).fileClaim.id;
  ok(await t.gql(insurer.token, PAY_CLAIM, { c: paid, k: key() }));
  ok(await t.gql(bank.token, COURT, { l: defaulted[1].loanId, r: '(2026)冀0722民初1号', d: t.now.toISOString().slice(0, 10), k: key() }));
  ok(await t.gql(gov.token, DEPOSIT, { f: 'RISK_COMPENSATION', a: '1000000.00', k: key() }));
  ok(await t.gql(gov.token, DEPOSIT, { f: 'PREMIUM_SUBSIDY', a: '1000000.00', k: key() }));
  const deal = await disbursedLoan(t, b, bank, insurer, { amount: '20000.00', interestRate: '0.04' });
  // applications at every stage, so that a generated review, issue, pledge or disbursement can succeed
  const apps: string[] = [];
  const policies: string[] = [];
  for (let i = 0; i < 8; i++) {
    const i1 = { bankId: bank.id, insurerId: insurer.id, amount: '1000.00', termYears: 1, interestRate: '0.04', loanPurpose: 'fuzz' };
    const id = ok(await t.gql(b.token, SUBMIT, { i: i1, k: key() })).submitApplication.id;
    apps.push(id);
    if (i < 2) continue;
    for (const who of [bank, insurer]) ok(await t.gql(who.token, REVIEW, { id, d: 'APPROVE', k: key() }));
    if (i < 4) continue;
    const policy = ok(await t.gql(insurer.token, ISSUE, { a: id, k: key() })).issuePolicy.id;
    policies.push(policy);
    if (i < 6) continue;
    ok(await t.gql(bank.token, PLEDGE, { p: policy, k: key() }));
  }
  const adminToken = await t.token({ sub: 'fuzz-admin', role: 'ADMIN' });
  const cursors = [
    ok(await t.gql(bank.token, `{ customers(first: 1) { pageInfo { endCursor } } }`)).customers.pageInfo.endCursor,
    ok(await t.gql(adminToken, `{ auditTrail(first: 1) { pageInfo { endCursor } } }`)).auditTrail.pageInfo.endCursor,
    'bm90LWEtY3Vyc29y', // base64url of "not-a-cursor"
    '',
  ];

  const bearer = (token: string) => `Bearer ${token}`;
  Object.assign(auth, {
    BANK: bearer(bank.token),
    INSURER: bearer(insurer.token),
    GOVERNMENT: bearer(gov.token),
    BORROWER: bearer(b.token),
    ADMIN: bearer(adminToken),
    NONE: undefined,
    OTHER_BANK: bearer(otherBank.token),
    OTHER_BORROWER: bearer(b3.token),
    GHOST_BORROWER: bearer(await t.token({ sub: 'ghost', role: 'BORROWER', bid: NOWHERE })),
    EXPIRED: bearer(await t.token({ sub: 'late', role: 'ADMIN' }, -60)),
    GARBAGE: 'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.',
    NOT_BEARER: 'Basic YWRtaW46YWRtaW4=',
  } satisfies Record<Who, string | undefined>);

  pools = {
    now: t.now,
    borrowers: [b.id, b2.id, b3.id],
    institutions: [bank.id, insurer.id, gov.id, otherBank.id],
    banks: [bank.id, otherBank.id],
    insurers: [insurer.id],
    accounts,
    consents,
    disputes: [dispute],
    applications: [...apps, deal.applicationId, defaulted[2].applicationId],
    policies: [...policies, deal.policyId, defaulted[0].policyId],
    loans: [deal.loanId, ...defaulted.map((d) => d.loanId)],
    claims: [filed, paid],
    cursors,
  };
}, 120_000);

afterAll(async () => {
  await new Promise<void>((r) => server.close(() => r()));
  agent.destroy();
  const sorted = (m: Map<string | number, number>) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .map(([k, n]) => `${k}=${n}`)
      .join(' ');
  console.log(
    `fuzz: ${tally.gql + tally.http} requests (${tally.gql} executeOperation, ${tally.http} HTTP) in ${((Date.now() - started) / 1000).toFixed(1)} s, seed ${SEED}\n` +
      `  error codes (OK = no error): ${sorted(tally.codes)}\n` +
      `  HTTP statuses: ${sorted(tally.statuses)}`,
  );
  if (process.env.FUZZ_VERBOSE)
    console.log(
      [...tally.byField.entries()]
        .sort()
        .map(([k, n]) => `${k}=${n}`)
        .join('\n'),
    );
  if (failures.size) console.log(`fuzz: ${failures.size} distinct failures\n${[...failures.values()].join('\n\n')}`);
});

// ---------------------------------------------------------------------------------------------

let arbs: ReturnType<typeof valueGenerators>;
function gqlPlanArb(): fc.Arbitrary<GqlPlan> {
  arbs ??= valueGenerators(pools);
  const argsOf = (field: GraphQLField<unknown, unknown>, mode: 'top' | 'strict' | 'edge') =>
    fc.tuple(
      ...field.args.map((a) => {
        const required = isNonNullType(a.type);
        return fc.record({
          name: fc.constant(a.name),
          // an optional argument is often left out; a required one rarely (a validation error), never in a clean request
          value: fc.oneof(
            { weight: required ? (mode === 'top' ? 1 : 0) : 8, arbitrary: fc.constant<unknown>(OMIT) },
            { weight: required ? 40 : 12, arbitrary: arbs.any(a.type, [a.name], field.name, mode) },
          ),
          how: fc.constantFrom<'var' | 'lit'>('var', 'lit'),
          decl:
            mode !== 'top'
              ? fc.constant(null)
              : fc.oneof(
                  { weight: 30, arbitrary: fc.constant(null) },
                  { weight: 1, arbitrary: fc.constantFrom('String', 'Int!', '[ID!]!', 'Bogus', 'Money') },
                ),
        }) as fc.Arbitrary<ArgPlan>;
      }),
    );
  const perRoot = ROOT_FIELDS.map(({ field }) => ({
    top: argsOf(field, 'top'),
    strict: argsOf(field, 'strict'),
    edge: argsOf(field, 'edge'),
  }));
  const twists = fc.oneof(
    { weight: 40, arbitrary: fc.constant<Twist>('none') },
    { weight: 1, arbitrary: fc.constantFrom<Twist>('unknownArg', 'dupArg', 'declaredNotSent', 'unusedVar', 'alias', 'twoOps') },
  );
  // a quarter of the requests are clean (valid all the way down) and a fifth at the edges (valid or
  // boundary values all the way down), to get past parsing into the rules and the database
  const flavour = fc.oneof(
    { weight: 5, arbitrary: fc.constant<'strict' | 'edge' | 'top'>('strict') },
    { weight: 4, arbitrary: fc.constant<'strict' | 'edge' | 'top'>('edge') },
    { weight: 11, arbitrary: fc.constant<'strict' | 'edge' | 'top'>('top') },
  );
  return fc.tuple(fc.integer({ min: 0, max: ROOT_FIELDS.length - 1 }), flavour).chain(([root, kind]) =>
    fc
      .record({
        who: whoArb,
        root: fc.constant(root),
        depth: fc.constantFrom(0, 1, 2),
        raw:
          kind !== 'top'
            ? fc.constant(false)
            : fc.oneof({ weight: 9, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
        twist: kind !== 'top' ? fc.constant<Twist>('none') : twists,
        // all as variables, all as literals, or mixed
        mode: fc.constantFrom('var', 'lit', 'mixed'),
        args: perRoot[root][kind],
      })
      .map(({ mode, ...p }) => {
        const plan: GqlPlan = { ...p, args: p.args.map((a) => (mode === 'mixed' ? a : { ...a, how: mode as 'var' | 'lit' })) };
        return Object.assign(plan, { [fc.toStringMethod]: () => describePlan(plan) });
      }),
  );
}

function describePlan(plan: GqlPlan) {
  const { query, variables, operationName } = buildOperation(plan);
  return `as ${plan.who}: ${clip(query, 2000)}\n  variables: ${clip(show(variables), 2000)}${operationName ? `\n  operationName: ${operationName}` : ''}`;
}

function recordCoverage(plan: GqlPlan) {
  const { field } = ROOT_FIELDS[plan.root];
  bump(tally.fields, field.name);
  coverage.add(`who:${plan.who}`);
  for (const a of plan.args) if (a.value !== OMIT) coverage.add(`${field.name}.${a.name}:${a.how}`);
}

function checkGql(plan: GqlPlan, res: GqlResult | undefined, thrown: unknown) {
  const field = ROOT_FIELDS[plan.root].field.name;
  if (thrown !== undefined) {
    return fail(
      `gql:${field}:threw`,
      `executeOperation threw ${clip(String((thrown as Error)?.stack ?? thrown), 1000)}\n${describePlan(plan)}`,
    );
  }
  const errors = res!.errors;
  for (const e of errors ?? []) bump(tally.codes, String(e.extensions?.code));
  if (!errors) bump(tally.codes, 'OK');
  bump(tally.byField, `${field} ${errors ? String(errors[0].extensions?.code) : 'OK'}`);
  const problems = [...errorProblems(errors), ...leaks(res)];
  if (!errors && (res!.data === null || res!.data === undefined)) problems.push('neither data nor errors');
  if (problems.length) {
    const signature = `gql:${field}:${problems[0].replace(/"[^"]*"|\d+/g, '').slice(0, 80)}`;
    fail(signature, `${field}: ${problems.join('; ')}\n${describePlan(plan)}`);
  }
}

async function runGql(plan: GqlPlan) {
  const { query, variables, operationName } = buildOperation(plan);
  recordCoverage(plan);
  tally.gql++;
  let res: GqlResult | undefined;
  let thrown: unknown;
  try {
    const contextValue = await t.app.contextFor(auth[plan.who]);
    const r = await t.app.apollo.executeOperation({ query, variables, operationName }, { contextValue });
    if (r.body.kind !== 'single') throw new Error('unexpected incremental result');
    res = r.body.singleResult as GqlResult;
  } catch (err) {
    thrown = err;
  }
  checkGql(plan, res, thrown);
}

describe('fuzzing the GraphQL surface', () => {
  it('lists every root field and argument from the schema', () => {
    expect(ROOT_FIELDS.length).toBeGreaterThan(40);
    expect(INTERNAL_NAMES).toEqual(expect.arrayContaining(['idempotency_keys', 'ledger_entries', 'national_id_hash']));
  });

  it('tells a leak from an echo of our own input', () => {
    expect(leaks({ errors: [{ message: 'Failed query: select id, status from loans where id = $1' }] })).toHaveLength(2);
    expect(
      leaks({ errors: [{ message: 'x', extensions: { stacktrace: ['Error: x', '    at run (/work/main/src/command.ts:96:21)'] } }] }),
    ).toHaveLength(2);
    expect(leaks({ errors: [{ message: 'duplicate key value violates unique constraint "idempotency_keys_pkey"' }] })).toHaveLength(2);
    expect(leaks({ errors: [{ message: 'null value in column national_id_hash' }] })).toHaveLength(1);
    expect(leaks({ errors: [{ message: `name got ${JSON.stringify(SQL_TEXT[3]).slice(0, 40)}` }] })).toEqual([]);
    expect(
      leaks({
        data: { auditTrail: { entries: [{ targetType: 'programme_parameters' }] } },
        errors: [{ message: 'x', path: ['ledger_entries'] }],
      }),
    ).toEqual([]);
    expect(errorProblems([{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }])).toHaveLength(1);
    expect(errorProblems([{ message: 'no code' }])).toHaveLength(1);
    expect(errorProblems([{ message: 'ok', extensions: { code: 'NOT_FOUND' } }])).toEqual([]);
  });

  it(
    `answers ${GQL_RUNS} generated operations (every field, argument and role) with stable codes and no leaks`,
    { timeout: 600_000 },
    async () => {
      try {
        await fc.assert(fc.asyncProperty(gqlPlanArb(), runGql), { seed: SEED, numRuns: GQL_RUNS });
      } catch (err) {
        console.log(`fuzz: failed with seed ${SEED} (replay: FUZZ_SEED=${SEED} npx vitest run test/integration/fuzz.test.ts)`);
        throw err;
      }
      // every field, every argument both as a variable and as a literal, every identity
      const missing: string[] = [];
      for (const { field } of ROOT_FIELDS) {
        if (!tally.fields.get(field.name)) missing.push(field.name);
        for (const a of field.args)
          for (const how of ['var', 'lit'])
            if (!coverage.has(`${field.name}.${a.name}:${how}`)) missing.push(`${field.name}.${a.name}:${how}`);
      }
      for (const w of WHO) if (!coverage.has(`who:${w}`)) missing.push(`who:${w}`);
      expect(missing).toEqual([]);
      expect(failuresOf(false)).toEqual([]);
      gqlCompleted = true;
    },
  );
});

// ---------------------------------------------------------------------------------------------
// Over HTTP

interface HttpPlan {
  label: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  /** Built at send time (1 MB bodies stay out of the counterexample). */
  body: () => string | Buffer | undefined;
  /**
   * Apollo's own codes that this request is built to provoke (an unknown operationName or several
   * anonymous operations: OPERATION_RESOLUTION_FAILURE; a persisted-query hash: PERSISTED_QUERY_*).
   * Stable, documented Apollo codes; nowhere else accepted.
   */
  extraCodes?: string[];
}

const JSON_TYPES = ['application/json', 'application/json; charset=utf-8', 'application/graphql-response+json', 'APPLICATION/JSON'];
const ACCEPTS = ['application/graphql-response+json', 'application/json', '*/*', 'text/html', 'application/xml'];

function httpPlanArb(): fc.Arbitrary<HttpPlan> {
  const op = gqlPlanArb();
  const withOp = (f: (q: ReturnType<typeof buildOperation>, plan: GqlPlan) => Omit<HttpPlan, 'label'> & { label?: string }) =>
    op.map((plan) => {
      const h = f(buildOperation(plan), plan);
      return { ...h, label: `${h.label ?? 'op'} ${describePlan(plan)}` } as HttpPlan;
    });
  const authOf = (plan: GqlPlan): Record<string, string> => (auth[plan.who] ? { authorization: auth[plan.who]! } : {});

  const post = fc.tuple(fc.constantFrom(...JSON_TYPES), fc.constantFrom(...ACCEPTS)).chain(([type, accept]) =>
    withOp((q, plan) => ({
      label: `POST ${type} accept ${accept}`,
      method: 'POST',
      path: '/graphql',
      headers: { 'content-type': type, accept, ...authOf(plan) },
      body: () => JSON.stringify(q),
    })),
  );
  const get = withOp((q, plan) => {
    const search = new URLSearchParams({
      query: q.query,
      variables: JSON.stringify(q.variables),
      ...(q.operationName ? { operationName: q.operationName } : {}),
    });
    return {
      label: 'GET',
      method: 'GET',
      path: `/graphql?${search}`,
      headers: { accept: 'application/json', ...authOf(plan) },
      body: () => undefined,
    };
  });

  const ME = JSON.stringify({ query: '{ me { role } }' });
  const raw = (
    label: string,
    type: string | null,
    body: () => string | Buffer | undefined,
    method = 'POST',
    extraCodes?: string[],
  ): HttpPlan => ({
    label,
    method,
    path: '/graphql',
    headers: { ...(type ? { 'content-type': type } : {}), accept: 'application/json', authorization: auth.BANK! },
    body,
    extraCodes,
  });
  const malformed = fc.constantFrom<HttpPlan>(
    raw('truncated JSON', 'application/json', () => '{"query": '),
    raw('empty body', 'application/json', () => ''),
    raw('JSON null', 'application/json', () => 'null'),
    raw('JSON string', 'application/json', () => '"{ me { role } }"'),
    raw('JSON number', 'application/json', () => '123'),
    raw('JSON empty object', 'application/json', () => '{}'),
    raw('query a number', 'application/json', () => '{"query": 1}'),
    raw('query null', 'application/json', () => '{"query": null}'),
    raw('query an object', 'application/json', () => '{"query": {"a": 1}}'),
    raw('variables a string', 'application/json', () => '{"query": "{ me { role } }", "variables": "{}"}'),
    raw('variables a list', 'application/json', () => '{"query": "{ me { role } }", "variables": [1]}'),
    raw('extensions a string', 'application/json', () => '{"query": "{ me { role } }", "extensions": "x"}'),
    raw('operationName a number', 'application/json', () => '{"query": "{ me { role } }", "operationName": 7}'),
    raw('unknown operationName', 'application/json', () => '{"query": "query A { me { role } }", "operationName": "B"}', 'POST', [
      'OPERATION_RESOLUTION_FAILURE',
    ]),
    raw('two operations, no name', 'application/json', () => '{"query": "query A { me { role } } query B { me { role } }"}', 'POST', [
      'OPERATION_RESOLUTION_FAILURE',
    ]),
    raw('batched', 'application/json', () => `[${ME}, ${ME}]`),
    raw(
      'persisted query unknown',
      'application/json',
      () => '{"extensions": {"persistedQuery": {"version": 1, "sha256Hash": "abc"}}}',
      'POST',
      ['PERSISTED_QUERY_NOT_FOUND', 'PERSISTED_QUERY_NOT_SUPPORTED'],
    ),
    raw('trailing garbage', 'application/json', () => `${ME}}}`),
    raw('BOM', 'application/json', () => `\ufeff${ME}`),
    raw('invalid UTF-8', 'application/json', () =>
      Buffer.concat([
        Buffer.from('{"query": "{ me { role } }", "variables": {"x": "'),
        Buffer.from([0xff, 0xfe, 0xc0]),
        Buffer.from('"}}'),
      ]),
    ),
    raw('NUL in JSON', 'application/json', () => '{"query": "{ me { role } }\\u0000"}'),
    raw('lone surrogate in query', 'application/json', () => '{"query": "{ me { role } } # \\ud800"}'),
    raw('duplicate keys', 'application/json', () => '{"query": "{ me { role } }", "query": "mutation { ageLoans { examined } }"}'),
    raw(
      '__proto__ variables',
      'application/json',
      () => '{"query": "query($x: InstitutionKind) { institutions(kind: $x) { id } }", "variables": {"__proto__": {"x": "BANK"}}}',
    ),
    raw('text/plain', 'text/plain', () => ME),
    raw('text/plain; charset=utf-8', 'text/plain; charset=utf-8', () => ME),
    raw('form urlencoded', 'application/x-www-form-urlencoded', () => `query=${encodeURIComponent('{ me { role } }')}`),
    raw(
      'multipart',
      'multipart/form-data; boundary=x',
      () => `--x\r\nContent-Disposition: form-data; name="operations"\r\n\r\n${ME}\r\n--x--`,
    ),
    raw('application/graphql', 'application/graphql', () => '{ me { role } }'),
    raw('no content type', null, () => ME),
    raw('json with utf-16 charset', 'application/json; charset=utf-16', () => ME),
    raw('application/jsonx', 'application/jsonx', () => ME),
    raw('xml', 'application/xml', () => '<query>{ me { role } }</query>'),
    {
      ...raw('preflight header, text/plain', 'text/plain', () => ME),
      headers: { 'content-type': 'text/plain', 'apollo-require-preflight': 'true', authorization: `Bearer x` },
    },
  );
  const methods = fc
    .constantFrom('PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD', 'GET')
    .map((m) => raw(`${m} without a query`, 'application/json', () => (m === 'GET' || m === 'HEAD' ? undefined : ME), m));
  const oversized = fc.constantFrom<HttpPlan>(
    raw('1.1 MB of variables', 'application/json', () =>
      JSON.stringify({ query: '{ me { role } }', variables: { pad: 'x'.repeat(1_100_000) } }),
    ),
    raw('just under 1 MB', 'application/json', () =>
      JSON.stringify({ query: '{ me { role } }', variables: { pad: 'x'.repeat(1_000_000) } }),
    ),
    raw('50k variables', 'application/json', () =>
      JSON.stringify({ query: '{ me { role } }', variables: Object.fromEntries(Array.from({ length: 50_000 }, (_, i) => [`v${i}`, i])) }),
    ),
    raw(
      'deep variables',
      'application/json',
      () => `{"query": "query($x: InstitutionKind) { institutions(kind: $x) { id } }", "variables": {"x": ${deepObjectJson(20_000)}}}`,
    ),
    raw(
      'deep input object',
      'application/json',
      () =>
        `{"query": "mutation($i: RegisterBorrowerInput!) { registerBorrower(input: $i) { id } }", "variables": {"i": {"name": ${deepListJson(20_000)}}}}`,
    ),
    raw('very deep JSON', 'application/json', () => `{"query": "{ me { role } }", "variables": {"x": ${deepListJson(100_000)}}}`),
    raw('deep document', 'application/json', () =>
      JSON.stringify({ query: `{ ${'me { institution { '.repeat(200)}id${' } }'.repeat(200)} }` }),
    ),
    raw('many tokens', 'application/json', () => JSON.stringify({ query: `{ me { ${'role '.repeat(5000)}} }` })),
    raw('many aliases', 'application/json', () =>
      JSON.stringify({ query: `{ ${Array.from({ length: 500 }, (_, i) => `a${i}: me { role }`).join(' ')} }` }),
    ),
    raw('huge string literal', 'application/json', () =>
      JSON.stringify({ query: `{ institutions(kind: "${'x'.repeat(900_000)}") { id } }` }),
    ),
    {
      ...raw('huge GET URL', null, () => undefined, 'GET'),
      path: `/graphql?query=${encodeURIComponent(`{ institutions(kind: "${'x'.repeat(60_000)}") { id } }`)}`,
    },
    {
      ...raw('GET mutation', null, () => undefined, 'GET'),
      path: `/graphql?query=${encodeURIComponent('mutation { ageLoans { examined } }')}`,
    },
    {
      ...raw('GET bad variables', null, () => undefined, 'GET'),
      path: `/graphql?query=${encodeURIComponent('{ me { role } }')}&variables=%7B`,
    },
    { ...raw('GET bad percent-encoding', null, () => undefined, 'GET'), path: '/graphql?query=%E0%A4%A&variables=%' },
    {
      ...raw('GET duplicate query', null, () => undefined, 'GET'),
      path: `/graphql?query=${encodeURIComponent('{ me { role } }')}&query=x`,
    },
    { ...raw('GET NUL in query', null, () => undefined, 'GET'), path: `/graphql?query=${encodeURIComponent('{ me { role } }\u0000')}` },
  );
  const headers = fc
    .tuple(
      fc.constantFrom<[string, string]>(
        ['authorization', 'Bearer'],
        ['authorization', 'Bearer '],
        ['authorization', `Bearer ${'a'.repeat(8000)}`],
        ['authorization', 'bearer a.b.c'],
        ['authorization', 'Bearer a.b.c extra'],
        ['authorization', 'Bearer \u00e9\u00e9'],
        ['x-request-id', 'x'.repeat(500)],
        ['x-request-id', '../../etc'],
        ['apollo-require-preflight', 'true'],
        ['accept', 'application/graphql-response+json;q=0, application/json;q=0'],
      ),
      op,
    )
    .map(([[h, v], plan]) => {
      const q = buildOperation(plan);
      return {
        label: `header ${h}: ${clip(v, 40)} ${describePlan(plan)}`,
        method: 'POST',
        path: '/graphql',
        headers: { 'content-type': 'application/json', [h]: v },
        body: () => JSON.stringify(q),
      };
    });

  return fc
    .oneof(
      { weight: 40, arbitrary: post },
      { weight: 15, arbitrary: get },
      { weight: 20, arbitrary: malformed },
      { weight: 4, arbitrary: methods },
      { weight: 8, arbitrary: oversized },
      { weight: 8, arbitrary: headers },
    )
    .map((h) => Object.assign(h, { [fc.toStringMethod]: () => `${h.method} ${clip(h.path, 200)} (${h.label})` }));
}

function send(plan: HttpPlan): Promise<{ status: number; type: string; text: string }> {
  return new Promise((resolve, reject) => {
    const body = plan.body();
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        method: plan.method,
        path: plan.path,
        agent,
        headers: { ...(body !== undefined ? { 'content-length': String(Buffer.byteLength(body)) } : {}), ...plan.headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            type: String(res.headers['content-type'] ?? ''),
            text: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', reject);
      },
    );
    req.setTimeout(60_000, () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    req.end(body);
  });
}

async function runHttp(plan: HttpPlan) {
  tally.http++;
  let r: { status: number; type: string; text: string };
  try {
    r = await send(plan);
  } catch (err) {
    return fail(
      `http:threw:${plan.label.slice(0, 30)}`,
      `request failed: ${String(err)}\n${plan.method} ${clip(plan.path, 300)} ${plan.label}`,
    );
  }
  bump(tally.statuses, r.status);
  if (process.env.FUZZ_VERBOSE) bump(tally.byField, `HTTP ${plan.label.split(' as ')[0].slice(0, 50)} -> ${r.status} ${clip(r.text, 160)}`);
  let body: any;
  try {
    body = r.text ? JSON.parse(r.text) : undefined;
  } catch {
    body = undefined;
  }
  const errors = body && typeof body === 'object' ? body.errors : undefined;
  const codes: string[] = Array.isArray(errors) ? errors.map((e: any) => String(e?.extensions?.code)) : [];
  for (const c of codes) bump(tally.codes, c);
  if (body && typeof body === 'object' && !Array.isArray(body) && !errors && 'data' in body) bump(tally.codes, 'OK');
  const problems = [
    // RATE_LIMITED: the rate limiter's stable code (src/errors.ts), only on its 429; none expected at this volume
    ...(errors !== undefined
      ? errorProblems(errors, new Set([...(plan.extraCodes ?? []), ...(r.status === 429 ? ['RATE_LIMITED'] : [])]))
      : []),
    ...(body !== undefined ? leaks(body) : leaks({ text: r.text })),
  ];
  if (r.status >= 500 && !(r.status === 503 && codes.includes('SERVICE_UNAVAILABLE'))) problems.unshift(`HTTP ${r.status}`);
  if (problems.length) {
    fail(
      `http:${problems[0].replace(/"[^"]*"|\d+/g, '').slice(0, 60)}:${plan.label.split(' ')[0]}`,
      `${problems.join('; ')}\n  response: ${r.status} ${clip(r.text, 400)}\n  request: ${plan.method} ${clip(plan.path, 300)} headers ${clip(JSON.stringify(plan.headers), 300)}\n  ${plan.label}`,
    );
  }
}

describe('fuzzing GraphQL over HTTP', () => {
  it(`answers ${HTTP_RUNS} generated HTTP requests without a 5xx, unstable code or leak`, { timeout: 600_000 }, async () => {
    try {
      await fc.assert(fc.asyncProperty(httpPlanArb(), runHttp), { seed: SEED + 1, numRuns: HTTP_RUNS });
    } catch (err) {
      console.log(`fuzz: HTTP failed with seed ${SEED + 1} (replay: FUZZ_SEED=${SEED} npx vitest run test/integration/fuzz.test.ts)`);
      throw err;
    }
    expect(failuresOf(true)).toEqual([]);
    // the issue asks for at least 5,000 requests (unless a smaller run was asked for)
    if (gqlCompleted && !process.env.FUZZ_RUNS && !process.env.FUZZ_HTTP_RUNS) expect(tally.gql + tally.http).toBeGreaterThanOrEqual(5000);
  });
});
