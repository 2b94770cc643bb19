import { sql } from 'drizzle-orm';
import { expect } from 'vitest';
import { rows, type Executor } from '../../src/db/client.js';
import type { TestDatabase } from './db.js';
import { projectMetrics, rebuildCube, type MetricChange } from '../../src/modules/metrics/api.js';
import { version } from '../../src/modules/metrics/store.js';
import { keptArrears, scanArrears } from '../../src/modules/ledger/store.js';

const ROLLBACK = new Error('rolled back on purpose');

/**
 * The kept metrics aggregates, every group and shard in a stable order: their figures, not their
 * revision counters (a replay or a rebuild writes each row a different number of times).
 */
export const cubeSnapshot = async (q: Executor) =>
  (await rows<Record<string, unknown>>(q, sql`select * from metric_groups order by scope, key, shard`)).map(({ revision: _, ...r }) => r);

/**
 * The aggregates as the domain events alone make them: from nothing, each event's metric
 * deltas (payload.metrics) applied by the projector, one event at a time in the order they were
 * written. Run in a transaction that is rolled back: the kept figures stay as they were.
 */
export async function replayedFromEvents(tdb: TestDatabase) {
  let replayed: unknown[] = [];
  await tdb.db.orm
    .transaction(async (tx) => {
      await tx.execute(sql`delete from metric_groups`);
      const events = await rows<{ metrics: MetricChange }>(
        tx,
        sql`select payload->'metrics' as metrics from domain_events where payload->'metrics' is not null order by seq`,
      );
      for (const e of events) await projectMetrics(tx, [e]);
      replayed = await cubeSnapshot(tx);
      throw ROLLBACK;
    })
    .catch((err: unknown) => {
      if (err !== ROLLBACK) throw err;
    });
  return replayed;
}

/**
 * What the incremental metrics must always satisfy: the kept figures equal a replay of the
 * events' deltas from scratch, and a rebuild from the base tables (rebuildCube, which replaces them).
 */
export async function expectCubeConsistent(tdb: TestDatabase) {
  const kept = await cubeSnapshot(tdb.db.orm);
  expect(kept.length).toBeGreaterThan(0);
  expect(await replayedFromEvents(tdb)).toEqual(kept);
  const before = await version(tdb.db.orm);
  await tdb.db.orm.transaction((tx) => rebuildCube(tx));
  expect(await cubeSnapshot(tdb.db.orm)).toEqual(kept);
  // a rebuild is a change readers must see: the version moves on, never back
  expect(await version(tdb.db.orm)).toBeGreaterThan(before);
}

/**
 * What the funds owe as kept on their accounts (migration 0012's triggers) equals the scan of
 * every policy and claim, and is what fundBalances reports.
 */
export async function expectKeptArrears(tdb: TestDatabase) {
  const [kept, scanned] = await Promise.all([keptArrears(tdb.db.orm), scanArrears(tdb.db.orm)]);
  expect(kept).toEqual(scanned);
  return kept;
}
