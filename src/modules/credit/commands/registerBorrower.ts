import { z } from 'zod';
import { defineCommand } from '../../../command.js';
import { BORROWER_CATEGORIES } from '../../../domain.js';
import { badInput, conflict } from '../../../errors.js';
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

/**
 * An institution onboards a customer after its own identity checks. A borrower already on file
 * (same identity number, same name) is linked to the institution and returned.
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
  async run({ ctx, tx, actor, now, record }, b) {
    const hash = hashNationalId(b.nationalId, ctx.config.nationalIdPepper);
    let borrower = await store.insertBorrower(tx, {
      name: b.name,
      category: b.category,
      nationalIdHash: hash,
      nationalIdMasked: maskNationalId(b.nationalId),
      county: b.county,
      sector: b.sector,
      registeredOn: b.registeredOn,
      createdAt: now,
    });
    const created = !!borrower;
    if (!borrower) {
      borrower = (await store.findBorrowerByIdHash(tx, hash))!;
      if (borrower.name !== b.name) throw conflict('The identity number is registered under a different name');
    }
    await store.linkCustomer(tx, actor.institutionId, borrower.id, now);
    record({
      action: created ? 'borrower.registered' : 'borrower.linked',
      targetType: 'borrower',
      targetId: borrower.id,
      borrowerId: borrower.id,
    });
    return borrower;
  },
});
