import { Decimal } from 'decimal.js';
import { z } from 'zod';
import { requireInstitution, requireRole } from '../../auth/policy.js';
import type { Actor } from '../../auth/actor.js';
import { badInput, conflict, forbidden, notFound } from '../../errors.js';
import type { Context } from '../../context.js';
import { idempotent } from '../../idempotency.js';
import { addYears, businessDate } from '../../time.js';
import { institutionId, isoDate, pageSize, parse, positiveAmount, text, uuid } from '../../validation.js';
import { appendAudit } from '../audit/store.js';
import { activeConsent, insertConsent } from '../consent/store.js';
import { NO_CONSENT } from '../credit/service.js';
import { furnishLoan, furnishPolicy } from './furnish.js';
import { linkCustomer } from '../credit/store.js';
import { findInstitution } from '../institutions/store.js';
import { rateCeiling } from '../parameters/rules.js';
import { requireVersion } from '../parameters/service.js';
import { assess, loanRequestSchema } from '../underwriting/service.js';
import { postPolicyPremium } from '../ledger/funds.js';
import { bump, disbursementWeights } from '../metrics/cube.js';
import type { Price } from '../underwriting/pricing.js';
import { assertTransition, delinquencyStatus } from './rules.js';
import { allocatePayment, daysPastDue, generateSchedule, isSettled, outstandingPrincipal, type InstalmentState } from './schedule.js';
import * as store from './store.js';

/** Consents a borrower's own application grants, for the two reviews it asks for. */
export const APPLICATION_CONSENT_DAYS = 90;

const applicationInput = loanRequestSchema.extend({
  borrowerId: uuid.nullish(),
  bankId: institutionId,
  insurerId: institutionId,
  loanPurpose: text(500),
});

/** May this actor see the application? Its bank, its insurer and its borrower may. */
export function canSee(actor: Actor, a: { bankId: string; insurerId: string; borrowerId: string }) {
  if (actor.role === 'BANK') return actor.institutionId === a.bankId;
  if (actor.role === 'INSURER') return actor.institutionId === a.insurerId;
  if (actor.role === 'BORROWER') return actor.borrowerId === a.borrowerId;
  return false;
}

export async function submitApplication(ctx: Context, args: { input: unknown; idempotencyKey: string }) {
  const actor = requireRole(ctx, 'BORROWER', 'BANK');
  const i = parse(applicationInput, args.input, 'input');
  const borrowerId = actor.role === 'BORROWER' ? actor.borrowerId! : i.borrowerId;
  if (!borrowerId) throw badInput('input.borrowerId is required when a bank submits', { field: 'input.borrowerId' });
  if (actor.role === 'BORROWER' && i.borrowerId && i.borrowerId !== actor.borrowerId) throw notFound('Borrower');
  if (actor.role === 'BANK' && i.bankId !== actor.institutionId) throw forbidden('A bank submits applications to itself only');
  return idempotent(ctx, 'submitApplication', args.idempotencyKey, args.input, async (tx) => {
    const bank = await findInstitution(tx, i.bankId);
    if (bank?.kind !== 'BANK') throw notFound('Bank');
    const insurer = await findInstitution(tx, i.insurerId);
    if (insurer?.kind !== 'INSURER') throw notFound('Insurer');
    if (actor.role === 'BANK') {
      if (!(await activeConsent(tx, borrowerId, bank.id, 'LOAN_APPLICATION', ctx.now))) throw forbidden(NO_CONSENT);
    } else {
      // the application form is the borrower's authorisation for both reviews (授权查询)
      const expiresAt = new Date(ctx.now.getTime() + APPLICATION_CONSENT_DAYS * 86_400_000);
      for (const [inst, purpose] of [
        [bank.id, 'LOAN_APPLICATION'],
        [insurer.id, 'UNDERWRITING'],
      ] as const) {
        if (await activeConsent(tx, borrowerId, inst, purpose, ctx.now)) continue;
        const c = await insertConsent(tx, { borrowerId, institutionId: inst, purpose, grantedAt: ctx.now, expiresAt });
        await appendAudit(tx, ctx, {
          action: 'consent.granted',
          targetType: 'consent',
          targetId: c.id,
          borrowerId,
          detail: { institutionId: inst, purpose, expiresAt: expiresAt.toISOString(), via: 'application' },
        });
      }
    }
    await linkCustomer(tx, bank.id, borrowerId, ctx.now);
    await linkCustomer(tx, insurer.id, borrowerId, ctx.now);
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
      submittedAt: ctx.now,
      updatedAt: ctx.now,
    });
    await bump(tx, app.id, { applications: 1, new_applicants: (await store.isFirstApplication(tx, borrowerId, app.id)) ? 1 : 0 });
    await appendAudit(tx, ctx, {
      action: 'application.submitted',
      targetType: 'application',
      targetId: app.id,
      borrowerId,
      detail: { bankId: bank.id, insurerId: insurer.id, amount: i.amount, termYears: i.termYears },
    });
    return app;
  });
}

