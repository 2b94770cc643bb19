import { z } from 'zod';
import { requireActor, requireRole } from '../../auth/policy.js';
import type { Database, Executor } from '../../db/client.js';
import { BORROWER_CATEGORIES } from '../../domain.js';
import { badInput, conflict, notFound } from '../../errors.js';
import type { Context } from '../../context.js';
import { idempotent } from '../../idempotency.js';
import { text } from '../../validation.js';
import { appendAudit } from '../audit/store.js';
import { GRADES, parametersSchema, type ProgrammeParameters } from './rules.js';
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
const cache = new WeakMap<Database["orm"], Map<number, ParameterVersion>>();

function toVersion(row: store.ParameterRow): ParameterVersion {
  return { ...row, effectiveFrom: new Date(row.effectiveFrom), createdAt: new Date(row.createdAt), document: parametersSchema.parse(row.document) };
}

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

export async function programmeParameters(ctx: Context, args: { asOf?: Date | null }) {
  requireActor(ctx);
  return parametersInForce(ctx, args.asOf ?? ctx.now);
}

export async function parameterVersions(ctx: Context) {
  requireActor(ctx);
  return (await store.all(ctx.db.orm)).map(toVersion);
}

const fraction = z.string();
const changesSchema = z
  .object({
    categoryCaps: z.array(z.object({ category: z.enum(BORROWER_CATEGORIES), cap: z.string() })).nullish(),
    benchmarkRates: z.array(z.object({ effectiveOn: z.string(), bands: z.array(z.object({ maxTermYears: z.number(), rate: fraction })) })).nullish(),
    rateCeilingMultiplier: fraction.nullish(),
    financingCostCeiling: fraction.nullish(),
    basePremiumRate: fraction.nullish(),
    borrowerBasePremiumRate: fraction.nullish(),
    premiumRateFloor: fraction.nullish(),
    premiumRateCeiling: fraction.nullish(),
    terms: z.array(z.object({ years: z.number(), premiumFactor: fraction })).nullish(),
    gradeMultipliers: z.array(z.object({ grade: z.enum(GRADES), multiplier: fraction })).nullish(),
    startupPhase: z.object({ years: z.number(), appliesTo: z.array(z.enum(BORROWER_CATEGORIES)) }).nullish(),
    defaultThresholdDays: z.number().nullish(),
    lossShares: z.object({ insurer: fraction, bank: fraction }).nullish(),
    riskCompensation: z.object({ ratio: fraction, perLoanQuota: z.string() }).nullish(),
    riskReserveShare: fraction.nullish(),
    referenceGuaranteeCost: fraction.nullish(),
    minimumCellSize: z.number().nullish(),
  })
  .strict();

/** Apply changes to a document: lists of keyed entries update by key, other lists replace. */
export function applyChanges(base: ProgrammeParameters, c: z.infer<typeof changesSchema>): unknown {
  const next: any = structuredClone(base);
  for (const [k, v] of Object.entries(c)) {
    if (v === null || v === undefined) continue;
    if (k === 'categoryCaps') for (const e of v as any[]) next.categoryCaps[e.category] = e.cap;
    else if (k === 'gradeMultipliers') for (const e of v as any[]) next.gradeMultipliers[e.grade] = e.multiplier;
    else if (k === 'benchmarkRates') {
      // entries are added (or replaced by date): the history keeps growing
      const byDate = new Map<string, any>(next.benchmarkRates.map((b: any) => [b.effectiveOn, b]));
      for (const e of v as any[]) byDate.set(e.effectiveOn, e);
      next.benchmarkRates = [...byDate.values()].sort((a, b) => a.effectiveOn.localeCompare(b.effectiveOn));
    } else next[k] = v;
  }
  return next;
}

const createInput = z.object({ effectiveFrom: z.date(), note: text(500), changes: changesSchema });

export async function createParameterVersion(ctx: Context, args: { input: unknown; idempotencyKey: string }) {
  const actor = requireRole(ctx, 'GOVERNMENT', 'ADMIN');
  const parsed = createInput.safeParse(args.input);
  if (!parsed.success) throw badInput(`input.${parsed.error.issues[0].path.join('.')} ${parsed.error.issues[0].message}`, { field: 'input' });
  const input = parsed.data;
  if (input.effectiveFrom.getTime() < ctx.now.getTime()) {
    throw badInput('input.effectiveFrom must not be in the past: decisions already taken keep the version they used', { field: 'input.effectiveFrom' });
  }
  return idempotent(ctx, 'createParameterVersion', args.idempotencyKey, args.input, async (tx) => {
    const base = toVersion(await store.latest(tx));
    const doc = parametersSchema.safeParse(applyChanges(base.document, input.changes));
    if (!doc.success) {
      const i = doc.error.issues[0];
      throw badInput(`input.changes.${i.path.join('.')} ${i.message}`, { field: `input.changes.${i.path.join('.')}` });
    }
    const row = await store.insertVersion(tx, {
      effectiveFrom: input.effectiveFrom,
      document: doc.data,
      note: input.note,
      createdAt: ctx.now,
      createdBy: `${actor.role}:${actor.userId}`,
    });
    await appendAudit(tx, ctx, {
      action: 'parameters.version.created',
      targetType: 'programme_parameters',
      targetId: String(row.version),
      detail: { effectiveFrom: input.effectiveFrom.toISOString(), basedOn: base.version, changes: input.changes },
    });
    return toVersion(row);
  });
}

export async function requireVersion(ctx: Context, version: number) {
  const v = await parameterVersion(ctx.db, version);
  if (!v) throw notFound('Parameter version');
  return v;
}
