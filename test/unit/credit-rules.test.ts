import { describe, expect, it } from 'vitest';
import {
  consentExpiryProblem,
  disputeDueAt,
  isAccountVisible,
  isConsentActive,
  isDisputeOverdue,
  recordMonthlyStatus,
  retentionCutoff,
  statusHistory,
  summarize,
  worstStatusIn24Months,
} from '../../src/modules/credit/rules.js';

const at = (s: string) => new Date(s);

describe('payment history', () => {
  it('starts a history with the first reported month', () => {
    expect(recordMonthlyStatus(null, null, '2026-03-17', 'CURRENT')).toEqual({ history: '0', historyMonth: '2026-03-01' });
  });

  it('appends a later month at the front, marking skipped months as not reported', () => {
    expect(recordMonthlyStatus('10', '2026-03-01', '2026-04-02', 'CURRENT')).toEqual({ history: '010', historyMonth: '2026-04-01' });
    expect(recordMonthlyStatus('0', '2026-03-01', '2026-06-30', 'DPD_60')).toEqual({ history: '2--0', historyMonth: '2026-06-01' });
  });

  it('overwrites the same month (a replay changes nothing else)', () => {
    expect(recordMonthlyStatus('10', '2026-03-01', '2026-03-31', 'DPD_60')).toEqual({ history: '20', historyMonth: '2026-03-01' });
    expect(recordMonthlyStatus('20', '2026-03-01', '2026-03-31', 'DPD_60')).toEqual({ history: '20', historyMonth: '2026-03-01' });
  });

  it('refuses a month before the history starts', () => {
    expect(recordMonthlyStatus('0', '2026-03-01', '2026-02-28', 'CURRENT')).toBeNull();
  });

  it('keeps at most 24 months', () => {
    const full = '0'.repeat(24);
    const r = recordMonthlyStatus(full, '2026-03-01', '2026-04-01', 'DPD_30')!;
    expect(r.history).toHaveLength(24);
    expect(r.history[0]).toBe('1');
  });

  it('lays out the 24 months ending with the current month', () => {
    const h = statusHistory('210', '2026-05-01', at('2026-06-15T02:00:00Z'));
    expect(h).toHaveLength(24);
    expect(h[0]).toEqual({ month: '2026-06-01', status: null });
    expect(h[1]).toEqual({ month: '2026-05-01', status: 'DPD_60' });
    expect(h[2]).toEqual({ month: '2026-04-01', status: 'DPD_30' });
    expect(h[3]).toEqual({ month: '2026-03-01', status: 'CURRENT' });
    expect(h[4].status).toBeNull();
    expect(h[23].month).toBe('2024-07-01');
  });

  it('uses the China business day: 16:30 UTC on the last day of a month is already the next month', () => {
    expect(statusHistory('0', '2026-07-01', at('2026-06-30T16:30:00Z'))[0]).toEqual({ month: '2026-07-01', status: 'CURRENT' });
    expect(statusHistory('0', '2026-07-01', at('2026-06-30T15:59:00Z'))[0]).toEqual({ month: '2026-06-01', status: null });
  });

  it('takes the worst status within the 24-month window only', () => {
    const now = at('2026-06-15T02:00:00Z');
    // most recent first from 2026-06: 23 current months, then a 90-day delinquency 24 months back
    expect(worstStatusIn24Months('0'.repeat(23) + '3', '2026-06-01', now)).toBe('DPD_90');
    // the same history reported a month earlier: the DPD_90 month is now 25 months back
    expect(worstStatusIn24Months('0'.repeat(23) + '3', '2026-05-01', now)).toBe('CURRENT');
    expect(worstStatusIn24Months('L3', '2026-06-01', now)).toBe('CHARGED_OFF');
  });
});

