import { z } from 'zod';
import { defineCommand } from '../../../command.js';
import { BORROWER_CATEGORIES, type BorrowerCategory } from '../../../domain.js';
import { badInput } from '../../../errors.js';
import { hashNationalId, isPlausibleNationalId, isValidNationalId, maskNationalId, normalizeNationalId } from '../../../identity.js';
import { businessDate } from '../../../time.js';
import { isoDate, parse, text } from '../../../validation.js';
import { creditPolicy } from '../policy.js';
import * as store from '../store.js';

const registerInput = z.object({
  name: text(200),
  nationalId: z
    .string()
    .transform(normalizeNationalId)
    .refine(isValidNationalId, 'is not a valid resident identity number or unified social credit code'),
  category: z.enum(BORROWER_CATEGORIES),
  // '|' and '=' separate the keys of the metrics' groups
  county: text(100).refine((v) => !/[|=]/.test(v), 'must not contain | or ='),
  sector: text(100).refine((v) => !/[|=]/.test(v), 'must not contain | or ='),
  registeredOn: isoDate,
});

/** What registerBorrower answers: the same shape and content for a new id, a known id and a name mismatch. */
export interface BorrowerRegistration {
  borrowerId: string;
  name: string;
  nationalIdMasked: string;
  category: BorrowerCategory;
  county: string;
  sector: string;
  registeredOn: string;
}

/**
 * An institution submits a customer's identity after its own checks. The answer never says
 * whether the id was already on file, or under which name: it is the borrower id and the input
 * as received (the id masked), whatever happened. Registering gives no right to read or write
 * the file (consents do), so nothing links the institution to the borrower. A known id under a
 * different name writes nothing to the borrower; the audit trail keeps the mismatch for the
 * regulator.
 */
export const registerBorrower = defineCommand({
  name: 'registerBorrower',
  gate: (ctx) => creditPolicy.gate(ctx, 'registerBorrower'),
  parse(args: { input: unknown }, { now }) {
    const b = parse(registerInput, args.input, 'input');
    if (!isPlausibleNationalId(b.nationalId, businessDate(now))) {
      throw badInput('nationalId names no real division, authority or birth date', { field: 'nationalId' });
    }
    if (b.registeredOn > businessDate(now)) throw badInput('input.registeredOn is in the future', { field: 'input.registeredOn' });
    return b;
  },
  idempotent: false,
  async run({ ctx, tx, now, record }, b): Promise<BorrowerRegistration> {
    const hash = hashNationalId(b.nationalId, ctx.config.nationalIdPepper);
    const nationalIdMasked = maskNationalId(b.nationalId);
    const created = await store.insertBorrower(tx, {
      name: b.name,
      category: b.category,
      nationalIdHash: hash,
      nationalIdMasked,
      county: b.county,
      sector: b.sector,
      registeredOn: b.registeredOn,
      createdAt: now,
    });
    const borrower = created ?? (await store.findBorrowerByIdHash(tx, hash))!;
    const action = created
      ? 'borrower.registered'
      : borrower.name === b.name
        ? 'borrower.registration_repeated'
        : 'borrower.registration_mismatch';
    record({ action, targetType: 'borrower', targetId: borrower.id, borrowerId: borrower.id });
    return {
      borrowerId: borrower.id,
      name: b.name,
      nationalIdMasked,
      category: b.category,
      county: b.county,
      sector: b.sector,
      registeredOn: b.registeredOn,
    };
  },
});
