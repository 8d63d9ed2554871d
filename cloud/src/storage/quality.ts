import type { Quality } from '@solarhub/shared';

/** How `measurements.quality` stores a reading's quality (smallint: 2 bytes a row, not a string). */
export const QUALITY_CODES = { good: 0, uncertain: 1, clock_unsynced: 2 } as const satisfies Record<Quality, number>;

const BY_CODE = new Map<number, Quality>(
  Object.entries(QUALITY_CODES).map(([name, code]) => [code, name as Quality]),
);

export function qualityCode(quality: Quality): number {
  return QUALITY_CODES[quality];
}

/** Unknown codes (written by a newer version) read as 'uncertain'. */
export function qualityName(code: number): Quality {
  return BY_CODE.get(code) ?? 'uncertain';
}
