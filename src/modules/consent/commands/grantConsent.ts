import { z } from 'zod';
import { defineCommand } from '../../../command.js';
import { ACCOUNT_KINDS, CONSENT_PURPOSES, FURNISHABLE_KINDS, type AccountKind, type ConsentPurpose } from '../../../domain.js';
import { badInput, notFound } from '../../../errors.js';
import { institutionId, parse } from '../../../validation.js';
import { holdsOpenAccount, linkCustomer } from '../../credit/api.js';
import { consentExpiryProblem, needsOpenRelationship } from '../../credit/rules.js';
import { findInstitution } from '../../institutions/api.js';
import { consentPolicy } from '../policy.js';
import * as store from '../store.js';

const grantArgs = z.object({
  institutionId,
  purpose: z.enum(CONSENT_PURPOSES),
  expiresAt: z.date(),
  scope: z.array(z.enum(ACCOUNT_KINDS)).nullish(),
});

/**
 * A borrower lets a bank or insurer read their profile for one purpose, or (FURNISHING) report
 * accounts of the kinds in `scope`, until `expiresAt` (at most the purpose's longest duration).
 * POST_LOAN_MANAGEMENT and POST_INSURANCE_MANAGEMENT need an open account of the borrower at
 * that institution, now and at every read.
 */
export const grantConsent = defineCommand({
  name: 'grantConsent',
  gate: (ctx) => consentPolicy.gate(ctx, 'grant'),
  parse(
    args: { institutionId: string; purpose: ConsentPurpose; expiresAt: Date | string; scope?: readonly AccountKind[] | null },
    { now },
  ) {
    const a = parse(grantArgs, args);
    const problem = consentExpiryProblem(a.purpose, a.expiresAt, now);
    if (problem) throw badInput(`expiresAt: ${problem}`, { field: 'expiresAt' });
    if (a.purpose !== 'FURNISHING') {
      if (a.scope != null) throw badInput('scope is only for a FURNISHING consent', { field: 'scope' });
      return { ...a, scope: null };
    }
    if (!a.scope?.length) throw badInput('scope: a FURNISHING consent names the account kinds it covers', { field: 'scope' });
    return { ...a, scope: [...new Set(a.scope)] };
  },
  idempotent: false,
  async run({ tx, actor, now, record }, a) {
    const inst = await findInstitution(tx, a.institutionId);
    if (!inst || !consentPolicy.can(actor, 'grant', inst)) throw notFound('Bank or insurer');
    if (a.scope) {
      const allowed = FURNISHABLE_KINDS[inst.kind as 'BANK' | 'INSURER'];
      const refused = a.scope.filter((k) => !allowed.includes(k));
      if (refused.length) throw badInput(`scope: a ${inst.kind} may not furnish ${refused.join(', ')} accounts`, { field: 'scope' });
    }
    if (needsOpenRelationship(a.purpose) && !(await holdsOpenAccount(tx, actor.borrowerId, inst.id))) {
      throw badInput(`purpose: ${a.purpose} lasts only while this institution holds an open account of yours, and it holds none`, {
        field: 'purpose',
      });
    }
    const consent = await store.insertConsent(tx, {
      borrowerId: actor.borrowerId,
      institutionId: inst.id,
      purpose: a.purpose,
      scope: a.scope,
      grantedAt: now,
      expiresAt: a.expiresAt,
    });
    // the institution now deals with the borrower (its customers list); rights come from consents alone
    await linkCustomer(tx, inst.id, actor.borrowerId, now);
    record({
      action: 'consent.granted',
      targetType: 'consent',
      targetId: consent.id,
      borrowerId: actor.borrowerId,
      detail: { institutionId: inst.id, purpose: a.purpose, expiresAt: a.expiresAt.toISOString(), scope: a.scope },
    });
    return consent;
  },
});
