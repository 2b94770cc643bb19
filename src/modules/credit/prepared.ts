/**
 * A statement's text built once: drizzle turns a tree of `sql` fragments into text and parameters
 * on every call, which costs more than the hot read itself. A template is that text, cut at its
 * parameters, with each parameter either a constant or a named placeholder; binding it per call
 * is one flat `sql` of the same text, so both drivers (and postgres.js's prepared-statement cache,
 * keyed by the text) see exactly what the tree would have produced.
 */
import { is, Placeholder, SQL, sql, type Query } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';

const dialect = new PgDialect();

export interface Template<V> {
  /** The text between the parameters (one more part than parameters). */
  parts: TemplateStringsArray;
  /** Each parameter's value: a placeholder's name in V, or a constant. */
  slots: ReadonlyArray<{ name: keyof V & string } | { value: unknown }>;
  text: string;
}

export function template<V>(statement: SQL): Template<V> {
  const q = dialect.sqlToQuery(statement);
  // drizzle numbers its parameters $1, $2, … in order; anything else here would be a bug in this cut
  const parts = q.sql.split(/\$\d+\b/);
  const order = [...q.sql.matchAll(/\$(\d+)\b/g)].map((m) => Number(m[1]));
  if (parts.length !== q.params.length + 1 || order.some((n, i) => n !== i + 1))
    throw new Error('template: the statement text holds a $n that is not one of its parameters');
  const slots = q.params.map((p) => (is(p, Placeholder) ? { name: (p as Placeholder).name as keyof V & string } : { value: p }));
  return { parts: Object.assign([...parts], { raw: [...parts] }), slots, text: q.sql };
}

/**
 * A statement whose text is already built: `toQuery` (what both drivers' sessions and
 * `Database.prepared` call, through the dialect's sqlToQuery) answers the template's text and
 * these parameters without walking any chunks. Embedded in another `sql`, drizzle reads its
 * chunks instead: they are made then, as the same flat text and parameters.
 */
class BoundSQL extends SQL {
  constructor(
    private readonly text: string,
    private readonly params: unknown[],
    parts: TemplateStringsArray,
  ) {
    super([]);
    Object.defineProperty(this, 'queryChunks', { get: () => sql(parts, ...params).queryChunks });
  }
  override toQuery(): Query {
    return { sql: this.text, params: this.params };
  }
}

/** The template with `values` bound. */
export function bind<V>(t: Template<V>, values: V): SQL {
  const params = new Array<unknown>(t.slots.length);
  for (let i = 0; i < t.slots.length; i++) {
    const s = t.slots[i];
    params[i] = 'name' in s ? values[s.name] : s.value;
  }
  return new BoundSQL(t.text, params, t.parts);
}
