import { Decimal } from 'decimal.js';
import { z } from 'zod';
import { requireInstitution, requireRole } from '../../auth/policy.js';
import { badInput, conflict, notFound } from '../../errors.js';
import type { Context } from '../../context.js';
import { idempotent } from '../../idempotency.js';
import { businessDate } from '../../time.js';
import { isoDate, pageSize, parse, positiveAmount, text, uuid } from '../../validation.js';
import { appendAudit } from '../audit/store.js';
import { furnishLoan, furnishPolicy } from '../lending/furnish.js';
import { lockFund, institutionAccount, post, FUND, BORROWERS } from '../ledger/posting.js';
import { payCompensation } from '../ledger/funds.js';
import { assertTransition } from '../lending/rules.js';
import { canSee } from '../lending/service.js';
import * as lending from '../lending/store.js';
import { requireVersion } from '../parameters/service.js';
import { compensationOwed, lossBorne, payFromFund, recoveryShares, splitLoss } from './rules.js';
import { bump } from '../metrics/cube.js';
import * as store from './store.js';

const loanArg = (args: { loanId: string }) => parse(uuid, args.loanId, 'loanId');
const claimArg = (args: { claimId: string }) => parse(uuid, args.claimId, 'claimId');

/** The bank files the one claim a defaulted loan may have. */
export async function fileClaim(ctx: Context, args: { loanId: string; idempotencyKey: string }) {
  const actor = requireInstitution(ctx, 'BANK');
  const loanId = loanArg(args);
  return idempotent(ctx, 'fileClaim', args.idempotencyKey, { loanId }, async (tx) => {
    const loan = await lending.lockLoan(tx, loanId);
    if (!loan || loan.bankId !== actor.institutionId) throw notFound('Loan');
    const existing = await store.claimOfLoan(tx, loan.id);
    if (existing) throw conflict(`This loan already has a claim (${existing.status})`, { currentState: existing.status });
    if (loan.status !== 'DEFAULTED') throw conflict(`Cannot file a claim: the loan is ${loan.status}`, { currentState: loan.status });
    const policy = (await lending.lockPolicy(tx, loan.policyId))!;
    const params = await requireVersion(ctx, policy.parameterVersion);
    const share = params.document.lossShares.insurer;
    const split = splitLoss(loan.outstandingPrincipal, share);
    const claim = await store.insertClaim(tx, {
      loanId: loan.id,
      policyId: policy.id,
      bankId: loan.bankId,
      insurerId: loan.insurerId,
      borrowerId: loan.borrowerId,
      status: 'FILED',
      outstandingPrincipal: loan.outstandingPrincipal,
      insurerShare: share,
      insurerAmount: split.insurer,
      bankAmount: split.bank,
      parameterVersion: policy.parameterVersion,
      filedAt: ctx.now,
      filedBy: actor.userId,
      updatedAt: ctx.now,
    });
    if (!claim) throw conflict('This loan already has a claim');
    await appendAudit(tx, ctx, {
      action: 'claim.filed',
      targetType: 'claim',
      targetId: claim.id,
      borrowerId: loan.borrowerId,
      detail: { loanNumber: loan.loanNumber, outstanding: loan.outstandingPrincipal, insurerAmount: split.insurer, bankAmount: split.bank, insurerShare: share },
    });
    return claim;
  });
}

/** The insurer pays its share first (先行拨付). Exactly once: the claim row is locked and its state checked. */
export async function payClaim(ctx: Context, args: { claimId: string; idempotencyKey: string }) {
  const actor = requireInstitution(ctx, 'INSURER');
  const claimId = claimArg(args);
  return idempotent(ctx, 'payClaim', args.idempotencyKey, { claimId }, async (tx) => {
    const claim = await store.lockClaim(tx, claimId);
    if (!claim || claim.insurerId !== actor.institutionId) throw notFound('Claim');
    if (claim.status !== 'FILED') throw conflict(`Cannot pay the claim: it is ${claim.status}`, { currentState: claim.status });
    const loan = (await lending.lockLoan(tx, claim.loanId))!;
    const policy = (await lending.lockPolicy(tx, claim.policyId))!;
    assertTransition('Loan', loan.status, 'CLAIMED', 'pay the claim');
    assertTransition('Policy', policy.status, 'CLAIMED', 'pay the claim');
    await post(tx, ctx, {
      kind: 'CLAIM_PAYMENT',
      memo: `claim on loan ${loan.loanNumber}: insurer's ${new Decimal(claim.insurerShare).mul(100).toString()}% of ${claim.outstandingPrincipal}`,
      claimId: claim.id,
      loanId: loan.id,
      borrowerId: loan.borrowerId,
      entries: [
        { account: institutionAccount(claim.bankId), amount: claim.insurerAmount },
        { account: institutionAccount(claim.insurerId), amount: new Decimal(claim.insurerAmount).neg() },
      ],
    });
    const paid = await store.updateClaim(tx, claim.id, { status: 'PAID', paidAt: ctx.now, paidBy: actor.userId, updatedAt: ctx.now });
    // the claim settles the bank's loan: it leaves the outstanding book
    await bump(tx, loan.applicationId, { claims_paid: claim.insurerAmount, outstanding: new Decimal(loan.outstandingPrincipal).neg().toFixed(2) });
    await lending.updateLoan(tx, loan.id, { status: 'CLAIMED', updatedAt: ctx.now });
    await lending.updatePolicy(tx, policy.id, { status: 'CLAIMED', updatedAt: ctx.now });
    const today = businessDate(ctx.now);
    // the bank's loan is settled by the claim; the insurer now holds the debt it paid
    await furnishLoan(tx, ctx, loan, { status: 'CLAIM_PAID_BY_INSURER', balance: '0.00', closedOn: today, asOf: today });
    await furnishPolicy(tx, ctx, policy, { status: 'IN_COLLECTION', balance: claim.insurerAmount, asOf: today });
    await appendAudit(tx, ctx, {
      action: 'claim.paid',
      targetType: 'claim',
      targetId: claim.id,
      borrowerId: loan.borrowerId,
      detail: { paidToBank: claim.insurerAmount, bankBears: claim.bankAmount },
    });
    return paid;
  });
}

