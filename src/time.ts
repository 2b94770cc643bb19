/**
 * Business dates are China Standard Time (UTC+8, no daylight saving): a loan falls due on a
 * Zhangjiakou calendar day, not a UTC one.
 */
const CST_OFFSET_MS = 8 * 3600 * 1000;
const DAY_MS = 24 * 3600 * 1000;

/** YYYY-MM-DD of `now` in China Standard Time. */
export function businessDate(now: Date): string {
  return new Date(now.getTime() + CST_OFFSET_MS).toISOString().slice(0, 10);
}

/** The instant a business day starts (00:00 CST). */
export function startOfBusinessDay(date: string): Date {
  return new Date(Date.parse(`${date}T00:00:00Z`) - CST_OFFSET_MS);
}

/** The dates the platform accepts: a birth in 1900 to a 30-year loan's last day, with room. */
export const EARLIEST_DATE = '1900-01-01';
export const LATEST_DATE = '2199-12-31';

/** A real calendar day (no 2026-02-30) inside the platform's range. */
export function isValidDate(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s) || s < EARLIEST_DATE || s > LATEST_DATE) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

/** Calendar arithmetic on YYYY-MM-DD strings, clamping the day (Jan 31 + 1 month = Feb 28/29). */
export function addMonths(date: string, months: number): string {
  const [y, m, d] = date.split('-').map(Number);
  const total = y * 12 + (m - 1) + months;
  const ny = Math.floor(total / 12);
  const nm = total - ny * 12 + 1;
  const lastDay = new Date(Date.UTC(ny, nm, 0)).getUTCDate();
  return `${String(ny).padStart(4, '0')}-${String(nm).padStart(2, '0')}-${String(Math.min(d, lastDay)).padStart(2, '0')}`;
}

export const addYears = (date: string, years: number) => addMonths(date, years * 12);

export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** Whole days from `a` to `b` (b − a). */
export function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / DAY_MS);
}

export const monthOf = (date: string) => `${date.slice(0, 7)}-01`;

/** Whole months from month `a` to month `b` (both YYYY-MM-01 or any day in the month). */
export function monthsBetween(a: string, b: string): number {
  const [ay, am] = a.split('-').map(Number);
  const [by, bm] = b.split('-').map(Number);
  return (by - ay) * 12 + (bm - am);
}
