import type { Context } from '../../context.js';
import { parameterPolicy } from './policy.js';
import * as store from './store.js';
import { parametersInForce, toVersion } from './versions.js';

export { applyChanges } from './changes.js';
export { createParameterVersion } from './commands/createParameterVersion.js';
export { parameterVersion, parametersInForce, requireVersion, type ParameterVersion } from './versions.js';

/**
 * The version in force at `asOf` (default: now), for any signed-in role. Read from the read
 * replica when there is one (Context.readDb): a version made a moment ago may show after the
 * replica's lag. Decisions (quote, reviews, claims) read their version on the primary, in their transaction.
 */
export async function programmeParameters(ctx: Context, args: { asOf?: Date | string | null }) {
  parameterPolicy.gate(ctx, 'read');
  return parametersInForce(ctx, args.asOf ? new Date(args.asOf) : ctx.now, ctx.readDb.orm);
}

/** Every version, newest first (from the read replica when there is one). */
export async function parameterVersions(ctx: Context) {
  parameterPolicy.gate(ctx, 'read');
  return (await store.all(ctx.readDb.orm)).map(toVersion);
}
