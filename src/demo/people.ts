import { residentIdCheckDigit, usccCheckChar } from '../identity.js';
import { addDays } from '../time.js';
import { GIVEN, SURNAMES } from './places.js';
import type { Rng } from './random.js';

/* Made-up people and firms: a name, a resident id or a unified social credit code that pass their checks. */

export function personName(rng: Rng) {
  return rng.pick([...SURNAMES]) + rng.pick([...GIVEN]) + (rng.chance(0.6) ? rng.pick([...GIVEN]) : '');
}

/** Unique per index: the birth date walks a 40-year range (7919 is coprime to its length), the sequence counts the laps. */
export function residentId(countyCode: string, i: number): string {
  const DAYS = 14_600;
  const birth = addDays('1962-01-01', (i * 7919) % DAYS).replaceAll('-', '');
  const first17 = `${countyCode}${birth}${String(Math.floor(i / DAYS) % 1000).padStart(3, '0')}`;
  return first17 + residentIdCheckDigit(first17);
}

export function uscc(countyCode: string, seq: number): string {
  const org = String(seq).padStart(8, '0').slice(-8) + '1';
  const first17 = `91${countyCode}${org}`;
  return first17 + usccCheckChar(first17);
}
