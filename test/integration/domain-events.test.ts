import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../src/db/client.js';
import { borrower, defaultedDeals, institution, paidClaim, type Inst } from '../factories.js';
import { useTestApp, type TestApp } from '../helpers/app.js';

/**
 * Every state change leaves an audit row and a domain event in the same transaction: after a
 * programme's worth of changes (applications, reviews, policies, loans, furnishing, ageing,
 * a claim paid), each change's action appears as often among the events as in the audit trail.
 */
const app = useTestApp({ now: '2026-01-10T02:00:00.000Z' });
let t: TestApp;
let bank: Inst;
let insurer: Inst;

beforeAll(async () => {
  t = await app();
  [bank, insurer] = await Promise.all([institution(t, 'BANK'), institution(t, 'INSURER')]);
  const b = await borrower(t, bank, { registeredOn: '2025-03-01' });
  const [deal] = await defaultedDeals(t, b, bank, insurer, 1);
  await paidClaim(t, deal, bank, insurer);
});

describe('domain events', () => {
  it('accompany every state change the audit trail records, in equal number', async () => {
    const audit = await rows<{ action: string; n: number }>(
      t.tdb.db.orm,
      // reads are audited but change nothing; the ageing run's summary line is not a change of its own
      sql`select action, count(*)::int as n from audit_log where action not like '%.read' and action <> 'loans.aged' group by action order by action`,
    );
    const events = await rows<{ action: string; n: number }>(
      t.tdb.db.orm,
      // an inquiry's event stands for the read audited as credit.profile.read(_own), which the audit side leaves out
      sql`select type as action, count(*)::int as n from domain_events where type <> 'credit.inquiry.made' group by type order by type`,
    );
    expect(audit.map((a) => a.action)).toEqual(
      expect.arrayContaining(['application.submitted', 'policy.issued', 'loan.disbursed', 'credit.account.created', 'claim.paid']),
    );
    expect(events).toEqual(audit);
  });

  it('carry what a consumer needs: type, version, time, aggregate and request id', async () => {
    const [e] = await rows<Record<string, unknown>>(
      t.tdb.db.orm,
      sql`select id, type, version, occurred_at, aggregate_type, aggregate_id, request_id, delivered_at from domain_events where type = 'claim.paid'`,
    );
    expect(e).toMatchObject({ type: 'claim.paid', version: 1, aggregate_type: 'claim', delivered_at: null });
    expect(e.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(e.request_id).toBeTruthy();
  });
});
