import { beforeAll, describe, expect, it } from 'vitest';
import { borrower, consent, furnish, institution, type BorrowerHandle, type Inst } from '../factories.js';
import { ok, useTestApp, type TestApp } from '../helpers/app.js';

/**
 * A profile read loads the public records (a second statement) only when the selection shows
 * them or their counts, directly or through fragments; the answer is the same either way.
 */
const app = useTestApp({ now: '2026-06-15T02:00:00.000Z' });
let t: TestApp;
let bank: Inst;
let b: BorrowerHandle;

beforeAll(async () => {
  t = await app();
  bank = await institution(t, 'BANK');
  b = await borrower(t, bank);
  await furnish(t, bank, [{ borrowerId: b.id, openedOn: '2026-01-05' }]);
  await consent(t, b, bank, 'LOAN_APPLICATION');
});

async function statementsFor(selection: string, fragments = '') {
  const before = t.tdb.db.stats.statements;
  const q = `query($b: ID!) { creditProfile(borrowerId: $b, purpose: LOAN_APPLICATION) { ${selection} } } ${fragments}`;
  const data = ok(await t.gql(bank.token, q, { b: b.id })).creditProfile;
  return { n: t.tdb.db.stats.statements - before, data };
}

describe('public records in a profile read', () => {
  it('are read only when selected, through fields, summary counts, inline fragments and named fragments', async () => {
    const none = await statementsFor(`accounts { id } summary { accounts }`);
    expect(none.data.accounts).toHaveLength(1);
    for (const [selection, fragments] of [
      [`publicRecords { id }`, ''],
      [`summary { publicRecords }`, ''],
      [`summary { activePublicRecords }`, ''],
      [`... on CreditProfile { summary { activePublicRecords } }`, ''],
      [`...P`, `fragment P on CreditProfile { publicRecords { id } }`],
      [`summary { ...S }`, `fragment S on CreditSummary { publicRecords }`],
    ]) {
      const some = await statementsFor(selection, fragments);
      expect({ selection, extra: some.n - none.n }).toEqual({ selection, extra: 1 });
    }
    const counted = await statementsFor(`summary { publicRecords activePublicRecords }`);
    expect(counted.data.summary).toEqual({ publicRecords: 0, activePublicRecords: 0 });
  });
});
