import { Decimal } from 'decimal.js';
import { GraphQLScalarType, Kind, type ValueNode } from 'graphql';
import { EARLIEST_DATE, isValidDate, LATEST_DATE } from '../time.js';

/**
 * Money inputs: at most 12 integer digits (under 1,000,000,000,000.00 CNY, far above any
 * programme amount), so that sums of many stay inside the numeric(18,2) columns.
 */
const MONEY_RE = /^\d{1,12}(\.\d{1,2})?$/;
const RATE_RE = /^\d{1,6}(\.\d{1,6})?$/;

function literal(ast: ValueNode): unknown {
  if (ast.kind === Kind.STRING) return ast.value;
  if (ast.kind === Kind.INT || ast.kind === Kind.FLOAT) return Number(ast.value);
  throw new TypeError('expected a string or a number');
}

function decimalText(value: unknown, re: RegExp, what: string): string {
  // A JS number prints its shortest round-trip form, so 300000.01 reads back as "300000.01".
  const text = typeof value === 'number' && Number.isFinite(value) ? String(value) : value;
  if (typeof text !== 'string' || !re.test(text)) {
    const rule = what === 'Money' ? 'below 1,000,000,000,000 with at most 2 decimal places' : 'at most 6 decimal places';
    throw new TypeError(`${what} must be a non-negative decimal (${rule}), got ${JSON.stringify(value)?.slice(0, 40)}`);
  }
  return text;
}

/** Already canonical (what numeric(18,2)::text gives): served as it is, no Decimal per value. */
const CANONICAL_MONEY = /^(0|[1-9]\d*)\.\d{2}$/;

export const MoneyScalar = new GraphQLScalarType({
  name: 'Money',
  serialize: (v) => (typeof v === 'string' && CANONICAL_MONEY.test(v) ? v : new Decimal(v as Decimal.Value).toFixed(2)),
  parseValue: (v) => new Decimal(decimalText(v, MONEY_RE, 'Money')).toFixed(2),
  parseLiteral: (ast) => new Decimal(decimalText(literal(ast), MONEY_RE, 'Money')).toFixed(2),
});

export const RateScalar = new GraphQLScalarType({
  name: 'Rate',
  serialize: (v) => new Decimal(v as Decimal.Value).toDecimalPlaces(6).toString(),
  parseValue: (v) => new Decimal(decimalText(v, RATE_RE, 'Rate')).toString(),
  parseLiteral: (ast) => new Decimal(decimalText(literal(ast), RATE_RE, 'Rate')).toString(),
});

const RANGE = `a real calendar date from ${EARLIEST_DATE} to ${LATEST_DATE}`;

function parseDate(v: unknown): string {
  if (typeof v !== 'string' || !isValidDate(v))
    throw new TypeError(`Date must be YYYY-MM-DD, ${RANGE}; got ${JSON.stringify(v)?.slice(0, 40)}`);
  return v;
}

export const DateScalar = new GraphQLScalarType({
  name: 'Date',
  serialize: (v) => (v instanceof Date ? v.toISOString().slice(0, 10) : String(v)),
  parseValue: parseDate,
  parseLiteral: (ast) => parseDate(ast.kind === Kind.STRING ? ast.value : undefined),
});

const DATETIME_RE = /^(\d{4}-\d{2}-\d{2})T([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,9})?)?(Z|[+-](0\d|1[0-4]):[0-5]\d)$/;

/** ISO-8601 with a zone; the date part as written must be a real day (2026-02-30 is refused, not rolled into March). */
function parseDateTime(v: unknown): Date {
  const m = typeof v === 'string' ? DATETIME_RE.exec(v) : null;
  if (!m || !isValidDate(m[1]) || Number.isNaN(Date.parse(v as string))) {
    throw new TypeError(`DateTime must be ISO-8601 with a time zone, on ${RANGE}; got ${JSON.stringify(v)?.slice(0, 40)}`);
  }
  return new Date(v as string);
}

export const DateTimeScalar = new GraphQLScalarType({
  name: 'DateTime',
  serialize: (v) => (v instanceof Date ? v : new Date(v as string)).toISOString(),
  parseValue: parseDateTime,
  parseLiteral: (ast) => parseDateTime(ast.kind === Kind.STRING ? ast.value : undefined),
});

/** A JSON value, output only (no input takes one): an audit entry's detail as an object, not a string holding JSON. */
export const JSONScalar = new GraphQLScalarType({
  name: 'JSON',
  serialize: (v) => v,
  parseValue: () => {
    throw new TypeError('JSON is an output type');
  },
  parseLiteral: () => {
    throw new TypeError('JSON is an output type');
  },
});

export const scalarResolvers = {
  Money: MoneyScalar,
  Rate: RateScalar,
  Date: DateScalar,
  DateTime: DateTimeScalar,
  JSON: JSONScalar,
};
