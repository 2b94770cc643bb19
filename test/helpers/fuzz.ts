import { is } from 'drizzle-orm';
import { getTableConfig, PgTable } from 'drizzle-orm/pg-core';
import fc from 'fast-check';
import type {
  GraphQLEnumType,
  GraphQLField,
  GraphQLInputObjectType,
  GraphQLInputType,
  GraphQLList,
  GraphQLNamedType,
  GraphQLNonNull,
  GraphQLObjectType,
  GraphQLOutputType,
  GraphQLType,
} from 'graphql';
import * as tables from '../../src/db/schema/index.js';
import { buildSchema } from '../../src/graphql/schema.js';
import { residentIdCheckDigit } from '../../src/identity.js';

/**
 * The machinery of test/integration/fuzz.test.ts: what a response may contain (stable codes, no
 * leaks), generated argument values for every input type of the schema (valid, boundary,
 * hostile, wrong type), and operations built from them as variables or literals.
 */

// graphql's CommonJS and ESM builds may both be loaded (src/graphql/apollo.ts says so), and its
// is*Type checks fail across them: tell the kinds apart by their toStringTag instead.
export const tag = (type: unknown) => Object.prototype.toString.call(type).slice(8, -1);
export const isNonNullType = (type: GraphQLType): type is GraphQLNonNull<any> => tag(type) === 'GraphQLNonNull';
export const isListType = (type: GraphQLType): type is GraphQLList<any> => tag(type) === 'GraphQLList';
export const isEnumType = (type: GraphQLType): type is GraphQLEnumType => tag(type) === 'GraphQLEnumType';
export const isInputObjectType = (type: GraphQLType): type is GraphQLInputObjectType => tag(type) === 'GraphQLInputObjectType';
export const isObjectType = (type: GraphQLType): type is GraphQLObjectType => tag(type) === 'GraphQLObjectType';
export const isLeafType = (type: GraphQLType) => tag(type) === 'GraphQLScalarType' || isEnumType(type);
export const getNamedType = (type: GraphQLType): GraphQLNamedType =>
  isNonNullType(type) || isListType(type) ? getNamedType(type.ofType) : (type as GraphQLNamedType);

// ---------------------------------------------------------------------------------------------
// What a response may contain

export const STABLE_CODES = new Set([
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'BAD_USER_INPUT',
  'NOT_FOUND',
  'CONFLICT',
  'SERVICE_UNAVAILABLE',
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
]);

/** Hostile text: any of it may come back in an error message or in stored data (echo). */
export const SQL_TEXT = [
  "'; DROP TABLE fuzz_students; --",
  "1' OR '1'='1",
  '" OR 1=1 --',
  "' UNION SELECT fuzz_secret FROM fuzz_vault --",
  'insert into fuzz_t values (1)',
  'update fuzz_t set a = 1',
  'delete from fuzz_t where 1=1',
  "'; select pg_sleep(5); --",
];
export const HUGE = 'x'.repeat(10_000);
export const HOSTILE_STRINGS: string[] = [
  '',
  ' ',
  '   \t\n  ',
  '\u0000',
  'a\u0000b',
  '\u0007\u001b[31mred\u001b[0m',
  '\u007f',
  '\ud800',
  '\udc00',
  'x\ud800y',
  '\udc00\ud800',
  HUGE,
  '界'.repeat(10_000),
  '😀'.repeat(2_000),
  '👨‍👩‍👧‍👦🏳️‍🌈',
  '\u202eevil\u202c',
  '\ufeffbom',
  'Ａ１２３', // full-width
  'null',
  'undefined',
  'NaN',
  'Infinity',
  '-Infinity',
  '-1',
  '-0',
  '0',
  '1e400',
  '0x1F',
  '1_000',
  '1,000.00',
  ' 100.00',
  '100.00 ',
  '0000-01-01',
  '2026-02-30',
  '2026-13-01',
  '9999-12-31',
  '9999999999999999.99',
  '000000000000000000',
  '11010519491231002x',
  ...SQL_TEXT,
  '$1',
  '%s%s%s%n',
  '${process.env.JWT_SECRET}',
  '{{7*7}}',
  '<script>alert(1)</script>',
  '../../../../etc/passwd',
  '\\',
  '"',
  '\\u0000',
  '__proto__',
  'constructor',
];
export const ECHOABLE = HOSTILE_STRINGS.join('\u0001').toLowerCase();