const courtArgs = z.object({ loanId: uuid, courtCaseRef: text(100), decidedOn: isoDate });

/** The court's confirmation that the loan is non-performing, recorded by the bank or insurer on the loan. */
export async function confirmNonPerforming(ctx: Context, args: { loanId: string; courtCaseRef: string; decidedOn: string; idempotencyKey: string }) {
  const actor = requireInstitution(ctx);
  const a = parse(courtArgs, args);
  const { idempotencyKey: _k, ...input } = args;
  return idempotent(ctx, 'confirmNonPerforming', args.idempotencyKey, input, async (tx) => {
    const loan = await lending.lockLoan(tx, a.loanId);
    if (!loan || !canSee(actor, loan)) throw notFound('Loan');
    if (!loan.defaultedOn) throw conflict(`Cannot record a non-performing confirmation: the loan is ${loan.status}`, { currentState: loan.status });
    if (a.decidedOn > businessDate(ctx.now)) throw badInput('decidedOn is in the future', { field: 'decidedOn' });
    if (a.decidedOn < loan.defaultedOn) throw badInput('decidedOn is before the loan defaulted', { field: 'decidedOn' });
    const c = await store.insertCourtConfirmation(tx, { loanId: loan.id, courtCaseRef: a.courtCaseRef, decidedOn: a.decidedOn, recordedBy: `${actor.institutionId}:${actor.userId}`, recordedAt: ctx.now });
    if (!c) throw conflict('The court confirmation for this loan is already recorded');
    await appendAudit(tx, ctx, { action: 'loan.court_confirmed', targetType: 'loan', targetId: loan.id, borrowerId: loan.borrowerId, detail: { courtCaseRef: a.courtCaseRef, decidedOn: a.decidedOn } });
    return { ...c, loanNumber: loan.loanNumber };
  });
}

/**
 * The government approves risk compensation on a paid claim once a court has confirmed the
 * loan non-performing: ratio × the insurer's net loss, at most the quota, at most what the
 * fund holds (the fund row is locked, so concurrent approvals cannot overdraw it).
 */
export async function approveRiskCompensation(ctx: Context, args: { claimId: string; idempotencyKey: string }) {
  const actor = requireRole(ctx, 'GOVERNMENT');
  const claimId = claimArg(args);
  return idempotent(ctx, 'approveRiskCompensation', args.idempotencyKey, { claimId }, async (tx) => {
    const claim = await store.lockClaim(tx, claimId);
    if (!claim) throw notFound('Claim');
    if (claim.status !== 'PAID') throw conflict(`Cannot approve compensation: the claim is ${claim.status}`, { currentState: claim.status });
    const [court] = await store.courtConfirmationsOf(tx, [claim.loanId]);
    if (!court) throw conflict('Cannot approve compensation: no court has confirmed the loan non-performing', { currentState: claim.status });
    const params = await requireVersion(ctx, claim.parameterVersion);
    const { netLoss, owed } = compensationOwed({
      insurerPaid: claim.insurerAmount,
      insurerRecovered: claim.recoveredInsurer,
      ratio: params.document.riskCompensation.ratio,
      quota: params.document.riskCompensation.perLoanQuota,
    });
    const available = await lockFund(tx, FUND.RISK_COMPENSATION);
    const { paid, shortfall } = payFromFund(owed, available.toFixed(2));
    const loan = (await lending.loanById(tx, claim.loanId))!;
    let updated = await store.updateClaim(tx, claim.id, {
      status: 'COMPENSATED',
      compensationOwed: owed,
      compensationPaid: '0.00',
      compensationShortfall: owed,
      compensationApprovedAt: ctx.now,
      compensationApprovedBy: actor.userId,
      updatedAt: ctx.now,
    });
    updated = await payCompensation(tx, ctx, updated, loan.loanNumber);
    await appendAudit(tx, ctx, {
      action: 'claim.compensation_approved',
      targetType: 'claim',
      targetId: claim.id,
      // the government's own act: recorded without the borrower's identity
      detail: { netLoss, owed, paid, shortfall, courtCaseRef: court.courtCaseRef, parameterVersion: claim.parameterVersion },
    });
    return updated;
  });
}