const reviewArgs = z.object({
  id: uuid,
  decision: z.enum(['APPROVE', 'DECLINE']),
  reasons: z.array(text(500)).max(20).nullish(),
});

export async function reviewApplication(ctx: Context, args: { id: string; decision: string; reasons?: string[] | null; idempotencyKey: string }) {
  const actor = requireInstitution(ctx);
  const a = parse(reviewArgs, args);
  const { idempotencyKey: _k, ...input } = args;
  return idempotent(ctx, 'reviewApplication', args.idempotencyKey, input, async (tx) => {
    const app = await store.lockApplication(tx, a.id);
    if (!app || !canSee(actor, app)) throw notFound('Application');
    assertTransition('Application', app.status, a.decision === 'APPROVE' ? 'APPROVED' : 'DECLINED', 'review the application');
    const reviews = await store.reviewsOf(tx, [app.id]);
    const mine = reviews.find((r) => r.reviewerRole === actor.role);
    if (mine) throw conflict(`Your institution already reviewed this application (${mine.decision})`, { currentState: app.status });
    const purpose = actor.role === 'BANK' ? 'LOAN_APPLICATION' : 'UNDERWRITING';
    const request = { amount: app.amount, termYears: app.termYears, interestRate: app.interestRate, repaymentMethod: app.repaymentMethod as any };
    const decision = await assess(ctx, app.borrowerId, request, { institutionId: actor.institutionId, purpose }, { excludeApplicationId: app.id, tx });
    if (a.decision === 'APPROVE' && !decision.eligible) {
      throw conflict(`Cannot approve: not eligible under parameter version ${decision.parameterVersion}`, {
        reasons: decision.reasons.map((r) => r.code),
        currentState: app.status,
      });
    }
    const reasons = a.reasons ?? [];
    if (a.decision === 'DECLINE' && decision.eligible && reasons.length === 0) {
      throw badInput('reasons: a decline of an eligible applicant must give reasons', { field: 'reasons' });
    }
    const review = await store.insertReview(tx, {
      applicationId: app.id,
      institutionId: actor.institutionId,
      reviewerRole: actor.role,
      decision: a.decision,
      reasons,
      eligible: decision.eligible,
      eligibilityReasons: decision.reasons,
      price: decision.price,
      score: decision.score.score,
      grade: decision.score.grade,
      factors: decision.score.factors,
      scorecardVersion: decision.score.version,
      parameterVersion: decision.parameterVersion,
      reviewedBy: actor.userId,
      reviewedAt: ctx.now,
    });
    const other = reviews.find((r) => r.reviewerRole !== actor.role);
    const status = a.decision === 'DECLINE' ? 'DECLINED' : other?.decision === 'APPROVE' ? 'APPROVED' : 'SUBMITTED';
    const updated =
      status === app.status ? app : await store.updateApplication(tx, app.id, { status, decidedAt: ctx.now, updatedAt: ctx.now });
    if (status === 'APPROVED') await bump(tx, app.id, { approvals: 1 });
    if (status === 'DECLINED') await bump(tx, app.id, { declines: 1 });
    await appendAudit(tx, ctx, {
      action: 'application.reviewed',
      targetType: 'application',
      targetId: app.id,
      borrowerId: app.borrowerId,
      detail: { reviewId: review.id, decision: a.decision, eligible: decision.eligible, grade: decision.score.grade, parameterVersion: decision.parameterVersion, status },
    });
    return updated;
  });
}

