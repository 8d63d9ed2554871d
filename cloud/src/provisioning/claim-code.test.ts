import { describe, expect, it } from 'vitest';
import { generateClaimCode, normalizeClaimCode } from './claim.js';
import { parseDuration } from './commands.js';

describe('claim codes', () => {
  it('generates SHC-XXXX-XXXX-XXXX-XXXX in Crockford base32, each different', () => {
    const codes = new Set(Array.from({ length: 50 }, generateClaimCode));
    expect(codes.size).toBe(50);
    for (const code of codes) {
      expect(code).toMatch(/^SHC(-[0-9A-HJKMNP-TV-Z]{4}){4}$/);
      expect(normalizeClaimCode(code)).toBe(code.slice(4).replace(/-/g, ''));
    }
  });

  it.each<[string, string | null]>([
    ['SHC-7KQ2-M9XA-4T1B-ZP0D', '7KQ2M9XA4T1BZP0D'],
    ['shc 7kq2 m9xa 4t1b zp0d', '7KQ2M9XA4T1BZP0D'],
    ['7KQ2M9XA4T1BZPOD', '7KQ2M9XA4T1BZP0D'],
    ['7KQ2-M9XA-4TIB-ZP0D', '7KQ2M9XA4T1BZP0D'],
    ['7KQ2-M9XA-4TLB-ZP0D', '7KQ2M9XA4T1BZP0D'],
    ['7KQ2-M9XA-4T1B-ZP0', null],
    ['7KQ2-M9XA-4T1B-ZP0U', null],
    ['', null],
  ])('normalizes %j to %j', (input, expected) => {
    expect(normalizeClaimCode(input)).toBe(expected);
  });
});

describe('parseDuration', () => {
  it.each<[string, number | null]>([
    ['90s', 90_000],
    ['30m', 1_800_000],
    ['24h', 86_400_000],
    ['7d', 604_800_000],
    ['1.5h', 5_400_000],
    ['0h', null],
    ['24', null],
    ['h', null],
    ['2w', null],
  ])('%j -> %j', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });
});
