import type { Ctx } from '../graphql/context.js';
import type { Role } from '../domain.js';
import { forbidden, unauthenticated } from '../errors.js';
import type { Actor } from './actor.js';

/**
 * Resource-level checks, the second layer behind graphql-shield. Shield decides whether a
 * role may call a field at all; these decide on the tenant and the resource.
 */
export function requireActor(ctx: Ctx): Actor {
  if (!ctx.actor) throw ctx.authError ?? unauthenticated();
  return ctx.actor;
}

export function requireRole(ctx: Ctx, ...roles: Role[]): Actor {
  const actor = requireActor(ctx);
  if (!roles.includes(actor.role)) throw forbidden();
  return actor;
}

export type InstitutionActor = Actor & { role: 'BANK' | 'INSURER'; institutionId: string };
export type BorrowerActor = Actor & { role: 'BORROWER'; borrowerId: string };

export function requireInstitution(ctx: Ctx, ...roles: ('BANK' | 'INSURER')[]): InstitutionActor {
  const actor = requireRole(ctx, ...(roles.length ? roles : (['BANK', 'INSURER'] as const)));
  if (!actor.institutionId) throw forbidden();
  return actor as InstitutionActor;
}

export function requireBorrower(ctx: Ctx): BorrowerActor {
  const actor = requireRole(ctx, 'BORROWER');
  if (!actor.borrowerId) throw forbidden();
  return actor as BorrowerActor;
}
