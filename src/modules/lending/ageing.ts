import { sql } from 'drizzle-orm';
import { requireRole } from '../../auth/policy.js';
import { rows } from '../../db/client.js';
import { badInput } from '../../errors.js';
import type { Context } from '../../context.js';
import { addDays, businessDate, daysBetween, monthOf } from '../../time.js';
import { isoDate, parse } from '../../validation.js';
import { appendAudit } from '../audit/store.js';
import { furnishLoan } from './furnish.js';
import { parameterVersion } from '../parameters/service.js';
import { assertTransition, delinquencyStatus } from './rules.js';
import { bump } from '../metrics/cube.js';
import * as store from './store.js';

interface AgeingRow {
  id: string;
  loan_number: string;
  bank_id: string;
  borrower_id: string;
  principal: string;
  outstanding_principal: string;
  disbursed_on: string;
  days_past_due: number;
  delinquency: string;
  parameter_version: number;
  oldest_unpaid: string | null;
  reported_month: string | null;
}

/**
 * Age every active loan as of a business date: days past due from the oldest unpaid
 * instalment, the reporting bucket, and DEFAULTED at the parameter version's threshold (on
 * the day the threshold was crossed). Each loan's change, its furnishing and its audit entry
 * are one transaction; loans with nothing new are left alone.
 */
export async function ageLoans(ctx: Context, args: { asOf?: string | null }) {
  requireRole(ctx, 'ADMIN');
  const today = businessDate(ctx.now);
  const asOf = parse(isoDate.nullish(), args.asOf, 'asOf') ?? today;
  if (asOf > today) throw badInput('asOf is in the future', { field: 'asOf' });
  const candidates = await rows<AgeingRow>(
    ctx.db.orm,
    sql`select l.id, l.loan_number, l.bank_id, l.borrower_id, l.principal::text, l.outstanding_principal::text, l.disbursed_on::text,
          l.days_past_due, l.delinquency, l.parameter_version,
          (select min(i.due_on)::text from loan_instalments i where i.loan_id = l.id and i.due_on < ${asOf}::date
             and (i.principal_paid < i.principal_due or i.interest_paid < i.interest_due)) as oldest_unpaid,
          (select a.status_month::text from credit_accounts a where a.institution_id = l.bank_id and a.account_ref = l.loan_number) as reported_month
        from loans l where l.status = 'ACTIVE' order by l.id`,
  );
  let changed = 0;
  let defaulted = 0;
  for (const c of candidates) {
    const dpd = c.oldest_unpaid ? daysBetween(c.oldest_unpaid, asOf) : 0;
    const bucket = delinquencyStatus(dpd);
    const params = (await parameterVersion(ctx.db, c.parameter_version))!.document;
    const isDefault = dpd >= params.defaultThresholdDays;
    const newMonth = c.reported_month === null || monthOf(asOf) > c.reported_month;
    if (dpd === c.days_past_due && bucket === c.delinquency && !isDefault && !newMonth) continue;
    await ctx.db.orm.transaction(async (tx) => {
      const loan = (await store.lockLoan(tx, c.id))!;
      if (loan.status !== 'ACTIVE') return; // repaid or aged by someone else meanwhile
      if (isDefault) {
        assertTransition('Loan', loan.status, 'DEFAULTED', 'default the loan');
        const defaultedOn = addDays(c.oldest_unpaid!, params.defaultThresholdDays);
        await store.updateLoan(tx, loan.id, { status: 'DEFAULTED', daysPastDue: dpd, delinquency: bucket, defaultedOn, updatedAt: ctx.now });
        await bump(tx, loan.applicationId, { defaults: 1, defaulted_amount: loan.outstandingPrincipal });
        await appendAudit(tx, ctx, {
          action: 'loan.defaulted',
          targetType: 'loan',
          targetId: loan.id,
          borrowerId: loan.borrowerId,
          detail: { daysPastDue: dpd, threshold: params.defaultThresholdDays, defaultedOn, asOf },
        });
        defaulted++;
      } else {
        await store.updateLoan(tx, loan.id, { daysPastDue: dpd, delinquency: bucket, updatedAt: ctx.now });
      }
      await furnishLoan(tx, ctx, loan, { status: bucket, balance: loan.outstandingPrincipal, asOf });
    });
    changed++;
  }
  await appendAudit(ctx.db.orm, ctx, { action: 'loans.aged', detail: { asOf, examined: candidates.length, changed, defaulted } });
  return { asOf, examined: candidates.length, changed, defaulted };
}

/** The scheduled job: age every loan as of today, as `system:ageing`. Returns a stopper. */
export function scheduleAgeing(app: { systemContext(job: string): Context; log: { info: Function; error: Function } }, everyMinutes: number) {
  const run = async () => {
    try {
      const r = await ageLoans(app.systemContext('ageing'), {});
      app.log.info(r, 'scheduled ageing');
    } catch (err) {
      app.log.error({ err }, 'scheduled ageing failed');
    }
  };
  const timer = setInterval(run, everyMinutes * 60_000);
  timer.unref();
  void run();
  return () => clearInterval(timer);
}
