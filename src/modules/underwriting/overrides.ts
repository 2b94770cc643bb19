import { badInput, conflict } from '../../errors.js';
import type { Reason, ReasonCode } from './eligibility.js';
import { isHardLimit } from './explain.js';

/** A rule reason a person set aside, with why, and the records it rested on (stored with the review). */
export interface Override {
  code: ReasonCode;
  justification: string;
  restsOn: string[];
}

/**
 * Check a human reviewer's overrides against the reasons failing now (PIPL Art 24 review).
 *
 * - A hard limit (cap, rate ceiling, financing-cost ceiling, term, benchmark, startup phase) is
 *   never set aside: asking to is a CONFLICT naming it, and so is a failing reason that is not
 *   overridable (a data reason whose records are neither under open dispute nor unverifiable).
 * - Every failing reason must be overridden, each with its justification; an override of a
 *   reason that does not fail is a mistake (BAD_USER_INPUT).
 */
export function applyOverrides(failing: Reason[], asked: { code: ReasonCode; justification: string }[]): Override[] {
  const seen = new Set<string>();
  for (const o of asked) {
    if (seen.has(o.code)) throw badInput(`overrides: ${o.code} is listed twice`, { field: 'overrides' });
    seen.add(o.code);
    if (isHardLimit(o.code)) {
      throw conflict(`Cannot override ${o.code}: it is a programme hard limit and can never be overridden`, { reasons: [o.code] });
    }
  }
  for (const r of failing) {
    if (r.overridable) continue;
    throw conflict(
      isHardLimit(r.code)
        ? `Cannot overturn: ${r.code} is a programme hard limit and can never be overridden`
        : `Cannot override ${r.code}: the records it rests on are neither under open dispute nor unverifiable`,
      { reasons: [r.code] },
    );
  }
  for (const o of asked) {
    if (!failing.some((r) => r.code === o.code)) throw badInput(`overrides: ${o.code} does not fail now`, { field: 'overrides' });
  }
  return failing.map((r) => {
    const o = asked.find((x) => x.code === r.code);
    if (!o)
      throw badInput(`overrides: ${r.code} still fails; override it with a justification or uphold the decline`, { field: 'overrides' });
    return { code: r.code, justification: o.justification, restsOn: r.restsOn };
  });
}
