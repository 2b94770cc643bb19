import { describe, expect, it } from 'vitest';
import { hashNationalId, isValidNationalId, isValidResidentId, isValidUscc, maskNationalId, residentIdCheckDigit, usccCheckChar } from '../../src/identity.js';

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
    expect(hashNationalId('11010519491231002X', 'pepper-one-abcdefgh')).not.toBe(hashNationalId('11010519491231002X', 'pepper-two-abcdefgh'));
    expect(hashNationalId('11010519491231002X', 'pepper-one-abcdefgh')).toMatch(/^[0-9a-f]{64}$/);
  });
});
