import { and, desc, eq, gt, inArray, isNull, lte } from 'drizzle-orm';
import type { Executor } from '../../db/client.js';
import { consents } from '../../db/schema/index.js';
import type { AccountKind } from '../../domain.js';

export type ConsentRow = typeof consents.$inferSelect;

export async function insertConsent(tx: Executor, values: typeof consents.$inferInsert): Promise<ConsentRow> {
  const [c] = await tx.insert(consents).values(values).returning();
  return c;
}

/** A consent, locked for its revocation (the policy decides whose it is). */
export async function lockConsent(tx: Executor, id: string): Promise<ConsentRow | undefined> {
  const [c] = await tx.select().from(consents).where(eq(consents.id, id)).for('update');
  return c;
}

export async function revoke(tx: Executor, id: string, at: Date): Promise<ConsentRow> {
  const [c] = await tx
    .update(consents)
    .set({ revokedAt: at })
    .where(and(eq(consents.id, id), isNull(consents.revokedAt)))
    .returning();
  return c;
}

export async function consentsOf(db: Executor, borrowerId: string) {
  return db.select().from(consents).where(eq(consents.borrowerId, borrowerId)).orderBy(desc(consents.grantedAt));
}

/** An active consent for exactly this institution and purpose, if any. */
export async function activeConsent(db: Executor, borrowerId: string, institutionId: string, purpose: string, now: Date) {
  const [c] = await db
    .select({ id: consents.id })
    .from(consents)
    .where(
      and(
        eq(consents.borrowerId, borrowerId),
        eq(consents.institutionId, institutionId),
        eq(consents.purpose, purpose),
        isNull(consents.revokedAt),
        lte(consents.grantedAt, now),
        gt(consents.expiresAt, now),
      ),
    )
    .limit(1);
  return c;
}

/** A FURNISHING consent's scope: the account kinds it lets the institution report. */
export const scopeOf = (c: Pick<ConsentRow, 'scope'>): AccountKind[] | null => (Array.isArray(c.scope) ? (c.scope as AccountKind[]) : null);

/**
 * The active FURNISHING consents these borrowers gave this institution, by borrower, latest
 * expiry first. Locked for share: a revocation waits for the furnishing that relies on it.
 */
export async function activeFurnishingConsents(
  tx: Executor,
  institutionId: string,
  borrowerIds: string[],
  now: Date,
): Promise<Map<string, { id: string; scope: AccountKind[] }[]>> {
  const out = new Map<string, { id: string; scope: AccountKind[] }[]>();
  if (borrowerIds.length === 0) return out;
  const found = await tx
    .select({ id: consents.id, borrowerId: consents.borrowerId, scope: consents.scope })
    .from(consents)
    .where(
      and(
        eq(consents.institutionId, institutionId),
        eq(consents.purpose, 'FURNISHING'),
        inArray(consents.borrowerId, borrowerIds),
        isNull(consents.revokedAt),
        lte(consents.grantedAt, now),
        gt(consents.expiresAt, now),
      ),
    )
    .orderBy(desc(consents.expiresAt))
    .for('share');
  for (const c of found) {
    const list = out.get(c.borrowerId) ?? [];
    list.push({ id: c.id, scope: scopeOf(c) ?? [] });
    out.set(c.borrowerId, list);
  }
  return out;
}
