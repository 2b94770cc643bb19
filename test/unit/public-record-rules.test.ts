import { describe, expect, it } from 'vitest';
import type { PublicRecordKind, PublicRecordStatus } from '../../src/domain.js';
import { isDishonestDebtorListing, isShown, shownUntil, visibleRecords, type ProfileRecordFacts } from '../../src/modules/records/rules.js';

let seq = 0;
function rec(r: Partial<ProfileRecordFacts> & { kind: PublicRecordKind; status: PublicRecordStatus }): ProfileRecordFacts {
  seq++;
  return {
    id: `00000000-0000-4000-8000-${String(seq).padStart(12, '0')}`,
    authorityId: 'court',
    decidedOn: '2024-01-10',
    effectiveOn: '2024-01-10',
    endedOn: null,
    recordedAt: '2026-01-01T00:00:00.000Z',
    ...r,
  };
}

describe('public record retention (Art 16, our rule)', () => {
  it('an ACTIVE record has no end and is shown however old', () => {
    const r = rec({ kind: 'DISHONEST_DEBTOR', status: 'ACTIVE', decidedOn: '2001-03-01', effectiveOn: '2001-03-01' });
    expect(shownUntil(r)).toBeNull();
    expect(isShown(r, '2026-06-15')).toBe(true);
  });

  it('an EXECUTED record is shown until the day before 5 years after it ended, and not on that day', () => {
    const r = rec({ kind: 'COURT_JUDGMENT', status: 'EXECUTED', endedOn: '2021-06-15' });
    expect(shownUntil(r)).toBe('2026-06-14');
    expect(isShown(r, '2026-06-14')).toBe(true);
    expect(isShown(r, '2026-06-15')).toBe(false);
  });

  it('a record ended on 29 February is shown until 27 February five years on (the anniversary clamps to the 28th)', () => {
    const r = rec({ kind: 'TAX_ARREARS', status: 'EXECUTED', decidedOn: '2019-05-01', endedOn: '2020-02-29' });
    expect(shownUntil(r)).toBe('2025-02-27');
    expect(isShown(r, '2025-02-27')).toBe(true);
    expect(isShown(r, '2025-02-28')).toBe(false);
  });

  it('a REVOKED record is never shown, even the day it was decided', () => {
    const r = rec({ kind: 'ADMINISTRATIVE_PENALTY', status: 'REVOKED', decidedOn: '2026-06-01', endedOn: '2026-06-10' });
    expect(shownUntil(r)).toBe('2026-06-09');
    expect(isShown(r, '2026-06-01')).toBe(false);
    expect(isShown(r, '2026-06-15')).toBe(false);
  });

  it('a tax credit grade is shown up to 5 years after it was decided, whatever its status', () => {
    const g = rec({ kind: 'TAX_CREDIT_GRADE', status: 'ACTIVE', decidedOn: '2021-04-20' });
    expect(shownUntil(g)).toBe('2026-04-19');
    expect(isShown(g, '2026-04-19')).toBe(true);
    expect(isShown(g, '2026-04-20')).toBe(false);
    expect(shownUntil({ ...g, status: 'EXECUTED', endedOn: '2022-01-01' })).toBe('2026-04-19');
  });
});

describe('the records a profile shows', () => {
  it('only the newest grade of each authority stands; older ones are never shown', () => {
    const old = rec({ kind: 'TAX_CREDIT_GRADE', status: 'ACTIVE', authorityId: 'tax-a', decidedOn: '2024-04-01' });
    const newest = rec({ kind: 'TAX_CREDIT_GRADE', status: 'ACTIVE', authorityId: 'tax-a', decidedOn: '2025-04-01' });
    const otherAuthority = rec({ kind: 'TAX_CREDIT_GRADE', status: 'ACTIVE', authorityId: 'tax-b', decidedOn: '2023-04-01' });
    expect(visibleRecords([old, newest, otherAuthority], '2026-06-15').map((r) => r.id)).toEqual([newest.id, otherAuthority.id]);
  });

  it('a revoked newest grade gives way to the grade before it', () => {
    const before = rec({ kind: 'TAX_CREDIT_GRADE', status: 'ACTIVE', authorityId: 'tax-a', decidedOn: '2024-04-01' });
    const revoked = rec({
      kind: 'TAX_CREDIT_GRADE',
      status: 'REVOKED',
      authorityId: 'tax-a',
      decidedOn: '2025-04-01',
      endedOn: '2025-05-01',
    });
    expect(visibleRecords([before, revoked], '2026-06-15').map((r) => r.id)).toEqual([before.id]);
  });

  it('a newest grade past its 5 years hides every older grade too', () => {
    const older = rec({ kind: 'TAX_CREDIT_GRADE', status: 'ACTIVE', authorityId: 'tax-a', decidedOn: '2019-04-01' });
    const newest = rec({ kind: 'TAX_CREDIT_GRADE', status: 'ACTIVE', authorityId: 'tax-a', decidedOn: '2020-04-01' });
    expect(visibleRecords([older, newest], '2026-06-15')).toEqual([]);
  });

  it('in force first, then newest; hidden ones are left out', () => {
    const executed = rec({ kind: 'COURT_JUDGMENT', status: 'EXECUTED', decidedOn: '2025-01-01', endedOn: '2025-03-01' });
    const activeOld = rec({ kind: 'DISHONEST_DEBTOR', status: 'ACTIVE', decidedOn: '2020-01-01' });
    const activeNew = rec({ kind: 'COURT_ENFORCEMENT', status: 'ACTIVE', decidedOn: '2023-01-01' });
    const expired = rec({ kind: 'COURT_JUDGMENT', status: 'EXECUTED', decidedOn: '2015-01-01', endedOn: '2016-01-01' });
    const revoked = rec({ kind: 'COURT_JUDGMENT', status: 'REVOKED', decidedOn: '2026-01-01', endedOn: '2026-02-01' });
    expect(visibleRecords([executed, activeOld, expired, activeNew, revoked], '2026-06-15').map((r) => r.id)).toEqual([
      activeNew.id,
      activeOld.id,
      executed.id,
    ]);
  });

  it('only an ACTIVE dishonest-debtor record is a listing', () => {
    expect(isDishonestDebtorListing({ kind: 'DISHONEST_DEBTOR', status: 'ACTIVE' })).toBe(true);
    expect(isDishonestDebtorListing({ kind: 'DISHONEST_DEBTOR', status: 'EXECUTED' })).toBe(false);
    expect(isDishonestDebtorListing({ kind: 'COURT_ENFORCEMENT', status: 'ACTIVE' })).toBe(false);
  });
});
