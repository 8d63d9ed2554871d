import { QUALITY_CODES, qualityOfCode, type Quality } from '@solarhub/shared';

/** `measurements.quality` stores a reading's quality as its code (smallint: 2 bytes a row, not a string). */
export { QUALITY_CODES };

export function qualityCode(quality: Quality): number {
  return QUALITY_CODES[quality];
}

/** Unknown codes (written by a newer version) read as 'uncertain'. */
export const qualityName = qualityOfCode;
