import { Decimal } from 'decimal.js';
import { GraphQLScalarType, Kind, type ValueNode } from 'graphql';
import { isValidDate } from '../time.js';

const MONEY_RE = /^\d{1,16}(\.\d{1,2})?$/;
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
    throw new TypeError(`${what} must be a non-negative decimal (${what === 'Money' ? 'at most 2' : 'at most 6'} decimal places), got ${JSON.stringify(value)}`);
  }
  return text;
}

export const MoneyScalar = new GraphQLScalarType({
  name: 'Money',
  serialize: (v) => new Decimal(v as Decimal.Value).toFixed(2),
  parseValue: (v) => new Decimal(decimalText(v, MONEY_RE, 'Money')).toFixed(2),
  parseLiteral: (ast) => new Decimal(decimalText(literal(ast), MONEY_RE, 'Money')).toFixed(2),
});

export const RateScalar = new GraphQLScalarType({
  name: 'Rate',
  serialize: (v) => new Decimal(v as Decimal.Value).toDecimalPlaces(6).toString(),
  parseValue: (v) => new Decimal(decimalText(v, RATE_RE, 'Rate')).toString(),
  parseLiteral: (ast) => new Decimal(decimalText(literal(ast), RATE_RE, 'Rate')).toString(),
});

function parseDate(v: unknown): string {
  if (typeof v !== 'string' || !isValidDate(v)) throw new TypeError(`Date must be YYYY-MM-DD, got ${JSON.stringify(v)}`);
  return v;
}

export const DateScalar = new GraphQLScalarType({
  name: 'Date',
  serialize: (v) => (v instanceof Date ? v.toISOString().slice(0, 10) : String(v)),
  parseValue: parseDate,
  parseLiteral: (ast) => parseDate(ast.kind === Kind.STRING ? ast.value : undefined),
});

const DATETIME_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

function parseDateTime(v: unknown): Date {
  if (typeof v !== 'string' || !DATETIME_RE.test(v) || Number.isNaN(Date.parse(v))) {
    throw new TypeError(`DateTime must be ISO-8601 with a time zone, got ${JSON.stringify(v)}`);
  }
  return new Date(v);
}

export const DateTimeScalar = new GraphQLScalarType({
  name: 'DateTime',
  serialize: (v) => (v instanceof Date ? v : new Date(v as string)).toISOString(),
  parseValue: parseDateTime,
  parseLiteral: (ast) => parseDateTime(ast.kind === Kind.STRING ? ast.value : undefined),
});

export const scalarResolvers = {
  Money: MoneyScalar,
  Rate: RateScalar,
  Date: DateScalar,
  DateTime: DateTimeScalar,
};
