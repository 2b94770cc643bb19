import type { Actor } from '../../auth/actor.js';
import type { Context } from '../../context.js';
import type { InstitutionKind } from '../../domain.js';
import { institutionPolicy } from './policy.js';
import * as store from './store.js';

export { createInstitution } from './commands/createInstitution.js';
export { deactivateInstitution } from './commands/deactivateInstitution.js';

/** Every institution (of a kind): from the read replica when there is one (Context.readDb), so one made a moment ago may show after the replica's lag. */
export async function institutions(ctx: Context, args: { kind?: InstitutionKind | null }) {
  institutionPolicy.gate(ctx, 'list');
  return store.listInstitutions(ctx.readDb.orm, args.kind ?? undefined);
}

/** The caller as the verified token says. */
export function me(ctx: Context): Actor {
  return { ...institutionPolicy.gate(ctx, 'me') };
}
