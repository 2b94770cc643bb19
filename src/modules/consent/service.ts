import { z } from 'zod';
import { requireBorrower } from '../../auth/policy.js';
import { CONSENT_PURPOSES, type ConsentPurpose } from '../../domain.js';
import { badInput, notFound } from '../../errors.js';
import type { Context } from '../../context.js';
import { institutionId, parse, uuid } from '../../validation.js';
import { appendAudit } from '../audit/store.js';
import { linkCustomer } from '../credit/store.js';
import { consentExpiryProblem } from '../credit/rules.js';
import { findInstitution } from '../institutions/store.js';
import * as store from './store.js';

const grantArgs = z.object({ institutionId, purpose: z.enum(CONSENT_PURPOSES), expiresAt: z.date() });

export async function grantConsent(ctx: Context, args: { institutionId: string; purpose: ConsentPurpose; expiresAt: Date }) {
  const actor = requireBorrower(ctx);
  const a = parse(grantArgs, args);
  const problem = consentExpiryProblem(a.expiresAt, ctx.now);
  if (problem) throw badInput(`expiresAt: ${problem}`, { field: 'expiresAt' });
  return ctx.db.orm.transaction(async (tx) => {
    const inst = await findInstitution(tx, a.institutionId);
    if (!inst || (inst.kind !== 'BANK' && inst.kind !== 'INSURER')) throw notFound('Bank or insurer');
    const consent = await store.insertConsent(tx, {
      borrowerId: actor.borrowerId,
      institutionId: inst.id,
      purpose: a.purpose,
      grantedAt: ctx.now,
      expiresAt: a.expiresAt,
    });
    // Consenting makes the institution one the borrower deals with: it may now furnish for them.
    await linkCustomer(tx, inst.id, actor.borrowerId, ctx.now);
    await appendAudit(tx, ctx, {
      action: 'consent.granted',
      targetType: 'consent',
      targetId: consent.id,
      borrowerId: actor.borrowerId,
      detail: { institutionId: inst.id, purpose: a.purpose, expiresAt: a.expiresAt.toISOString() },
    });
    return consent;
  });
}

/** Revocation takes effect at once; revoking twice is harmless and changes nothing. */
export async function revokeConsent(ctx: Context, args: { id: string }) {
  const actor = requireBorrower(ctx);
  const id = parse(uuid, args.id, 'id');
  return ctx.db.orm.transaction(async (tx) => {
    const consent = await store.lockOwnConsent(tx, id, actor.borrowerId);
    if (!consent) throw notFound('Consent');
    if (consent.revokedAt) return consent;
    const revoked = await store.revoke(tx, id, ctx.now);
    await appendAudit(tx, ctx, {
      action: 'consent.revoked',
      targetType: 'consent',
      targetId: id,
      borrowerId: actor.borrowerId,
      detail: { institutionId: consent.institutionId, purpose: consent.purpose },
    });
    return revoked;
  });
}

export async function myConsents(ctx: Context) {
  const actor = requireBorrower(ctx);
  return store.consentsOf(ctx.db.orm, actor.borrowerId);
}
