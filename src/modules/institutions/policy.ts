import { allow, definePolicy } from '../../auth/policy.js';
import { ROLES } from '../../domain.js';

/** The directory of participating institutions: visible to every signed-in user, kept by the platform. */
export const institutionPolicy = definePolicy('Institution', {
  /** Onboarding a bank, insurer or government body is the platform administrators' task. */
  create: allow(['ADMIN']),
  /** So is taking one out: its tokens stop working, its records stay. */
  deactivate: allow(['ADMIN']),
  list: allow(ROLES),
  /** Who the presented token says you are. */
  me: allow(ROLES),
});
