import { defineCommand } from '../../../command.js';
import { badInput, forbidden, notFound } from '../../../errors.js';
import { institutionId, parse, text, uuid } from '../../../validation.js';
import type { AuditEvent } from '../../audit/api.js';
import { activeConsent, insertConsent } from '../../consent/api.js';
import { linkCustomer, NO_CONSENT } from '../../credit/api.js';
import { findInstitution } from '../../institutions/api.js';
import { loanRequestSchema } from '../../underwriting/api.js';
import { applicantOf, applicationPolicy, isBank, isInsurer, reviewConsents, reviewPurpose, submitsForThemself } from '../policy.js';
import * as store from '../store.js';

/** Consents a borrower's own application grants, for the two reviews it asks for. */
export const APPLICATION_CONSENT_DAYS = 90;

const applicationInput = loanRequestSchema.extend({
  borrowerId: uuid.nullish(),
  bankId: institutionId,
  insurerId: institutionId,
  loanPurpose: text(500),
});

/** A borrower applies (authorising both reviews), or a bank submits for a consenting borrower. */
export const submitApplication = defineCommand({
  name: 'submitApplication',
  gate: (ctx) => applicationPolicy.gate(ctx, 'submit'),
  parse(args: { input: unknown }, { actor }) {
    const i = parse(applicationInput, args.input, 'input');
    const borrowerId = applicantOf(actor, i.borrowerId);
    if (!borrowerId) throw badInput('input.borrowerId is required when a bank submits', { field: 'input.borrowerId' });
    if (!applicationPolicy.can(actor, 'submit', { bankId: i.bankId, borrowerId }))
      throw forbidden('A bank submits applications to itself only');
    return { ...i, borrowerId };
  },
  idempotent: true,
  async run({ tx, actor, now, record }, i) {
    const borrowerId = i.borrowerId;
    const bank = await findInstitution(tx, i.bankId);
    if (!isBank(bank)) throw notFound('Bank');
    const insurer = await findInstitution(tx, i.insurerId);
    if (!isInsurer(insurer)) throw notFound('Insurer');
    const changes: AuditEvent[] = [];
    if (!submitsForThemself(actor)) {
      if (!(await activeConsent(tx, borrowerId, bank.id, reviewPurpose(actor), now))) throw forbidden(NO_CONSENT);
    } else {
      // the application form is the borrower's authorisation for both reviews (授权查询)
      const expiresAt = new Date(now.getTime() + APPLICATION_CONSENT_DAYS * 86_400_000);
      for (const [inst, purpose] of reviewConsents({ bankId: bank.id, insurerId: insurer.id })) {
        if (await activeConsent(tx, borrowerId, inst, purpose, now)) continue;
        const c = await insertConsent(tx, { borrowerId, institutionId: inst, purpose, grantedAt: now, expiresAt });
        changes.push({
          action: 'consent.granted',
          targetType: 'consent',
          targetId: c.id,
          borrowerId,
          detail: { institutionId: inst, purpose, expiresAt: expiresAt.toISOString(), via: 'application' },
        });
      }
    }
    await linkCustomer(tx, bank.id, borrowerId, now);
    await linkCustomer(tx, insurer.id, borrowerId, now);
    const app = await store.insertApplication(tx, {
      borrowerId,
      bankId: bank.id,
      insurerId: insurer.id,
      amount: i.amount,
      termYears: i.termYears,
      interestRate: i.interestRate,
      repaymentMethod: i.repaymentMethod,
      loanPurpose: i.loanPurpose,
      status: 'SUBMITTED',
      submittedByRole: actor.role,
      submittedBy: actor.userId,
      submittedAt: now,
      updatedAt: now,
    });
    const firstApplication = await store.isFirstApplication(tx, borrowerId, app.id);
    changes.push({
      action: 'application.submitted',
      targetType: 'application',
      targetId: app.id,
      borrowerId,
      detail: { bankId: bank.id, insurerId: insurer.id, amount: i.amount, termYears: i.termYears },
      metrics: { applicationId: app.id, deltas: { applications: 1, new_applicants: firstApplication ? 1 : 0 } },
    });
    record(changes);
    return app;
  },
});