export async function issuePolicy(ctx: Context, args: { applicationId: string; idempotencyKey: string }) {
  const actor = requireInstitution(ctx, 'INSURER');
  const id = parse(uuid, args.applicationId, 'applicationId');
  return idempotent(ctx, 'issuePolicy', args.idempotencyKey, { applicationId: id }, async (tx) => {
    const app = await store.lockApplication(tx, id);
    if (!app || !canSee(actor, app)) throw notFound('Application');
    assertTransition('Application', app.status, 'POLICY_ISSUED', 'issue a policy');
    const review = (await store.reviewsOf(tx, [app.id])).find((r) => r.reviewerRole === 'INSURER')!;
    const price = review.price as Price;
    const policy = await store.insertPolicy(tx, {
      applicationId: app.id,
      insurerId: app.insurerId,
      bankId: app.bankId,
      borrowerId: app.borrowerId,
      insuredAmount: app.amount,
      termYears: app.termYears,
      premiumRate: price.premiumRate!,
      premiumAmount: price.premiumAmount!,
      borrowerPremium: price.borrowerPremium!,
      subsidyAmount: price.subsidyPremium!,
      grade: review.grade,
      parameterVersion: review.parameterVersion,
      status: 'ISSUED',
      issuedAt: ctx.now,
      updatedAt: ctx.now,
    });
    await store.updateApplication(tx, app.id, { status: 'POLICY_ISSUED', updatedAt: ctx.now });
    const today = businessDate(ctx.now);
    await furnishPolicy(tx, ctx, policy, { status: 'CURRENT', balance: app.amount, asOf: today });
    const money = await postPolicyPremium(tx, ctx, policy, (await requireVersion(ctx, review.parameterVersion)).document);
    await bump(tx, app.id, { premiums: policy.premiumAmount, subsidy: policy.subsidyAmount });
    await appendAudit(tx, ctx, {
      action: 'policy.issued',
      targetType: 'policy',
      targetId: policy.id,
      borrowerId: app.borrowerId,
      detail: {
        policyNumber: policy.policyNumber,
        premium: policy.premiumAmount,
        borrowerPremium: policy.borrowerPremium,
        subsidy: policy.subsidyAmount,
        subsidyPaidNow: money.subsidyPaid,
        riskReserve: money.reserve,
        parameterVersion: policy.parameterVersion,
      },
    });
    return { ...policy, subsidyPaid: money.subsidyPaid };
  });
}

export async function pledgePolicy(ctx: Context, args: { policyId: string; idempotencyKey: string }) {
  const actor = requireInstitution(ctx, 'BANK');
  const id = parse(uuid, args.policyId, 'policyId');
  return idempotent(ctx, 'pledgePolicy', args.idempotencyKey, { policyId: id }, async (tx) => {
    const policy = await store.lockPolicy(tx, id);
    if (!policy || policy.bankId !== actor.institutionId) throw notFound('Policy');
    assertTransition('Policy', policy.status, 'PLEDGED', 'pledge the policy');
    const updated = await store.updatePolicy(tx, id, { status: 'PLEDGED', pledgedAt: ctx.now, updatedAt: ctx.now });
    await appendAudit(tx, ctx, { action: 'policy.pledged', targetType: 'policy', targetId: id, borrowerId: policy.borrowerId, detail: { bankId: policy.bankId } });
    return updated;
  });
}

