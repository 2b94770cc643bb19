import { sql } from 'drizzle-orm';
import { expect } from 'vitest';
import { rows, type Executor } from '../../src/db/client.js';
import type { TestDatabase } from './db.js';
import { projectMetrics, rebuildCube, type MetricChange } from '../../src/modules/metrics/api.js';

const ROLLBACK = new Error('rolled back on purpose');

/** The kept metrics aggregates, every group and shard in a stable order. */
export const cubeSnapshot = (q: Executor) => rows(q, sql`select * from metric_groups order by scope, key, shard`);

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
  await tdb.db.orm.transaction((tx) => rebuildCube(tx));
  expect(await cubeSnapshot(tdb.db.orm)).toEqual(kept);
}
