/**
 * The parts of a borrower's file that a dispute may reach besides a credit record: an inquiry
 * (an institution's read the borrower says they never authorised) and the identity data; and
 * the notice that tells the borrower how a dispute ended.
 */
import { eq } from 'drizzle-orm';
import type { Executor } from '../../db/client.js';
import { borrowers, inquiries, notices } from '../../db/schema/index.js';
import type { BorrowerCategory, NoticeKind } from '../../domain.js';

/** An inquiry, locked for a dispute or its outcome. */
export async function lockInquiry(tx: Executor, id: string) {
  const [q] = await tx
    .select({
      id: inquiries.id,
      borrowerId: inquiries.borrowerId,
      institutionId: inquiries.institutionId,
      purpose: inquiries.purpose,
      inquiredAt: inquiries.inquiredAt,
      deletedAt: inquiries.deletedAt,
    })
    .from(inquiries)
    .where(eq(inquiries.id, id))
    .for('update');
  return q;
}

/** A dispute's DELETED outcome: the inquiry no longer shows in any profile nor counts (the row stays for the audit trail). */
export async function deleteInquiry(tx: Executor, id: string, now: Date) {
  await tx.update(inquiries).set({ deletedAt: now }).where(eq(inquiries.id, id));
}

export interface IdentityFields {
  name: string;
  category: BorrowerCategory;
  county: string;
  sector: string;
  registeredOn: string;
}

/** The borrower's identity data, locked for a correction. */
export async function lockIdentity(tx: Executor, borrowerId: string): Promise<(IdentityFields & { id: string }) | undefined> {
  const [b] = await tx
    .select({
      id: borrowers.id,
      name: borrowers.name,
      category: borrowers.category,
      county: borrowers.county,
      sector: borrowers.sector,
      registeredOn: borrowers.registeredOn,
    })
    .from(borrowers)
    .where(eq(borrowers.id, borrowerId))
    .for('update');
  return b && { ...b, category: b.category as BorrowerCategory };
}

/**
 * An identity dispute's CORRECTED outcome: the fields given replace the borrower's. Returns the
 * fields that changed, before and after (kept with the dispute).
 */
export async function correctIdentity(tx: Executor, borrowerId: string, fix: Partial<IdentityFields>) {
  const before = await lockIdentity(tx, borrowerId);
  if (!before) return null;
  const from: Partial<IdentityFields> = {};
  const to: Partial<IdentityFields> = {};
  for (const k of ['name', 'category', 'county', 'sector', 'registeredOn'] as const) {
    const v = fix[k];
    if (v === undefined || v === before[k]) continue;
    Object.assign(from, { [k]: before[k] });
    Object.assign(to, { [k]: v });
  }
  if (Object.keys(to).length) await tx.update(borrowers).set(to).where(eq(borrowers.id, borrowerId));
  return { from, to };
}

export interface NewNotice {
  borrowerId: string;
  kind: NoticeKind;
  accountId?: string | null;
  institutionId?: string | null;
  message: string;
  now: Date;
}

/** A notice to the borrower that takes effect at once (a dispute's outcome). */
export async function notifyBorrower(tx: Executor, n: NewNotice) {
  const [row] = await tx
    .insert(notices)
    .values({
      borrowerId: n.borrowerId,
      kind: n.kind,
      accountId: n.accountId ?? null,
      institutionId: n.institutionId ?? null,
      message: n.message,
      notifiedAt: n.now,
      effectiveAt: n.now,
    })
    .returning({ id: notices.id });
  return row;
}
