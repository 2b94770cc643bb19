import { describe, expect, it } from 'vitest';
import { checkRecord, type FurnishedRecord } from '../../src/modules/credit/furnishing.js';

const base: FurnishedRecord = {
  borrowerId: '00000000-0000-4000-8000-000000000000',
  accountRef: 'LN-1',
  kind: 'LOAN',
  originalAmount: '100000.00',
  balance: '100000.00',
  openedOn: '2026-01-10',
  status: 'CURRENT',
};
const today = '2026-06-15';
const fields = (r: Partial<FurnishedRecord>, who: 'BANK' | 'INSURER' = 'BANK') =>
  checkRecord({ ...base, ...r }, 3, who, today).map((p) => p.field);

describe('furnished record checks', () => {
  it('accepts a well-formed record', () => {
    expect(checkRecord(base, 0, 'BANK', today)).toEqual([]);
  });
  it('names the record index in each problem', () => {
    expect(checkRecord({ ...base, openedOn: '2026-06-16' }, 7, 'BANK', today)[0]).toMatchObject({ index: 7, field: 'openedOn' });
  });
  it('limits what each kind of institution furnishes', () => {
    expect(fields({ kind: 'INSURANCE_POLICY' }, 'BANK')).toEqual(['kind']);
    expect(fields({ kind: 'LOAN' }, 'INSURER')).toEqual(['kind']);
    expect(fields({ kind: 'GUARANTEE' }, 'INSURER')).toEqual([]);
  });
  it('rejects dates in the future, on the boundary', () => {
    expect(fields({ openedOn: today })).toEqual([]);
    expect(fields({ openedOn: '2026-06-16', statusMonth: '2026-06-16' })).toContain('openedOn');
    expect(fields({ closedOn: '2026-06-16', status: 'PAID', balance: '0.00' })).toEqual(['closedOn']);
  });
  it('needs a terminal status on a closed account and a zero balance when paid', () => {
    expect(fields({ closedOn: '2026-05-01', status: 'CURRENT' })).toEqual(['status']);
    expect(fields({ closedOn: '2026-05-01', status: 'PAID', balance: '0.01' })).toEqual(['balance']);
    expect(fields({ closedOn: '2026-05-01', status: 'PAID', balance: '0.00' })).toEqual([]);
    expect(fields({ closedOn: '2026-01-09', status: 'PAID', balance: '0.00' })).toEqual(['closedOn']);
  });
  it('keeps the status month between the opening month and this month', () => {
    expect(fields({ statusMonth: '2026-01-01' })).toEqual([]);
    expect(fields({ statusMonth: '2025-12-31' })).toEqual(['statusMonth']);
    expect(fields({ statusMonth: '2026-07-01' })).toEqual(['statusMonth']);
  });
  it('rejects malformed account references', () => {
    expect(fields({ accountRef: '' })).toEqual(['accountRef']);
    expect(fields({ accountRef: 'has space' })).toEqual(['accountRef']);
    expect(fields({ accountRef: 'x'.repeat(65) })).toEqual(['accountRef']);
  });
});