const recoveryArgs = z.object({
  loanId: uuid,
  amount: positiveAmount,
  recoveredOn: isoDate.nullish(),
});

/** Money recovered from the debtor (欠款追偿), shared among those who bore the loss. */
export async function recordRecovery(ctx: Context, args: { loanId: string; amount: string; recoveredOn?: string | null; idempotencyKey: string }) {
  const actor = requireInstitution(ctx);
  const a = parse(recoveryArgs, args);
  const { idempotencyKey: _k, ...input } = args;
  return idempotent(ctx, 'recordRecovery', args.idempotencyKey, input, async (tx) => {
    const loan = await lending.loanById(tx, a.loanId);
    if (!loan || !canSee(actor, loan)) throw notFound('Loan');
    const found = await store.claimOfLoan(tx, loan.id);
    // claim before loan, the order payClaim locks them in
    const claim = found && (await store.lockClaim(tx, found.id));
    if (!claim || claim.status === 'FILED') throw conflict('Cannot record a recovery before the claim is paid: the loss has not been shared yet', { currentState: claim?.status ?? loan.status });
    await lending.lockLoan(tx, loan.id);
    const recoveredOn = a.recoveredOn ?? businessDate(ctx.now);
    if (recoveredOn > businessDate(ctx.now)) throw badInput('recoveredOn is in the future', { field: 'recoveredOn' });
    const position = {
      bore: lossBorne(claim),
      recovered: { bank: claim.recoveredBank, insurer: claim.recoveredInsurer, fund: claim.recoveredFund },
    };
    const shares = recoveryShares(a.amount, position);
    if (!shares) throw badInput('amount is more than the loss still unrecovered', { field: 'amount' });
    const recorder = institutionAccount(actor.institutionId);
    const legs = [
      { account: recorder, amount: new Decimal(a.amount) },
      { account: BORROWERS, amount: new Decimal(a.amount).neg() },
    ];
    // pass each bearer its share through the recorder's account
    for (const [party, account] of [
      ['bank', institutionAccount(claim.bankId)],
      ['insurer', institutionAccount(claim.insurerId)],
      ['fund', FUND.RISK_COMPENSATION],
    ] as const) {
      if (account === recorder) continue;
      legs.push({ account, amount: new Decimal(shares[party]) }, { account: recorder, amount: new Decimal(shares[party]).neg() });
    }
    await post(tx, ctx, { kind: 'RECOVERY', memo: `recovery on loan ${loan.loanNumber}`, claimId: claim.id, loanId: loan.id, borrowerId: loan.borrowerId, entries: legs });
    const recovery = await store.insertRecovery(tx, {
      claimId: claim.id,
      loanId: loan.id,
      recordedByInstitution: actor.institutionId,
      amount: new Decimal(a.amount).toFixed(2),
      recoveredOn,
      toBank: shares.bank,
      toInsurer: shares.insurer,
      toFund: shares.fund,
      recordedBy: actor.userId,
      recordedAt: ctx.now,
    });
    await store.updateClaim(tx, claim.id, {
      recoveredBank: new Decimal(claim.recoveredBank).plus(shares.bank).toFixed(2),
      recoveredInsurer: new Decimal(claim.recoveredInsurer).plus(shares.insurer).toFixed(2),
      recoveredFund: new Decimal(claim.recoveredFund).plus(shares.fund).toFixed(2),
      updatedAt: ctx.now,
    });
    await bump(tx, loan.applicationId, { recoveries: a.amount, recovered_insurer: shares.insurer });
    await appendAudit(tx, ctx, { action: 'loan.recovery.recorded', targetType: 'loan', targetId: loan.id, borrowerId: loan.borrowerId, detail: { amount: a.amount, ...shares } });
    return recovery;
  });
}

/* ---------- reads ---------- */

export async function claim(ctx: Context, args: { id: string }) {
  const actor = requireRole(ctx, 'BANK', 'INSURER', 'GOVERNMENT', 'ADMIN');
  const c = await store.claimById(ctx.db.orm, parse(uuid, args.id, 'id'));
  if (!c || !(actor.role === 'GOVERNMENT' || actor.role === 'ADMIN' || canSee(actor, c))) throw notFound('Claim');
  return c;
}

export async function claims(ctx: Context, args: { status?: string | null; first: number }) {
  const actor = requireRole(ctx, 'BANK', 'INSURER', 'GOVERNMENT', 'ADMIN');
  const a = parse(z.object({ status: z.string().nullish(), first: pageSize(500) }), args);
  return store.listClaims(ctx.db.orm, store.claimScope(actor), a.status ?? undefined, a.first);
}