const disburseInput = z.object({
  policyId: uuid,
  amount: z.string().nullish(),
  interestRate: z.string().nullish(),
  disbursedOn: isoDate.nullish(),
});

export async function disburseLoan(ctx: Context, args: { input: unknown; idempotencyKey: string }) {
  const actor = requireInstitution(ctx, 'BANK');
  const i = parse(disburseInput, args.input, 'input');
  const today = businessDate(ctx.now);
  return idempotent(ctx, 'disburseLoan', args.idempotencyKey, args.input, async (tx) => {
    const policy = await store.lockPolicy(tx, i.policyId);
    if (!policy || policy.bankId !== actor.institutionId) throw notFound('Policy');
    assertTransition('Policy', policy.status, 'ACTIVE', 'disburse a loan');
    const app = (await store.lockApplication(tx, policy.applicationId))!;
    assertTransition('Application', app.status, 'DISBURSED', 'disburse a loan');
    const bankReview = (await store.reviewsOf(tx, [app.id])).find((r) => r.reviewerRole === 'BANK')!;
    const amount = i.amount ?? policy.insuredAmount;
    const rate = i.interestRate ?? app.interestRate;
    const disbursedOn = i.disbursedOn ?? today;
    if (new Decimal(amount).lte(0)) throw badInput('input.amount must be more than 0', { field: 'input.amount' });
    if (new Decimal(amount).gt(policy.insuredAmount)) {
      throw badInput(`input.amount ${amount} exceeds the insured amount ${policy.insuredAmount}`, { field: 'input.amount' });
    }
    if (new Decimal(rate).gt(app.interestRate)) {
      throw badInput(`input.interestRate ${rate} is above the rate both institutions reviewed (${app.interestRate})`, { field: 'input.interestRate' });
    }
    const params = await requireVersion(ctx, bankReview.parameterVersion);
    const ceiling = rateCeiling(params.document, disbursedOn, app.termYears);
    if (ceiling === null || new Decimal(rate).gt(ceiling)) {
      throw badInput(`input.interestRate ${rate} is above the ceiling ${ceiling} on ${disbursedOn}`, { field: 'input.interestRate' });
    }
    if (disbursedOn > today) throw badInput('input.disbursedOn is in the future', { field: 'input.disbursedOn' });
    if (disbursedOn < businessDate(new Date(policy.issuedAt))) {
      throw badInput('input.disbursedOn is before the policy was issued', { field: 'input.disbursedOn' });
    }
    const schedule = generateSchedule({ principal: amount, annualRate: rate, termYears: app.termYears, method: app.repaymentMethod as any, disbursedOn });
    const maturityOn = addYears(disbursedOn, app.termYears);
    const loan = await store.insertLoan(tx, {
      applicationId: app.id,
      policyId: policy.id,
      bankId: app.bankId,
      insurerId: app.insurerId,
      borrowerId: app.borrowerId,
      principal: amount,
      interestRate: rate,
      termYears: app.termYears,
      repaymentMethod: app.repaymentMethod,
      disbursedOn,
      maturityOn,
      outstandingPrincipal: amount,
      status: 'ACTIVE',
      parameterVersion: bankReview.parameterVersion,
      updatedAt: ctx.now,
    });
    await store.insertInstalments(tx, schedule.map((s) => ({ loanId: loan.id, ...s })));
    await bump(tx, app.id, {
      loans: 1,
      borrowers_reached: (await store.isFirstLoan(tx, app.borrowerId, loan.id)) ? 1 : 0,
      disbursed: amount,
      outstanding: amount,
      ...disbursementWeights({ principal: amount, interestRate: rate, premiumRate: policy.premiumRate, borrowerPremium: policy.borrowerPremium, termYears: app.termYears }),
    });
    await store.updatePolicy(tx, policy.id, { status: 'ACTIVE', startsOn: disbursedOn, endsOn: maturityOn, updatedAt: ctx.now });
    await store.updateApplication(tx, app.id, { status: 'DISBURSED', updatedAt: ctx.now });
    await furnishLoan(tx, ctx, loan, { status: 'CURRENT', balance: amount, asOf: disbursedOn });
    await appendAudit(tx, ctx, {
      action: 'loan.disbursed',
      targetType: 'loan',
      targetId: loan.id,
      borrowerId: app.borrowerId,
      detail: { loanNumber: loan.loanNumber, principal: amount, interestRate: rate, disbursedOn, maturityOn, policyNumber: policy.policyNumber },
    });
    return loan;
  });
}

