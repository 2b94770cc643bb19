import { sql } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import { describe, expect, it } from 'vitest';
import { bind, template } from '../../src/modules/credit/prepared.js';
import { profileStatement } from '../../src/modules/credit/profile.js';

const dialect = new PgDialect();
const build = (b: string | SqlValue, n: SqlValue) =>
  sql`select ${b}::uuid as b, ${'CONST'}::text as c where x = ${n}::int and y = ${b}::uuid and z in (${sql.join([sql`${'A'}`, sql`${'B'}`], sql`, `)})`;
type SqlValue = ReturnType<typeof sql.placeholder>;

describe('a statement template', () => {
  it('binds to exactly the text and parameters drizzle builds with the values inline', () => {
    const t = template<{ b: string; n: number }>(build(sql.placeholder('b'), sql.placeholder('n')));
    const inline = dialect.sqlToQuery(build('0b0b7a4e-3c1d-4a5e-8f00-000000000001' as never, 7 as never));
    const bound = dialect.sqlToQuery(bind(t, { b: '0b0b7a4e-3c1d-4a5e-8f00-000000000001', n: 7 }));
    expect(bound).toEqual({ sql: inline.sql, params: inline.params });
    // embedded in another statement, it gives the same text too
    expect(dialect.sqlToQuery(sql`${bind(t, { b: 'x', n: 1 })}`).sql).toBe(inline.sql);
  });

  it('refuses a text holding a $n that is not one of its parameters', () => {
    expect(() => template(sql`select '$1' as x, ${sql.placeholder('a')}`)).toThrow(/not one of its parameters/);
  });

  it('builds the profile statement text once per shape: two reads differ only in their parameters', () => {
    const read = (borrowerId: string, requestId: string) => ({
      borrowerId,
      now: new Date('2026-06-15T02:00:00Z'),
      currentMonth: 2026 * 12 + 5,
      retentionCutoff: '2021-06-15',
      inquiryWindowStart: new Date('2025-12-15T00:00:00Z'),
      inquiryHistoryStart: new Date('2024-06-15T02:00:00Z'),
      audit: { requestId, userId: 'u', role: 'BANK', institutionId: 'bank-a', borrowerActorId: null },
      institutionRead: { institutionId: 'bank-a', purpose: 'LOAN_APPLICATION' as const, needsOpenAccount: false },
      page: { limit: 100 },
      withFacts: false,
    });
    const a = dialect.sqlToQuery(profileStatement(read('0b0b7a4e-3c1d-4a5e-8f00-000000000001', 'r1')));
    const b = dialect.sqlToQuery(profileStatement(read('0b0b7a4e-3c1d-4a5e-8f00-000000000002', 'r2')));
    expect(b.sql).toBe(a.sql);
    expect(a.params).toContain('0b0b7a4e-3c1d-4a5e-8f00-000000000001');
    expect(b.params).toContain('0b0b7a4e-3c1d-4a5e-8f00-000000000002');
    expect(b.params).not.toContain('0b0b7a4e-3c1d-4a5e-8f00-000000000001');
    expect(a.params.length).toBe(b.params.length);
  });
});