describe('retention: adverse records stop showing 5 years after the behaviour ended', () => {
  const now = at('2026-06-15T02:00:00Z'); // business date 2026-06-15

  it('computes the cutoff from now', () => {
    expect(retentionCutoff(now)).toBe('2021-06-15');
  });

  it('hides a charged-off account closed exactly 5 years ago, shows one closed a day later', () => {
    expect(isAccountVisible({ status: 'CHARGED_OFF', closedOn: '2021-06-15' }, now)).toBe(false);
    expect(isAccountVisible({ status: 'CHARGED_OFF', closedOn: '2021-06-16' }, now)).toBe(true);
    expect(isAccountVisible({ status: 'CHARGED_OFF', closedOn: '2021-06-14' }, now)).toBe(false);
  });

  it('always shows an adverse account that is still open, and any non-adverse account', () => {
    expect(isAccountVisible({ status: 'DPD_180_PLUS', closedOn: null }, now)).toBe(true);
    expect(isAccountVisible({ status: 'PAID', closedOn: '2010-01-01' }, now)).toBe(true);
  });

  it('moves with the clock: the same record disappears the day its five years are up', () => {
    const rec = { status: 'CLAIM_PAID_BY_INSURER' as const, closedOn: '2021-06-16' };
    expect(isAccountVisible(rec, at('2026-06-15T15:59:59Z'))).toBe(true); // 23:59:59 on 06-15 in Zhangjiakou
    expect(isAccountVisible(rec, at('2026-06-15T16:00:00Z'))).toBe(false); // 00:00 on 06-16
  });
});

describe('consent', () => {
  const c = { grantedAt: at('2026-01-01T00:00:00Z'), expiresAt: at('2026-07-01T00:00:00Z'), revokedAt: null };
  it('is active from grant until (not including) expiry', () => {
    expect(isConsentActive(c, at('2025-12-31T23:59:59Z'))).toBe(false);
    expect(isConsentActive(c, at('2026-01-01T00:00:00Z'))).toBe(true);
    expect(isConsentActive(c, at('2026-06-30T23:59:59.999Z'))).toBe(true);
    expect(isConsentActive(c, at('2026-07-01T00:00:00Z'))).toBe(false);
  });
  it('ends at once when revoked', () => {
    expect(isConsentActive({ ...c, revokedAt: at('2026-02-01T00:00:00Z') }, at('2026-02-01T00:00:01Z'))).toBe(false);
  });
  it('must expire in the future and within its purpose’s longest duration', () => {
    const now = at('2026-01-01T00:00:00Z');
    expect(consentExpiryProblem('LOAN_APPLICATION', now, now)).toMatch(/future/);
    // a credit decision: 180 days
    for (const p of ['LOAN_APPLICATION', 'UNDERWRITING', 'GUARANTEE_ELIGIBILITY'] as const) {
      expect(consentExpiryProblem(p, at('2026-06-30T00:00:00Z'), now)).toBeNull();
      expect(consentExpiryProblem(p, at('2026-06-30T00:00:00.001Z'), now)).toMatch(/180 days/);
    }
    // the relationship and furnishing: the longest programme term, 5 years (1,826 days from 2026)
    for (const p of ['POST_LOAN_MANAGEMENT', 'POST_INSURANCE_MANAGEMENT', 'FURNISHING'] as const) {
      expect(consentExpiryProblem(p, at('2031-01-01T00:00:00Z'), now)).toBeNull();
      expect(consentExpiryProblem(p, at('2031-01-01T00:00:00.001Z'), now)).toMatch(/1826 days/);
    }
  });
});

describe('disputes', () => {
  it('are due 20 days after filing and overdue only after that instant, while open', () => {
    const filed = at('2026-06-01T08:00:00Z');
    const due = disputeDueAt(filed);
    expect(due.toISOString()).toBe('2026-06-21T08:00:00.000Z');
    expect(isDisputeOverdue({ status: 'OPEN', dueAt: due }, due)).toBe(false);
    expect(isDisputeOverdue({ status: 'OPEN', dueAt: due }, new Date(due.getTime() + 1))).toBe(true);
    expect(isDisputeOverdue({ status: 'RESOLVED', dueAt: due }, new Date(due.getTime() + 1))).toBe(false);
  });
});

describe('summary', () => {
  it('counts open accounts, sums their balances exactly, takes the worst recent status', () => {
    const now = at('2026-06-15T02:00:00Z');
    const s = summarize(
      [
        { status: 'CURRENT', closedOn: null, balance: '0.10', paymentHistory: '01', statusMonth: '2026-06-01', disputed: false },
        { status: 'DPD_30', closedOn: null, balance: '0.20', paymentHistory: '1', statusMonth: '2026-06-01', disputed: true },
        { status: 'PAID', closedOn: '2026-01-31', balance: '0.00', paymentHistory: 'P0', statusMonth: '2026-01-01', disputed: false },
      ],
      4,
      now,
    );
    expect(s).toEqual({
      openAccounts: 2,
      totalBalance: '0.30',
      worstStatus24Months: 'DPD_30',
      inquiriesLast6Months: 4,
      disputedAccounts: 1,
    });
  });
});
