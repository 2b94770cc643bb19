import { describe, expect, it } from 'vitest';
import {
  hashNationalId,
  isPlausibleNationalId,
  isValidNationalId,
  isValidResidentId,
  isValidUscc,
  maskNationalId,
  residentIdCheckDigit,
  usccCheckChar,
} from '../../src/identity.js';

describe('national identifiers', () => {
  it('validates the resident identity number check digit (GB 11643)', () => {
    // the standard's worked example
    expect(residentIdCheckDigit('11010519491231002')).toBe('X');
    expect(isValidResidentId('11010519491231002X')).toBe(true);
    expect(isValidResidentId('110105194912310021')).toBe(false);
    expect(isValidResidentId('11010519491331002X')).toBe(false); // month 13
  });

  it('validates the unified social credit code check character (GB 32100)', () => {
    // published codes of real enterprises
    expect(isValidUscc('91350100M000100Y43')).toBe(true);
    expect(isValidUscc('91440300708461136T')).toBe(true);
    expect(usccCheckChar('91110108551385082')).toBe('Q');
    expect(isValidUscc('91110108551385082R')).toBe(false);
    expect(isValidUscc('91350100I000100Y43')).toBe(false); // I is not in the alphabet
    expect(isValidNationalId('91350100M000100Y43')).toBe(true);
  });

  it('masks all but the first and last four characters', () => {
    expect(maskNationalId('11010519491231002X')).toBe('1101**********002X');
  });

  it('hashes with a key, so the same id under another key gives another value', () => {
    expect(hashNationalId('11010519491231002X', 'pepper-one-abcdefgh')).not.toBe(
      hashNationalId('11010519491231002X', 'pepper-two-abcdefgh'),
    );
    expect(hashNationalId('11010519491231002X', 'pepper-one-abcdefgh')).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('plausible national identifiers (beyond the check digit)', () => {
  const today = '2026-06-15';
  it('refuses codes whose check digit passes but which name nothing real', () => {
    expect(isValidUscc('000000000000000000')).toBe(true); // the check character alone lets it through
    expect(isPlausibleNationalId('000000000000000000', today)).toBe(false);
    const noProvince = '99072219900101123'; // province 99 does not exist
    expect(isPlausibleNationalId(noProvince + residentIdCheckDigit(noProvince), today)).toBe(false);
  });
  it('accepts real-looking people and enterprises, and refuses an unborn person or a province-level code', () => {
    const person = '13072219900101123';
    expect(isPlausibleNationalId(person + residentIdCheckDigit(person), today)).toBe(true);
    const unborn = '13072220300101123';
    expect(isValidResidentId(unborn + residentIdCheckDigit(unborn))).toBe(true);
    expect(isPlausibleNationalId(unborn + residentIdCheckDigit(unborn), today)).toBe(false);
    const province = '13000019900101123';
    expect(isPlausibleNationalId(province + residentIdCheckDigit(province), today)).toBe(false);
    expect(isPlausibleNationalId('91350100M000100Y43', today)).toBe(true);
    const zeroOrg = '91130722000000000';
    expect(isPlausibleNationalId(zeroOrg + usccCheckChar(zeroOrg), today)).toBe(false);
    const badAuthority = 'B1130722MA0000011';
    expect(isPlausibleNationalId(badAuthority + usccCheckChar(badAuthority), today)).toBe(false);
  });
});
