import { expect, it } from 'vitest';
import type { Actor } from '../../../src/auth/actor.js';

interface PolicyLike<A extends string> {
  // the resource type varies by action; the table states each row's resource explicitly
  can(actor: Actor | null, action: A, resource: never): boolean;
}

/** One row: [what the row says, actor, action, resource, allowed?] */
export type PolicyRow<A extends string> = [string, Actor | null, A, unknown, boolean];

/** A policy's role × action × ownership table, one test per row. */
export function policyTable<A extends string>(policy: PolicyLike<A>, rows: PolicyRow<A>[]) {
  it.each(rows)('%s', (_what, actor, action, resource, allowed) => {
    expect(policy.can(actor, action, resource as never)).toBe(allowed);
  });
}
