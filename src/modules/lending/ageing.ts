import type { Context } from '../../context.js';
import type { Executor } from '../../db/client.js';
import { defineCommand } from '../../command.js';
import type { AccountStatus } from '../../domain.js';
import { badInput } from '../../errors.js';
import { ifElected } from '../../db/locks.js';
import type { Logger } from '../../logger.js';
import { addDays, businessDate, daysBetween, monthOf } from '../../time.js';
import { isoDate, parse } from '../../validation.js';
import { appendAudit, type AuditEvent } from '../audit/api.js';
import { noticeMissedPayment } from '../credit/api.js';
import { parameterVersion } from '../parameters/api.js';
import { furnishLoan } from './furnish.js';
import { loanPolicy } from './policy.js';
import { chargeDuePremiums } from './premiums.js';
import { assertTransition, delinquencyStatus } from './rules.js';
import * as store from './store.js';
import type { LoanRow } from './store.js';

/** One loan's new state, as the scan worked it out. */
interface AgeingStep {
  loanId: string;
  asOf: string;
  daysPastDue: number;
  bucket: AccountStatus;
  /** Set when the loan crossed the default threshold: the day it did, and the threshold. */
  default: { on: string; threshold: number } | null;
}

/**
 * One loan's ageing: its change, its furnishing and its audit entry are one transaction.
 * Returns whether the loan defaulted (false also when it was repaid or aged meanwhile).
 */
const ageLoan = defineCommand({
  name: 'ageLoan',
  gate: (ctx) => loanPolicy.gate(ctx, 'age'),
  parse: (step: AgeingStep) => step,
  idempotent: false,
  async run({ ctx, tx, now, record }, s): Promise<boolean> {
    const loan = (await store.lockLoan(tx, s.loanId))!;
    if (loan.status !== 'ACTIVE') return false; // repaid or aged by someone else meanwhile
    const dpd = s.daysPastDue;
    if (s.default) {
      assertTransition('Loan', loan.status, 'DEFAULTED', 'default the loan');
      const defaultedOn = s.default.on;
      await store.updateLoan(tx, loan.id, { status: 'DEFAULTED', daysPastDue: dpd, delinquency: s.bucket, defaultedOn, updatedAt: now });
      record({
        action: 'loan.defaulted',
        targetType: 'loan',
        targetId: loan.id,
        borrowerId: loan.borrowerId,
        detail: { daysPastDue: dpd, threshold: s.default.threshold, defaultedOn, asOf: s.asOf },
        metrics: { applicationId: loan.applicationId, deltas: { defaults: 1, defaulted_amount: loan.outstandingPrincipal } },
      });
    } else {
      await store.updateLoan(tx, loan.id, { daysPastDue: dpd, delinquency: s.bucket, updatedAt: now });
    }
    await furnishLoan(tx, ctx, loan, { status: s.bucket, balance: loan.outstandingPrincipal, asOf: s.asOf });
    if (dpd >= 1 && s.bucket === 'CURRENT') await priorNotice(tx, ctx, loan, dpd, record);
    return !!s.default;
  },
});

/**
 * 条例 Art 15 prior notice at the first missed instalment, for the bank's loan and the insurer's
 * policy behind it: long before ageing reports DPD_30 or the insurer reports its claim, the
 * borrower has been told (credit/api.ts noticeMissedPayment; once per account).
 */
async function priorNotice(tx: Executor, ctx: Context, loan: LoanRow, dpd: number, record: (c: AuditEvent) => void) {
  const policy = await store.policyById(tx, loan.policyId);
  const accounts = [{ institutionId: loan.bankId, accountRef: loan.loanNumber }];
  if (policy) accounts.push({ institutionId: policy.insurerId, accountRef: policy.policyNumber });
  for (const a of accounts) {
    const given = await noticeMissedPayment(tx, ctx, { ...a, daysPastDue: dpd });
    if (given) record(given);
  }
}

/**
 * Age every active loan as of a business date: days past due from the oldest unpaid
 * instalment, the reporting bucket, and DEFAULTED at the parameter version's threshold (on
 * the day the threshold was crossed). Each loan is its own transaction (ageLoan); loans with
 * nothing new are left alone. Then the premium pass (lending/premiums.ts): each policy year
 * that has started by `asOf` is charged while its loan is still ACTIVE (a loan that defaulted in
 * this run is not), and the years of loans that ended are cancelled, each in its own transaction.
 * ADMIN only (the scheduled job runs as `system:ageing`).
 */
export async function ageLoans(ctx: Context, args: { asOf?: string | null }) {
  loanPolicy.gate(ctx, 'age');
  const today = businessDate(ctx.now);
  const asOf = parse(isoDate.nullish(), args.asOf, 'asOf') ?? today;
  if (asOf > today) throw badInput('asOf is in the future', { field: 'asOf' });
  const candidates = await store.ageingCandidates(ctx.db.orm, asOf);
  let changed = 0;
  let defaulted = 0;
  for (const c of candidates) {
    const dpd = c.oldest_unpaid ? daysBetween(c.oldest_unpaid, asOf) : 0;
    const bucket = delinquencyStatus(dpd);
    const threshold = (await parameterVersion(ctx.db, c.parameter_version))!.document.defaultThresholdDays;
    const isDefault = dpd >= threshold;
    const newMonth = c.reported_month === null || monthOf(asOf) > c.reported_month;
    if (dpd === c.days_past_due && bucket === c.delinquency && !isDefault && !newMonth) continue;
    const step: AgeingStep = {
      loanId: c.id,
      asOf,
      daysPastDue: dpd,
      bucket,
      default: isDefault ? { on: addDays(c.oldest_unpaid!, threshold), threshold } : null,
    };
    if (await ageLoan(ctx, step)) defaulted++;
    changed++;
  }
  const premiums = await chargeDuePremiums(ctx, asOf);
  const run = {
    asOf,
    examined: candidates.length,
    changed,
    defaulted,
    premiumYearsCharged: premiums.charged,
    premiumYearsCancelled: premiums.cancelled,
  };
  await appendAudit(ctx.db.orm, ctx, { action: 'loans.aged', detail: run });
  return run;
}

/** The scheduled job: age every loan as of today, as `system:ageing`. Returns a stopper. */
/**
 * Ageing on a schedule, on one replica at a time: each run first takes an advisory lock
 * (src/db/locks.ts), so with N replicas exactly one ages the book and the others skip the tick.
 */
export function scheduleAgeing(
  app: {
    systemContext(job: string): Context;
    log: Pick<Logger, 'info' | 'error'>;
    config: { databaseUrl?: string };
    metrics: { jobRan(job: string): void };
  },
  everyMinutes: number,
) {
  const run = async () => {
    try {
      const r = await ifElected(app.config.databaseUrl, 'job:ageing', () => ageLoans(app.systemContext('ageing'), {}));
      if (r.ran) {
        app.metrics.jobRan('ageing');
        app.log.info(r.result, 'scheduled ageing');
      } else app.log.info({ job: 'ageing' }, 'scheduled ageing skipped: another replica holds the job');
    } catch (err) {
      app.log.error({ err }, 'scheduled ageing failed');
    }
  };
  const timer = setInterval(run, everyMinutes * 60_000);
  timer.unref();
  void run();
  return () => clearInterval(timer);
}
