import type { Context } from '../context.js';
import type { Role } from '../domain.js';
import { forbidden, notFound, unauthenticated } from '../errors.js';
import type { Actor, ActorOf } from './actor.js';

/**
 * Resource policies, the second layer behind graphql-shield (Outline's server/policies).
 * Each module's policy.ts says, per action, which roles may attempt it at all and, for a
 * loaded resource, whether this actor may act on this one (tenant first).
 *
 *   gate(actor, action)               role level: FORBIDDEN before any input is read
 *   can(actor, action, resource)      the whole answer, for lists and tests
 *   authorize(actor, action, res)     NOT_FOUND when absent or not yours: no existence oracle
 */
export interface Rule<R extends Role, T> {
  roles: readonly R[];
  when?: (actor: ActorOf<R>, resource: T) => boolean;
}

/** `allow(['INSURER'], (a, claim) => a.institutionId === claim.insurerId)` */
export function allow<const R extends Role, T = unknown>(
  roles: readonly R[],
  when?: (actor: ActorOf<R>, resource: T) => boolean,
): Rule<R, T> {
  return { roles, when };
}

type RolesOf<X> = X extends { roles: readonly (infer R)[] } ? R : never;
type ResourceOf<X> = X extends { when?: (actor: never, resource: infer T) => boolean } ? T : never;

// Rules of any role list and resource type; each action's own types are recovered by RolesOf/ResourceOf.
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the variance of `when` needs the widest element type here
type AnyRule = Rule<any, any>;

function hasIdentity(actor: Actor): boolean {
  if (actor.role === 'BORROWER') return !!actor.borrowerId;
  if (actor.role === 'ADMIN') return true;
  return !!actor.institutionId;
}

export function definePolicy<const Rules extends Record<string, AnyRule>>(resourceName: string, rules: Rules) {
  type Action = keyof Rules & string;
  const may = (actor: Actor | null, action: Action): boolean => !!actor && rules[action].roles.includes(actor.role) && hasIdentity(actor);
  return {
    resourceName,
    rules,
    /** Whether the actor's role may attempt the action at all. */
    may,
    /** Role level, before any input is read: FORBIDDEN (or UNAUTHENTICATED). Narrows the actor. */
    gate<A extends Action>(ctx: Pick<Context, 'actor' | 'authError'>, action: A): ActorOf<RolesOf<Rules[A]>> {
      const actor = requireActor(ctx);
      if (!may(actor, action)) throw forbidden();
      return actor as ActorOf<RolesOf<Rules[A]>>;
    },
    can<A extends Action>(actor: Actor | null, action: A, resource: ResourceOf<Rules[A]>): boolean {
      if (!actor || !may(actor, action)) return false;
      const when = rules[action].when;
      return !when || when(actor, resource);
    },
    /** The resource if the actor may act on it; NOT_FOUND when it is absent or not theirs. */
    authorize<A extends Action, T extends ResourceOf<Rules[A]>>(actor: Actor, action: A, resource: T | null | undefined): T {
      if (resource === null || resource === undefined || !this.can(actor, action, resource)) throw notFound(resourceName);
      return resource;
    },
  };
}

export function requireActor(ctx: Pick<Context, 'actor' | 'authError'>): Actor {
  if (!ctx.actor) throw ctx.authError ?? unauthenticated();
  return ctx.actor;
}

/* Predicates the policies share. */
export const isInstitutionOf = (actor: Actor, institutionId: string) => actor.institutionId === institutionId;
/** A programme deal's parties: its bank, its insurer and its borrower. */
export function isPartyTo(actor: Actor, deal: { bankId: string; insurerId: string; borrowerId: string }): boolean {
  if (actor.role === 'BANK') return actor.institutionId === deal.bankId;
  if (actor.role === 'INSURER') return actor.institutionId === deal.insurerId;
  if (actor.role === 'BORROWER') return actor.borrowerId === deal.borrowerId;
  return false;
}