const repaymentArgs = z.object({
  loanId: uuid,
  amount: positiveAmount,
  paidOn: isoDate.nullish(),
});

export async function recordRepayment(ctx: Context, args: { loanId: string; amount: string; paidOn?: string | null; idempotencyKey: string }) {
  const actor = requireInstitution(ctx, 'BANK');
  const a = parse(repaymentArgs, args);
  const today = businessDate(ctx.now);
  const { idempotencyKey: _k, ...input } = args;
  return idempotent(ctx, 'recordRepayment', args.idempotencyKey, input, async (tx) => {
    const loan = await store.lockLoan(tx, a.loanId);
    if (!loan || loan.bankId !== actor.institutionId) throw notFound('Loan');
    if (loan.status !== 'ACTIVE') {
      throw conflict(`Cannot record a repayment: the loan is ${loan.status}${loan.status === 'DEFAULTED' ? ' (record a recovery instead)' : ''}`, { currentState: loan.status });
    }
    const paidOn = a.paidOn ?? today;
    if (paidOn > today) throw badInput('paidOn is in the future', { field: 'paidOn' });
    if (paidOn < loan.disbursedOn) throw badInput('paidOn is before the loan was disbursed', { field: 'paidOn' });
    const schedule: InstalmentState[] = await store.instalmentsOf(tx, [loan.id]);
    const allocation = allocatePayment(schedule, a.amount);
    if (!allocation) {
      const owed = schedule.reduce((t, s) => t.plus(s.principalDue).minus(s.principalPaid).plus(s.interestDue).minus(s.interestPaid), new Decimal(0));
      throw badInput(`amount exceeds everything still owed on the loan (${owed.toFixed(2)})`, { field: 'amount' });
    }
    for (const x of allocation) {
      await store.addToInstalment(tx, loan.id, x.seq, x.principal, x.interest);
      const s = schedule.find((i) => i.seq === x.seq)!;
      s.principalPaid = new Decimal(s.principalPaid).plus(x.principal).toFixed(2);
      s.interestPaid = new Decimal(s.interestPaid).plus(x.interest).toFixed(2);
    }
    const repayment = await store.insertRepayment(tx, { loanId: loan.id, amount: a.amount, paidOn, allocation, recordedBy: actor.userId, recordedAt: ctx.now });
    const principalRepaid = allocation.reduce((s, x) => s.plus(x.principal), new Decimal(0));
    await bump(tx, loan.applicationId, { outstanding: principalRepaid.neg().toFixed(2) });
    const outstanding = outstandingPrincipal(schedule).toFixed(2);
    const repaid = schedule.every(isSettled);
    const dpd = repaid ? 0 : daysPastDue(schedule, today);
    if (repaid) {
      assertTransition('Loan', loan.status, 'REPAID', 'close the loan');
      await store.updateLoan(tx, loan.id, { status: 'REPAID', outstandingPrincipal: '0.00', daysPastDue: 0, delinquency: 'CURRENT', closedOn: paidOn, updatedAt: ctx.now });
      const policy = (await store.lockPolicy(tx, loan.policyId))!;
      assertTransition('Policy', policy.status, 'CLOSED', 'close the policy');
      await store.updatePolicy(tx, policy.id, { status: 'CLOSED', closedAt: ctx.now, updatedAt: ctx.now });
      await furnishPolicy(tx, ctx, policy, { status: 'PAID', balance: '0.00', closedOn: paidOn, asOf: paidOn });
      await appendAudit(tx, ctx, { action: 'policy.closed', targetType: 'policy', targetId: policy.id, borrowerId: loan.borrowerId, detail: { reason: 'loan repaid' } });
    } else {
      await store.updateLoan(tx, loan.id, { outstandingPrincipal: outstanding, daysPastDue: dpd, delinquency: delinquencyStatus(dpd), updatedAt: ctx.now });
    }
    await furnishLoan(tx, ctx, loan, {
      status: repaid ? 'PAID' : delinquencyStatus(dpd),
      balance: repaid ? '0.00' : outstanding,
      closedOn: repaid ? paidOn : null,
      asOf: today,
    });
    await appendAudit(tx, ctx, {
      action: 'loan.repayment.recorded',
      targetType: 'loan',
      targetId: loan.id,
      borrowerId: loan.borrowerId,
      detail: { repaymentId: repayment.id, amount: a.amount, paidOn, allocation, outstanding: repaid ? '0.00' : outstanding, repaid },
    });
    return repayment;
  });
}

