import { describe, expect, it } from 'vitest';
import { Quality, QUALITY_CODES, qualityOfCode } from './enums.js';

describe('quality codes', () => {
  it.each(Quality.options.map((q) => [q] as const))('%s survives a round trip', (q) => {
    expect(qualityOfCode(QUALITY_CODES[q])).toBe(q);
  });

  it('gives every quality its own code', () => {
    expect(new Set(Object.values(QUALITY_CODES)).size).toBe(Quality.options.length);
  });

  it.each([[-1], [3], [99]])('reads unknown code %d as uncertain', (code) => {
    expect(qualityOfCode(code)).toBe('uncertain');
  });
});
