/** The largest time JavaScript's Date (and so toISOString) can hold: year 275760. PostgreSQL goes further. */
export const MAX_TIMESTAMP_MS = 8.64e15;

/** Milliseconds since the epoch as an ISO string for a timestamptz parameter, exact to the millisecond. */
export function isoOrNull(ms: number): string | null {
  return Number.isFinite(ms) && ms >= 0 && ms <= MAX_TIMESTAMP_MS ? new Date(ms).toISOString() : null;
}