/* ---------- reads ---------- */

async function auditRead(ctx: Context, what: string, rows: { id: string; borrowerId: string }[]) {
  if (!rows.length || ctx.actor?.role === 'BORROWER') return;
  await appendAudit(ctx.db.orm, ctx, { action: `${what}.read`, targetType: what, targetId: rows.length === 1 ? rows[0].id : undefined, borrowerId: rows.length === 1 ? rows[0].borrowerId : null, detail: { ids: rows.map((r) => r.id) } });
}

export async function application(ctx: Context, args: { id: string }) {
  const actor = requireRole(ctx, 'BANK', 'INSURER', 'BORROWER');
  const app = await store.applicationById(ctx.db.orm, parse(uuid, args.id, 'id'));
  if (!app || !canSee(actor, app)) throw notFound('Application');
  await auditRead(ctx, 'application', [app]);
  return app;
}

const listArgs = z.object({ status: z.string().nullish(), first: pageSize(200) });

export async function applications(ctx: Context, args: { status?: string | null; first: number }) {
  const actor = requireRole(ctx, 'BANK', 'INSURER', 'BORROWER');
  const a = parse(listArgs, args);
  const list = await store.listApplications(ctx.db.orm, store.applicationScope(actor), a.status ?? undefined, a.first);
  await auditRead(ctx, 'application', list);
  return list;
}

export async function loan(ctx: Context, args: { id: string }) {
  const actor = requireRole(ctx, 'BANK', 'INSURER', 'BORROWER');
  const l = await store.loanById(ctx.db.orm, parse(uuid, args.id, 'id'));
  if (!l || !canSee(actor, l)) throw notFound('Loan');
  await auditRead(ctx, 'loan', [l]);
  return l;
}

export async function loans(ctx: Context, args: { status?: string | null; first: number }) {
  const actor = requireRole(ctx, 'BANK', 'INSURER', 'BORROWER');
  const a = parse(listArgs, args);
  const list = await store.listLoans(ctx.db.orm, actor, a.status ?? undefined, a.first);
  await auditRead(ctx, 'loan', list);
  return list;
}

export async function policy(ctx: Context, args: { id: string }) {
  const actor = requireRole(ctx, 'BANK', 'INSURER', 'BORROWER');
  const p = await store.policyById(ctx.db.orm, parse(uuid, args.id, 'id'));
  if (!p || !canSee(actor, p)) throw notFound('Policy');
  await auditRead(ctx, 'policy', [p]);
  return p;
}

