import { z } from 'zod';

/** Field builders shared by the configuration schemas, with messages that say what is expected. */
export const int = (min: number, max: number) =>
  z
    .number({ error: `expected a number between ${min} and ${max}` })
    .int({ error: `expected a whole number between ${min} and ${max}` })
    .min(min, { error: `expected a number between ${min} and ${max}` })
    .max(max, { error: `expected a number between ${min} and ${max}` });

export const nonEmpty = (what: string, max: number) =>
  z.string({ error: `expected ${what} (text)` }).min(1, { error: `${what} must not be empty` }).max(max, { error: `${what}: at most ${max} characters` });
