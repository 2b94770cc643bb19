import { z } from 'zod';
import { defineCommand } from '../../../command.js';
import { CONSENT_PURPOSES, type ConsentPurpose } from '../../../domain.js';
import { badInput, notFound } from '../../../errors.js';
import { institutionId, parse } from '../../../validation.js';
import { linkCustomer } from '../../credit/api.js';
import { consentExpiryProblem } from '../../credit/rules.js';
import { findInstitution } from '../../institutions/api.js';
import { consentPolicy } from '../policy.js';
import * as store from '../store.js';

const grantArgs = z.object({ institutionId, purpose: z.enum(CONSENT_PURPOSES), expiresAt: z.date() });

/** A borrower lets a bank or insurer read their profile for one purpose until `expiresAt`. */
export const grantConsent = defineCommand({
  name: 'grantConsent',
  gate: (ctx) => consentPolicy.gate(ctx, 'grant'),
  parse(args: { institutionId: string; purpose: ConsentPurpose; expiresAt: Date | string }, { now }) {
    const a = parse(grantArgs, args);
    const problem = consentExpiryProblem(a.expiresAt, now);
    if (problem) throw badInput(`expiresAt: ${problem}`, { field: 'expiresAt' });
    return a;
  },
  idempotent: false,
  async run({ tx, actor, now, record }, a) {
    const inst = await findInstitution(tx, a.institutionId);
    if (!inst || !consentPolicy.can(actor, 'grant', inst)) throw notFound('Bank or insurer');
    const consent = await store.insertConsent(tx, {
      borrowerId: actor.borrowerId,
      institutionId: inst.id,
      purpose: a.purpose,
      grantedAt: now,
      expiresAt: a.expiresAt,
    });
    // Consenting makes the institution one the borrower deals with: it may now furnish for them.
    await linkCustomer(tx, inst.id, actor.borrowerId, now);
    record({
      action: 'consent.granted',
      targetType: 'consent',
      targetId: consent.id,
      borrowerId: actor.borrowerId,
      detail: { institutionId: inst.id, purpose: a.purpose, expiresAt: a.expiresAt.toISOString() },
    });
    return consent;
  },
});