export const LEAKS: { what: string; re: RegExp }[] = [
  { what: 'a stack trace', re: / {4}at |\((?:file:\/\/)?\/[^()\s]+:\d+:\d+\)/ },
  { what: 'a server path', re: /\/work\/|node_modules|\.ts:|file:\/\// },
  {
    what: 'SQL',
    re: /\bselect\s+[\w"*(),.\s]{1,80}?\s+from\s+"?\w+|\binsert\s+into\s+"?\w+|\bupdate\s+"?\w+"?\s+set\s+"?\w+|\bdelete\s+from\s+"?\w+/i,
  },
  {
    what: 'a database error',
    re: /violates (?:unique|foreign key|check|not-null|exclusion) constraint|duplicate key value|invalid input (?:syntax|value) for|syntax error at or near|(?:relation|column) "[^"]*" (?:does not exist|of relation)|failed query|numeric field overflow|value too long for type|out of range for type|invalid byte sequence|current transaction is aborted|division by zero|could not serialize access|deadlock detected|SQLSTATE/i,
  },
];

/** Table and column names with an underscore (plain ones like `loans` or `status` are also GraphQL field names and English). */
export const INTERNAL_NAMES = (() => {
  const names = new Set<string>();
  for (const v of Object.values(tables)) {
    if (!is(v, PgTable)) continue;
    const cfg = getTableConfig(v);
    for (const name of [cfg.name, ...cfg.columns.map((c) => c.name)]) if (name.includes('_')) names.add(name);
  }
  return [...names].sort((a, b) => b.length - a.length);
})();
// inside a constraint name too (idempotency_keys_pkey), and any constraint or index name
export const INTERNAL_NAME_RE = new RegExp(
  `(?<![A-Za-z0-9])(?:${INTERNAL_NAMES.join('|')})(?![A-Za-z0-9])|\\w_(?:pkey|fkey|fk|key|check|idx|unique)\\b`,
);

/** Every string in a value, with its path (keys included). */
export function strings(v: unknown, path: string, out: { path: string; s: string }[] = []) {
  if (typeof v === 'string') out.push({ path, s: v });
  else if (Array.isArray(v)) v.forEach((x, i) => strings(x, `${path}[${i}]`, out));
  else if (v && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      out.push({ path: `${path}{key}`, s: k });
      strings(x, `${path}.${k}`, out);
    }
  }
  return out;
}

/**
 * Leaks in a response. Text we sent may come back (an error quoting the bad value, a stored name
 * listed later): a match that is part of our own hostile text is an echo, not a leak. Table names
 * are looked for in errors only: the audit trail's targetType names what was changed
 * ('credit_account', 'programme_parameters') by design.
 */
export function leaks(body: unknown): string[] {
  const found: string[] = [];
  for (const { path, s } of strings(body, '')) {
    for (const { what, re } of LEAKS) {
      const m = re.exec(s);
      if (m && !ECHOABLE.includes(m[0].toLowerCase()))
        found.push(`${what} at ${path}: …${clip(s.slice(Math.max(0, m.index - 60), m.index + 100))}…`);
    }
    if (!path.startsWith('.data') && !/^\.errors\[\d+\]\.path/.test(path)) {
      const m = INTERNAL_NAME_RE.exec(s);
      if (m) found.push(`an internal name (${m[0]}) at ${path}: ${clip(s)}`);
    }
  }
  return found;
}

