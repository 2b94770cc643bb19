import { createHmac } from 'node:crypto';

/**
 * Borrower identifiers: an 18-character PRC resident identity number (GB 11643, ISO 7064
 * MOD 11-2 check digit) for people, or an 18-character unified social credit code
 * (GB 32100-2015, MOD 31 check character) for enterprises.
 */
const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = '10X98765432';
const USCC_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

export function residentIdCheckDigit(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * ID_WEIGHTS[i];
  return ID_CHECK[sum % 11];
}

export function isValidResidentId(id: string): boolean {
  if (!/^\d{17}[\dX]$/.test(id)) return false;
  const birth = `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`;
  if (Number.isNaN(Date.parse(`${birth}T00:00:00Z`)) || new Date(`${birth}T00:00:00Z`).toISOString().slice(0, 10) !== birth) return false;
  return residentIdCheckDigit(id.slice(0, 17)) === id[17];
}

export function usccCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += USCC_CHARS.indexOf(first17[i]) * USCC_WEIGHTS[i];
  return USCC_CHARS[(31 - (sum % 31)) % 31];
}

export function isValidUscc(code: string): boolean {
  if (code.length !== 18) return false;
  for (const ch of code) if (!USCC_CHARS.includes(ch)) return false;
  return usccCheckChar(code.slice(0, 17)) === code[17];
}

export function normalizeNationalId(raw: string): string {
  return raw.trim().toUpperCase();
}

export function isValidNationalId(id: string): boolean {
  return isValidResidentId(id) || isValidUscc(id);
}

/** GB/T 2260 province-level codes: the first two digits of every administrative division code. */
const PROVINCES = new Set([
  11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82,
]);
/** A county-level division: a real province, and not the province's or a prefecture's own code (…0000). */
const isDivision = (code: string) => /^\d{6}$/.test(code) && PROVINCES.has(Number(code.slice(0, 2))) && code.slice(2) !== '0000';
/** GB 32100 registration authorities (1 机构编制 … 9 市场监管, A 中央军委改革和编制, N 农业, Y 其他). */
const USCC_AUTHORITIES = '123456789ANY';

/**
 * A check digit is not enough: `000000000000000000` passes GB 32100's. A plausible identifier
 * also names a real province and county, a registration authority, a real birth date between
 * 1900 and `today` (for people), and a non-zero organisation code (for enterprises).
 */
export function isPlausibleNationalId(id: string, today: string): boolean {
  if (isValidResidentId(id)) {
    const birth = `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`;
    return isDivision(id.slice(0, 6)) && birth >= '1900-01-01' && birth <= today;
  }
  if (isValidUscc(id)) {
    return USCC_AUTHORITIES.includes(id[0]) && isDivision(id.slice(2, 8)) && !/^0+$/.test(id.slice(8, 17));
  }
  return false;
}

/** What a profile shows: the first four and last four characters. */
export function maskNationalId(id: string): string {
  return `${id.slice(0, 4)}${'*'.repeat(id.length - 8)}${id.slice(-4)}`;
}

/** Keyed hash, so the stored value cannot be reversed by enumerating the id space. */
export function hashNationalId(id: string, pepper: string): string {
  return createHmac('sha256', pepper).update(id).digest('hex');
}
