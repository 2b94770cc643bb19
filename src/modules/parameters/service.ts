import type { Context } from '../../context.js';
import { parameterPolicy } from './policy.js';
import * as store from './store.js';
import { parametersInForce, toVersion } from './versions.js';

export { applyChanges } from './changes.js';
export { createParameterVersion } from './commands/createParameterVersion.js';
export { parameterVersion, parametersInForce, requireVersion, type ParameterVersion } from './versions.js';

/** The version in force at `asOf` (default: now), for any signed-in role. */
export async function programmeParameters(ctx: Context, args: { asOf?: Date | string | null }) {
  parameterPolicy.gate(ctx, 'read');
  return parametersInForce(ctx, args.asOf ? new Date(args.asOf) : ctx.now);
}

/** Every version, newest first. */
export async function parameterVersions(ctx: Context) {
  parameterPolicy.gate(ctx, 'read');
  return (await store.all(ctx.db.orm)).map(toVersion);
}
