import { describe, expect, it } from 'vitest';
import { correctMonths } from '../../src/modules/credit/corrections.js';

/** Reported monthly from 2024-07 to 2026-06 (24 months, most recent first): a DPD_30 in 2025-10 (month −8). */
const full = { paymentHistory: '00000000100000000000000' + '0', statusMonth: '2026-06-01', openedOn: '2024-07-10' };
/** Opened 2026-03, reported only this month. */
const young = { paymentHistory: '0', statusMonth: '2026-06-01', openedOn: '2026-03-05' };

describe('correcting months of a payment history', () => {
  it('changes any month of the 24, by any day in it, and lists the change', () => {
    expect(correctMonths(full, [{ month: '2025-10-31', status: 'CURRENT' }])).toEqual({
      ok: true,
      history: '0'.repeat(24),
      status: 'CURRENT',
      changes: [{ month: '2025-10-01', from: 'DPD_30', to: 'CURRENT' }],
    });
    const oldest = correctMonths(full, [{ month: '2024-07-01', status: 'DPD_60' }]);
    expect(oldest).toMatchObject({ ok: true, changes: [{ month: '2024-07-01', from: 'CURRENT', to: 'DPD_60' }] });
    expect(oldest.ok && oldest.history.at(-1)).toBe('2');
  });

  it('a correction of the current month is the record’s status', () => {
    expect(correctMonths(full, [{ month: '2026-06-01', status: 'DPD_60' }])).toMatchObject({ ok: true, status: 'DPD_60' });
  });

  it('removes a month’s report, and reports a month that had none (padding with unreported months)', () => {
    expect(correctMonths(full, [{ month: '2025-10-01', status: null }])).toMatchObject({
      ok: true,
      history: '00000000-000000000000000',
      changes: [{ month: '2025-10-01', from: 'DPD_30', to: null }],
    });
    expect(correctMonths(young, [{ month: '2026-03-01', status: 'DPD_30' }])).toMatchObject({
      ok: true,
      history: '0--1',
      changes: [{ month: '2026-03-01', from: null, to: 'DPD_30' }],
    });
    // "not reported" where nothing was reported is no change, and leaves no padding behind
    expect(correctMonths(young, [{ month: '2026-04-01', status: null }])).toEqual({
      ok: true,
      history: '0',
      status: 'CURRENT',
      changes: [],
    });
  });

  it('leaves out months whose report does not change; lists the changes oldest first', () => {
    const r = correctMonths(full, [
      { month: '2026-05-01', status: 'DPD_30' },
      { month: '2026-04-01', status: 'CURRENT' },
      { month: '2025-01-01', status: 'DPD_90' },
    ]);
    expect(r.ok && r.changes.map((c) => c.month)).toEqual(['2025-01-01', '2026-05-01']);
  });

  it('refuses a month outside the record’s life or its history, a repeated month, and removing the current month', () => {
    const cases: [typeof full, string, 'CURRENT' | null, string, string][] = [
      [full, '2026-07-01', 'CURRENT', 'month', 'is after the last reported month 2026-06'],
      [full, '2024-06-30', 'CURRENT', 'month', 'is before the account was opened (2024-07)'],
      [{ ...full, openedOn: '2020-01-01' }, '2024-06-01', 'CURRENT', 'month', 'is outside the 24-month history'],
      [young, '2026-02-28', 'CURRENT', 'month', 'is before the account was opened (2026-03)'],
      [full, '2026-06-15', null, 'status', 'the current month cannot be removed: correct its status, or delete the record'],
    ];
    for (const [rec, month, status, field, reason] of cases) {
      expect(correctMonths(rec, [{ month, status }])).toEqual({ ok: false, index: 0, field, reason });
    }
    expect(
      correctMonths(full, [
        { month: '2025-10-01', status: 'CURRENT' },
        { month: '2025-10-20', status: 'DPD_30' },
      ]),
    ).toEqual({ ok: false, index: 1, field: 'month', reason: 'repeats 2025-10' });
  });
});
