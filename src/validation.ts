import { Decimal } from 'decimal.js';
import { z } from 'zod';
import { isValidDate } from './time.js';
import { badInput } from './errors.js';

export const uuid = z.string().uuid({ message: 'must be a valid id' });
export const institutionId = z.string().regex(/^[a-z0-9][a-z0-9-]{1,62}$/, 'must be a lower-case slug');
/** A business date, YYYY-MM-DD. */
export const isoDate = z.string().refine(isValidDate, 'must be YYYY-MM-DD');
/** A money amount (already a decimal string from the Money scalar) above zero. */
export const positiveAmount = z.string().refine((s) => new Decimal(s).gt(0), 'must be more than 0');

export const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);

/** Parse arguments or fail with BAD_USER_INPUT naming the field. */
export function parse<T>(schema: z.ZodType<T>, value: unknown, what = 'input'): T {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const field = issue.path.length ? issue.path.join('.') : what;
  throw badInput(`${field} ${issue.message}`, { field });
}

export const pageSize = (max: number) => z.number().int().min(1, 'must be at least 1').max(max, `must be at most ${max}`);

/** Opaque cursors: base64url of the last row's key. */
export const encodeCursor = (key: string | number) => Buffer.from(String(key)).toString('base64url');
export function decodeCursor(cursor: string | null | undefined, check: (s: string) => boolean): string | undefined {
  if (cursor === null || cursor === undefined) return undefined;
  const s = Buffer.from(cursor, 'base64url').toString();
  if (!check(s)) throw badInput('after is not a valid cursor', { field: 'after' });
  return s;
}
