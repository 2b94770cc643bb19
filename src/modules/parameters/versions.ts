import type { Context } from '../../context.js';
import type { Database, Executor } from '../../db/client.js';
import { conflict, notFound } from '../../errors.js';
import { parametersSchema, type ProgrammeParameters } from './rules.js';
import * as store from './store.js';

export interface ParameterVersion {
  version: number;
  effectiveFrom: Date;
  note: string;
  createdAt: Date;
  createdBy: string;
  document: ProgrammeParameters;
}

/** Versions never change once written, so each is parsed once per database handle. */
const cache = new WeakMap<Database['orm'], Map<number, ParameterVersion>>();

export function toVersion(row: store.ParameterRow): ParameterVersion {
  return {
    ...row,
    effectiveFrom: new Date(row.effectiveFrom),
    createdAt: new Date(row.createdAt),
    document: parametersSchema.parse(row.document),
  };
}

/** A version by number; `q` is the executor to read through on a cache miss (the open transaction, if any). */
export async function parameterVersion(db: Database, version: number, q: Executor = db.orm): Promise<ParameterVersion | undefined> {
  let versions = cache.get(db.orm);
  if (!versions) cache.set(db.orm, (versions = new Map()));
  const hit = versions.get(version);
  if (hit) return hit;
  const row = await store.byVersion(q, version);
  if (!row) return undefined;
  const v = toVersion(row);
  versions.set(version, v);
  return v;
}

/** The version in force at `at`: the latest effective date not after it, the highest version on a tie. */
export async function parametersInForce(ctx: Pick<Context, 'db'>, at: Date, db: Executor = ctx.db.orm): Promise<ParameterVersion> {
  const r = await store.versionInForce(db, at);
  if (!r) throw conflict(`No programme parameters are in force at ${at.toISOString()}`);
  return (await parameterVersion(ctx.db, r.version, db))!;
}

/** The version a stored decision used; inside a transaction pass its executor (a cache miss reads through it). */
export async function requireVersion(ctx: Pick<Context, 'db'>, version: number, q: Executor = ctx.db.orm): Promise<ParameterVersion> {
  const v = await parameterVersion(ctx.db, version, q);
  if (!v) throw notFound('Parameter version');
  return v;
}
