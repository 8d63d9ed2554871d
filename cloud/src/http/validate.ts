import type { z } from 'zod';
import { badRequest, type ErrorDetail } from './errors.js';

/** zod issues as `details`: the path joined with dots under a root ("body.readings.3.ts"). */
export function issuesToDetails(issues: readonly z.core.$ZodIssue[], root: string): ErrorDetail[] {
  return issues.map((issue) => ({
    path: [root, ...issue.path.map(String)].filter((p) => p !== '').join('.'),
    message: issue.message,
  }));
}

/** Parses a request part with zod or throws a 400 naming every field that is wrong. */
export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, root: 'body' | 'query' | 'params'): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) {
    throw badRequest('validation_failed', `Invalid request ${root}`, issuesToDetails(result.error.issues, root));
  }
  return result.data;
}
