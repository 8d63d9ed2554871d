/**
 * The SQLSTATE and constraint of a PostgreSQL error, whether the driver threw
 * it as is (node-postgres, PGlite) or drizzle wrapped it (as `cause`).
 */
export function pgError(err: unknown): { code?: string; constraint?: string } {
  const e = (typeof err === 'object' && err !== null ? err : {}) as { code?: unknown; constraint?: unknown; cause?: unknown };
  const inner = (typeof e.cause === 'object' && e.cause !== null ? e.cause : {}) as { code?: unknown; constraint?: unknown };
  const code = typeof e.code === 'string' ? e.code : typeof inner.code === 'string' ? inner.code : undefined;
  const constraint = typeof e.constraint === 'string' ? e.constraint : typeof inner.constraint === 'string' ? inner.constraint : undefined;
  return { ...(code === undefined ? {} : { code }), ...(constraint === undefined ? {} : { constraint }) };
}

/** SQLSTATEs this code acts on. */
export const PG = {
  uniqueViolation: '23505',
  exclusionViolation: '23P01',
  serializationFailure: '40001',
  deadlockDetected: '40P01',
} as const;

/**
 * PostgreSQL broke a deadlock by aborting this transaction (40P01). Nothing
 * of it was kept, so running it again is safe, and is what the manual asks.
 */
export const isDeadlock = (err: unknown): boolean => pgError(err).code === PG.deadlockDetected;
