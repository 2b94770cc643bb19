import { describe, expect, it } from 'vitest';
import { yuanOf } from '../../src/modules/metrics/store.js';

describe('yuanOf: a sum in fen (bigint text) as yuan, exactly', () => {
  it.each([
    ['0', '0.00'],
    ['5', '0.05'],
    ['99', '0.99'],
    ['100', '1.00'],
    ['123456', '1234.56'],
    ['-5', '-0.05'],
    ['-123456', '-1234.56'],
    // beyond 2^53: no float on the way
    ['1234567890123456789', '12345678901234567.89'],
  ])('%s fen = %s', (fen, yuan) => {
    expect(yuanOf(fen)).toBe(yuan);
  });
});
