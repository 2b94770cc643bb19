import type { Database } from '../../src/db/client.js';

/**
 * The same database, except that every transaction fails just before it would commit, after
 * the command has written everything (ledger entries, state, audit, events, idempotency key).
 * Proves that a money mutation never leaves half a change behind.
 */
export function failingBeforeCommit(db: Database, label: string): Database {
  return {
    ...db,
    transaction: (run) =>
      db.transaction(async (tx) => {
        await run(tx);
        throw new Error(`failpoint ${label}`);
      }),
  };
}
