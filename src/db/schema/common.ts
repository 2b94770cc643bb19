import { numeric, timestamp, date } from 'drizzle-orm/pg-core';

/** Money is numeric(18,2) in the database and a decimal string in TypeScript: never a float. */
export const money = (name: string) => numeric(name, { precision: 18, scale: 2 });
/** Rates (0.078 = 7.8%) keep 6 decimal places. */
export const rate = (name: string) => numeric(name, { precision: 12, scale: 6 });
export const tstz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });
export const day = (name: string) => date(name, { mode: 'string' });

export const inList = (values: readonly string[]) => values.map((v) => `'${v}'`).join(', ');
