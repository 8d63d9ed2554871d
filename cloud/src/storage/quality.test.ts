import { Quality } from '@solarhub/shared';
import { describe, expect, it } from 'vitest';
import { QUALITY_CODES, qualityCode, qualityName } from './quality.js';

describe('quality codes', () => {
  it.each(Quality.options.map((q) => [q] as const))('%s survives a round trip', (q) => {
    expect(qualityName(qualityCode(q))).toBe(q);
  });

  it('gives every quality its own code', () => {
    expect(new Set(Object.values(QUALITY_CODES)).size).toBe(Quality.options.length);
  });

  it.each([[-1], [3], [99]])('reads unknown code %d as uncertain', (code) => {
    expect(qualityName(code)).toBe('uncertain');
  });
});
