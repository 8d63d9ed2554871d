import { QUALITY_CODES, type Quality } from '@solarhub/shared';

/** `measurements.quality` stores a reading's quality as its code (smallint: 2 bytes a row, not a string). */
export { QUALITY_CODES };

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