export function errorProblems(errors: unknown, extraCodes: ReadonlySet<string> = new Set()): string[] {
  if (errors === undefined) return [];
  if (!Array.isArray(errors) || errors.length === 0) return [`errors is not a non-empty list: ${clip(JSON.stringify(errors))}`];
  const out: string[] = [];
  for (const e of errors as { message?: unknown; extensions?: { code?: unknown } }[]) {
    const code = e?.extensions?.code;
    if (typeof e?.message !== 'string') out.push(`an error without a message: ${clip(JSON.stringify(e))}`);
    if (code === 'INTERNAL_SERVER_ERROR') out.push(`INTERNAL_SERVER_ERROR: ${clip(JSON.stringify(e))}`);
    else if (typeof code !== 'string' || !(STABLE_CODES.has(code) || extraCodes.has(code)))
      out.push(`unstable code ${String(code)}: ${clip(JSON.stringify(e))}`);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Printing reproductions short: 10k strings as "x"×10000

export function clip(s: string, max = 300): string {
  return s.length > max ? `${s.slice(0, max)}…(${s.length} chars)` : s;
}
export function show(v: unknown): string {
  return JSON.stringify(v, (_k, x) => {
    if (typeof x === 'string' && x.length > 80) {
      const same = x.split('').every((c) => c === x[0]);
      return same ? `<${JSON.stringify(x[0])}×${x.length}>` : `${x.slice(0, 60)}…<${x.length} chars>`;
    }
    if (typeof x === 'number' && !Number.isFinite(x)) return `<${x}>`;
    if (Array.isArray(x) && x.length > 12) return [...x.slice(0, 6), `<…${x.length} items>`];
    return x;
  });
}

// ---------------------------------------------------------------------------------------------
// Values: what a generated argument can be

export const OMIT = Symbol('omit');
export class Enum {
  constructor(readonly name: string) {}
  [fc.toStringMethod]() {
    return this.name;
  }
}
/** Literal-only syntax (1e400, NaN); `json` is what the same intent sends as a variable. */
export class Raw {
  constructor(
    readonly text: string,
    readonly json: unknown,
  ) {}
  [fc.toStringMethod]() {
    return `Raw(${this.text})`;
  }
}

export const NAME = /^[_A-Za-z][_0-9A-Za-z]*$/;

export function toJson(v: unknown): unknown {
  if (v instanceof Enum) return v.name;
  if (v instanceof Raw) return v.json;
  if (Array.isArray(v)) return v.map(toJson);
  if (v && typeof v === 'object')
    return Object.fromEntries(
      Object.entries(v)
        .filter(([, x]) => x !== OMIT)
        .map(([k, x]) => [k, toJson(x)]),
    );
  return v;
}

/** A value as GraphQL literal syntax; `raw` strings keep control characters and surrogates unescaped. */
export function toLiteral(v: unknown, raw: boolean): string {
  if (v instanceof Raw) return v.text;
  if (v instanceof Enum) return NAME.test(v.name) && !['true', 'false', 'null'].includes(v.name) ? v.name : JSON.stringify(v.name);
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string')
    return raw ? `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n').replace(/\r/g, '\\r')}"` : JSON.stringify(v);
  if (typeof v === 'number')
    return Number.isNaN(v) ? 'NaN' : !Number.isFinite(v) ? (v > 0 ? '1e400' : '-1e400') : Object.is(v, -0) ? '-0' : String(v);
  if (typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[${v.map((x) => toLiteral(x, raw)).join(', ')}]`;
  const fields = Object.entries(v as object).filter(([k, x]) => x !== OMIT && NAME.test(k));
  return `{${fields.map(([k, x]) => `${k}: ${toLiteral(x, raw)}`).join(', ')}}`;
}

export const deepList = (n: number): unknown => Array.from({ length: n }).reduce<unknown>((acc) => [acc], 'deep');
export const deepObject = (n: number): unknown => Array.from({ length: n }).reduce<unknown>((acc) => ({ a: acc }), 'deep');
/** The same as JSON text, built without recursion (JSON.stringify of 5000 levels overflows the test's own stack). */
export const deepListJson = (n: number) => `${'['.repeat(n)}"deep"${']'.repeat(n)}`;
export const deepObjectJson = (n: number) => `${'{"a":'.repeat(n)}"deep"${'}'.repeat(n)}`;

export interface Pools {
  now: Date;
  borrowers: string[];
  institutions: string[];
  banks: string[];
  insurers: string[];
  accounts: string[];
  consents: string[];
  disputes: string[];
  applications: string[];
  policies: string[];
  loans: string[];
  claims: string[];
  cursors: string[];
}

export const NOWHERE = '00000000-0000-4000-8000-000000000000';

/** Arbitraries for every input type of the schema, by type and by argument or field name. */
export function valueGenerators(p: Pools) {
  const day = (offset: number) => new Date(p.now.getTime() + offset * 86_400_000).toISOString().slice(0, 10);
  const instant = (minutes: number) => new Date(p.now.getTime() + minutes * 60_000).toISOString();
  const allIds = [...p.borrowers, ...p.accounts, ...p.consents, ...p.disputes, ...p.applications, ...p.policies, ...p.loans, ...p.claims];
  const pick = (xs: string[]) => fc.constantFrom(...(xs.length ? xs : [NOWHERE]));
  const text = fc.oneof(
    fc.constantFrom('王小明', '张北县', 'breeding', '扩大养殖规模', '这笔逾期记录有误', '2027 budget', '(2026)冀0722民初123号', 'ok'),
    fc.string({ minLength: 1, maxLength: 40 }),
    fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }),
  );
  const nationalId = fc.integer({ min: 0, max: 99_999 }).map((n) => {
    const first17 = `130722${1960 + (n % 40)}${String(1 + (n % 12)).padStart(2, '0')}${String(1 + (n % 28)).padStart(2, '0')}${String(n % 1000).padStart(3, '0')}`;
    return first17 + residentIdCheckDigit(first17);
  });

  function idFor(path: string[], root: string): fc.Arbitrary<unknown> {
    const name = path[path.length - 1];
    const byName: Record<string, string[]> = {
      borrowerId: p.borrowers,
      institutionId: p.institutions,
      bankId: p.banks,
      insurerId: p.insurers,
      recordId: p.accounts,
      applicationId: p.applications,
      policyId: p.policies,
      loanId: p.loans,
      claimId: p.claims,
    };
    const byRoot: Record<string, string[]> = {
      application: p.applications,
      reviewApplication: p.applications,
      policy: p.policies,
      loan: p.loans,
      claim: p.claims,
      revokeConsent: p.consents,
      resolveDispute: p.disputes,
    };
    if (path.join('.') === 'input.id' && root === 'createInstitution') return fc.stringMatching(/^[a-z0-9][a-z0-9-]{1,30}$/);
    const own = byName[name] ?? (name === 'id' ? byRoot[root] : undefined);
    return fc.oneof(
      { weight: 8, arbitrary: pick(own ?? allIds) },
      { weight: 2, arbitrary: pick(allIds) },
      { weight: 1, arbitrary: fc.uuid() },
    );
  }

  function stringFor(path: string[]): fc.Arbitrary<unknown> {
    switch (path[path.length - 1]) {
      case 'idempotencyKey':
        return fc.oneof(
          { weight: 9, arbitrary: fc.integer({ min: 0, max: 1e9 }).map((n) => `fuzz-key-${n}`) },
          { weight: 1, arbitrary: fc.constantFrom('fuzz-shared-key-1', 'fuzz-shared-key-2') },
        );
      case 'nationalId':
        return nationalId;
      case 'county':
        return fc.constantFrom('张北县', '桥东区', '蔚县', '康保县');
      case 'sector':
        return fc.constantFrom('breeding', 'retail', 'planting');
      case 'accountRef':
        return fc.integer({ min: 0, max: 40 }).map((n) => `ACC-FZ-${n}`);
      case 'action':
        return fc.constantFrom('credit.profile.read', 'claim.paid', 'audit.read');
      case 'actorUserId':
        return fc.constantFrom('admin-1', 'fuzz-admin');
      case 'after':
        return pick(p.cursors);
      default:
        return text;
    }
  }

  function intFor(path: string[]): fc.Arbitrary<unknown> {
    switch (path[path.length - 1]) {
      case 'first':
        return fc.integer({ min: 1, max: 100 });
      case 'termYears':
      case 'years':
      case 'maxTermYears':
        return fc.integer({ min: 1, max: 3 });
      case 'year':
        return fc.integer({ min: 2024, max: 2027 });
      case 'defaultThresholdDays':
        return fc.integer({ min: 30, max: 180 });
      case 'minimumCellSize':
        return fc.integer({ min: 1, max: 10 });
      default:
        return fc.integer({ min: 0, max: 100 });
    }
  }

  const money = (lo: number, hi: number) =>
    fc.oneof(
      fc.integer({ min: lo * 100, max: hi * 100 }).map((c) => (c / 100).toFixed(2)),
      fc.integer({ min: lo, max: hi }).map((n) => `${n}`),
      fc.integer({ min: lo, max: hi }),
    );
  const rate = (lo: number, hi: number) => fc.integer({ min: lo * 10_000, max: hi * 10_000 }).map((n) => String(n / 10_000));

  function scalarFor(type: string, path: string[], root: string): fc.Arbitrary<unknown> {
    const name = path[path.length - 1];
    switch (type) {
      case 'ID':
        return idFor(path, root);
      case 'String':
        return stringFor(path);
      case 'Int':
        return intFor(path);
      case 'Float':
        return fc.double({ noNaN: true, min: -1e6, max: 1e6 });
      case 'Boolean':
        return fc.boolean();
      case 'Money':
        return name === 'amount' || name === 'originalAmount' || name === 'balance' ? money(1, 300_000) : money(0, 10_000_000);
      case 'Rate':
        return /multiplier/i.test(name) ? rate(0.5, 2) : name === 'interestRate' ? rate(0.02, 0.08) : rate(0, 1);
      case 'Date':
        return name === 'registeredOn' ? fc.integer({ min: -4000, max: 0 }).map(day) : fc.integer({ min: -800, max: 400 }).map(day);
      case 'DateTime':
        return name === 'expiresAt' || name === 'effectiveFrom'
          ? fc.integer({ min: 1, max: 400 * 1440 }).map(instant)
          : fc.integer({ min: -400 * 1440, max: 400 * 1440 }).map(instant);
      default:
        return text;
    }
  }

  const boundaryScalars: Record<string, unknown[]> = {
    ID: ['', NOWHERE, NOWHERE.toUpperCase(), ` ${p.borrowers[0]} `, (p.borrowers[0] ?? NOWHERE).toUpperCase(), 'saibei-rural-bank', 123],
    String: ['', ' ', 'a', 'x'.repeat(8), 'x'.repeat(100), 'x'.repeat(101), '界'.repeat(200), '  padded  ', '😀', HUGE],
    Int: [0, -1, 1, 2, 2_147_483_647, -2_147_483_648, 1000],
    Float: [0, -0, Number.MAX_VALUE, Number.MIN_VALUE],
    Boolean: [true, false],
    Money: [
      '0',
      '0.00',
      '0.01',
      0,
      0.01,
      '999999999999.99',
      999_999_999_999.99,
      '100000.00',
      '100000.01',
      '200000.00',
      '300000.00',
      '300000.01',
      300_000.01,
    ],
    Rate: ['0', '0.000001', '999999.999999', '1', '1.3', '0.0435', '0.1', 0.05655],
    Date: ['1900-01-01', '2199-12-31', '2024-02-29', '2026-12-31', '2027-01-01', day(0), day(-1), day(1), day(-1826), day(-1827)],
    DateTime: [
      '1900-01-01T00:00:00Z',
      '2199-12-31T23:59:59.999999999Z',
      '2199-12-31T23:59:59-14:00',
      '1900-01-01T00:00:00+14:00',
      instant(0),
      instant(1),
      instant(-1),
      `${day(0)}T00:00:00+08:00`,
    ],
  };
  const hostileScalars: Record<string, unknown[]> = {
    ID: [1.5, true, -1, 2 ** 53, '0'.repeat(18), `${NOWHERE}\u0000`],
    String: [],
    Int: [2_147_483_648, -2_147_483_649, 1.5, '1', NaN, new Raw('1e400', Infinity), new Raw('01', 1), 2 ** 53, -0],
    Float: [NaN, new Raw('1e400', Infinity), 'x'],
    Boolean: ['true', 0, 1],
    Money: [
      '9999999999999999.99',
      '1000000000000.00',
      '-1',
      '-0.01',
      -1,
      '1e400',
      new Raw('1e400', Infinity),
      new Raw('-0.0', -0),
      NaN,
      Infinity,
      'NaN',
      '1.005',
      1.005,
      '.5',
      '5.',
      '+1',
      '1e3',
      1e21,
      Number.MAX_VALUE,
      '１００',
      '0x10',
    ],
    Rate: ['-0.01', '1e-7', '0.0000001', '1234567.1', NaN, new Raw('1e400', Infinity), 1e-7, 'NaN', -0.05],
    Date: [
      '0000-01-01',
      '2026-02-30',
      '2025-02-29',
      '2026-13-01',
      '2026-1-1',
      '2026-01-01T00:00:00Z',
      '20260101',
      20260101,
      '1899-12-31',
      '2200-01-01',
      '9999-12-31',
      '+002026-01-01',
      'today',
    ],
    DateTime: [
      '2026-02-30T00:00:00Z',
      '0000-01-01T00:00:00Z',
      '2026-06-15T25:00:00Z',
      '2026-06-15T00:00:00',
      '2026-06-15',
      '2026-06-15T00:00:00+15:00',
      '2026-06-15T00:00:00.1234567891Z',
      '+275760-09-13T00:00:00.000Z',
      '9999-12-31T23:59:59Z',
      'Invalid Date',
      1_781_000_000_000,
    ],
  };

  const cache = new Map<string, fc.Arbitrary<unknown>>();
  const memo = (k: string, f: () => fc.Arbitrary<unknown>) => cache.get(k) ?? (cache.set(k, f()), cache.get(k)!);

  /**
   * `top`: an argument (often hostile); `nested`: inside a list or input object (mostly valid);
   * `strict`: valid all the way down; `edge`: valid or boundary all the way down (extremes that
   * pass parsing and reach the rules and the database).
   */
  type Mode = 'top' | 'nested' | 'strict' | 'edge';
  function any(type: GraphQLInputType, path: string[], root: string, mode: Mode): fc.Arbitrary<unknown> {
    return memo(`${root}:${path.join('.')}:${String(type)}:${mode}`, () => {
      const lazy = (f: () => fc.Arbitrary<unknown>) => fc.constant(0).chain(f);
      if (mode === 'strict') return valid(type, path, root, 'strict');
      if (mode === 'edge') {
        return fc.oneof(
          { weight: 6, arbitrary: lazy(() => valid(type, path, root, 'edge')) },
          { weight: 4, arbitrary: lazy(() => boundary(type, path, root, 'edge')) },
        );
      }
      const nested = mode === 'nested';
      return fc.oneof(
        { weight: nested ? 88 : 62, arbitrary: lazy(() => valid(type, path, root, 'nested')) },
        { weight: nested ? 4 : 16, arbitrary: lazy(() => boundary(type, path, root, 'nested')) },
        { weight: nested ? 5 : 16, arbitrary: lazy(() => hostile(type, path, root)) },
        { weight: nested ? 3 : 6, arbitrary: wrongType },
      );
    });
  }

  /** A valid value; lists and input object fields inside it drawn as `inner` says. */
  function valid(type: GraphQLInputType, path: string[], root: string, inner: Mode): fc.Arbitrary<unknown> {
    if (isNonNullType(type)) return validInner(type.ofType, path, root, inner);
    return fc.oneof({ weight: 1, arbitrary: fc.constant(null) }, { weight: 5, arbitrary: validInner(type, path, root, inner) });
  }
  function validInner(type: GraphQLInputType, path: string[], root: string, inner: Mode): fc.Arbitrary<unknown> {
    if (isNonNullType(type)) return validInner(type.ofType, path, root, inner);
    if (isListType(type)) return fc.array(any(type.ofType, path, root, inner), { minLength: 0, maxLength: 3 });
    if (isEnumType(type)) return fc.constantFrom(...type.getValues().map((v) => new Enum(v.name)));
    if (isInputObjectType(type)) {
      const parts: Record<string, fc.Arbitrary<unknown>> = {};
      for (const f of Object.values(type.getFields())) {
        const value = any(f.type, [...path, f.name], root, inner);
        parts[f.name] = isNonNullType(f.type)
          ? value
          : fc.oneof({ weight: 2, arbitrary: fc.constant(OMIT) }, { weight: 3, arbitrary: value });
      }
      return fc.record(parts);
    }
    return scalarFor(type.name, path, root);
  }

  function boundary(type: GraphQLInputType, path: string[], root: string, inner: Mode): fc.Arbitrary<unknown> {
    const t = isNonNullType(type) ? type.ofType : type;
    if (isListType(t)) {
      const item = validInner(t.ofType, path, root, inner);
      return fc.oneof(fc.constant([]), item, fc.array(item, { minLength: 10, maxLength: 25 }));
    }
    if (isEnumType(t)) return validInner(t, path, root, inner);
    if (isInputObjectType(t)) {
      const fields = Object.values(t.getFields());
      const required: Record<string, fc.Arbitrary<unknown>> = {};
      const nulls: Record<string, fc.Arbitrary<unknown>> = {};
      for (const f of fields) {
        if (isNonNullType(f.type)) required[f.name] = nulls[f.name] = validInner(f.type, [...path, f.name], root, inner);
        else nulls[f.name] = fc.constant(null);
      }
      return fc.oneof(fc.record(required), fc.record(nulls));
    }
    return fc.constantFrom(...(boundaryScalars[t.name] ?? boundaryScalars.String));
  }

  function hostile(type: GraphQLInputType, path: string[], root: string): fc.Arbitrary<unknown> {
    const t = isNonNullType(type) ? type.ofType : type;
    const strs = fc.constantFrom(...HOSTILE_STRINGS);
    if (isListType(t)) {
      return fc.oneof(
        fc.constantFrom(deepList(30), deepList(200), Array(500).fill(null), [[]], Array(2000).fill('x')),
        fc.array(strs, { minLength: 1, maxLength: 4 }),
        fc.array(
          fc.constant(0).chain(() => hostile(t.ofType, path, root)),
          { minLength: 1, maxLength: 3 },
        ),
      );
    }
    if (isEnumType(t)) {
      const first = t.getValues()[0].name;
      return fc.oneof(
        fc.constantFrom(new Enum(`${first}X`), new Enum(first.toLowerCase()), new Enum('true'), new Enum('null'), first, 0),
        strs,
      );
    }
    if (isInputObjectType(t)) {
      const base = validInner(t, path, root, 'nested') as fc.Arbitrary<Record<string, unknown>>;
      const required = Object.values(t.getFields())
        .filter((f) => isNonNullType(f.type))
        .map((f) => f.name);
      return fc.oneof(
        fc.constantFrom({}, deepObject(60), JSON.parse('{"__proto__": {"polluted": true}}'), { constructor: { prototype: { x: 1 } } }),
        base.map((o) => ({ ...o, zzzExtra: 'extra' })),
        base.chain((o) => (required.length ? fc.constantFrom(...required).map((k) => ({ ...o, [k]: OMIT })) : fc.constant(o))),
        base.chain((o) => (required.length ? fc.constantFrom(...required).map((k) => ({ ...o, [k]: null })) : fc.constant(o))),
        base.chain((o) => {
          const keys = Object.keys(t.getFields());
          return fc.tuple(fc.constantFrom(...keys), fc.constantFrom(...HOSTILE_STRINGS)).map(([k, s]) => ({ ...o, [k]: s }));
        }),
        base.map((o) => [o, o]),
        strs,
      );
    }
    return fc.oneof(fc.constantFrom(...(hostileScalars[t.name] ?? []), ...HOSTILE_STRINGS), strs);
  }

  const wrongType = fc.constantFrom<unknown>(
    0,
    1.5,
    -1,
    true,
    false,
    'text',
    [],
    {},
    [[[]]],
    null,
    { a: 1 },
    [1, 'a', null],
    new Enum('SOME_ENUM'),
  );

  return { any, valid };
}

// ---------------------------------------------------------------------------------------------
// Operations: one root field, its arguments as variables or literals

export const schema = buildSchema();
export const ROOT_FIELDS: { op: 'query' | 'mutation'; field: GraphQLField<unknown, unknown> }[] = [
  ...Object.values(schema.getQueryType()!.getFields()).map((field) => ({ op: 'query' as const, field })),
  ...Object.values(schema.getMutationType()!.getFields()).map((field) => ({ op: 'mutation' as const, field })),
];

/** A selection of the return type: its leaf fields, and those of nested objects to `depth`. */
export function selection(type: GraphQLOutputType, depth: number): string {
  const named = getNamedType(type);
  if (isLeafType(named)) return '';
  if (!isObjectType(named)) return '{ __typename }';
  const parts: string[] = [];
  for (const f of Object.values(named.getFields())) {
    if (f.args.some((a) => isNonNullType(a.type))) continue;
    if (isLeafType(getNamedType(f.type))) parts.push(f.name);
    else if (depth > 0) parts.push(`${f.name} ${selection(f.type, depth - 1)}`);
  }
  return `{ ${parts.length ? parts.join(' ') : '__typename'} }`;
}
export const SELECTIONS = ROOT_FIELDS.map(({ field }) => [0, 1, 2].map((d) => selection(field.type, d)));

export interface ArgPlan {
  name: string;
  value: unknown;
  how: 'var' | 'lit';
  /** A wrong variable type to declare instead of the argument's. */
  decl: string | null;
}
export type Twist = 'none' | 'unknownArg' | 'dupArg' | 'declaredNotSent' | 'unusedVar' | 'alias' | 'twoOps';
export interface GqlPlan {
  /** Who sends it: a key of the test's identities. */
  who: string;
  root: number;
  depth: number;
  raw: boolean;
  twist: Twist;
  args: ArgPlan[];
}

export function buildOperation(plan: GqlPlan) {
  const { op, field } = ROOT_FIELDS[plan.root];
  const decls: string[] = [];
  const args: string[] = [];
  const variables: Record<string, unknown> = {};
  plan.args.forEach((a, i) => {
    if (a.value === OMIT) return;
    const argType = String(field.args.find((x) => x.name === a.name)!.type);
    if (a.how === 'var') {
      decls.push(`$v${i}: ${a.decl ?? argType}`);
      args.push(`${a.name}: $v${i}`);
      variables[`v${i}`] = toJson(a.value);
    } else args.push(`${a.name}: ${toLiteral(a.value, plan.raw)}`);
  });
  if (plan.twist === 'unknownArg') args.push('zzUnknown: 1');
  if (plan.twist === 'dupArg' && args.length) args.push(args[0]);
  if (plan.twist === 'declaredNotSent') decls.push('$missing: String!');
  if (plan.twist === 'unusedVar') {
    decls.push('$unused: Int');
    variables.unused = 'not an int';
  }
  const call = `${plan.twist === 'alias' ? 'fuzzAlias: ' : ''}${field.name}${args.length ? `(${args.join(', ')})` : ''} ${SELECTIONS[plan.root][plan.depth]}`;
  const head = `${op}${plan.twist === 'twoOps' ? ' Fuzz' : ''}${decls.length ? `(${decls.join(', ')})` : ''}`;
  let query = `${head} { ${call} }`;
  let operationName: string | undefined;
  if (plan.twist === 'twoOps') {
    query += ' query Other { me { role } }';
    operationName = 'Fuzz';
  }
  return { query, variables, operationName };
}
