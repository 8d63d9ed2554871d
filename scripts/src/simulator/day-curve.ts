/**
 * The sun as the simulator sees it: a half sine between sunrise and sunset in
 * local time, zero at night, 1 at the midpoint (noon with the defaults).
 * Clear sky every day: the values are deterministic, so tests can predict them.
 */
export interface DayCurveOptions {
  /**
   * Local time = UTC + this many minutes. Default: the host's own offset at
   * that instant. For solar time at a longitude, pass longitude × 4 (east positive).
   */
  utcOffsetMinutes?: number | undefined;
  /** Local hour the output starts to rise from 0. Default 6. */
  sunriseHour?: number | undefined;
  /** Local hour the output is back to 0. Default 18. */
  sunsetHour?: number | undefined;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** The local hour of the day, in [0, 24). */
export function localHour(at: Date, utcOffsetMinutes?: number): number {
  const offset = utcOffsetMinutes ?? -at.getTimezoneOffset();
  const ms = at.getTime() + offset * 60_000;
  return (((ms % DAY_MS) + DAY_MS) % DAY_MS) / HOUR_MS;
}

export function checkDayCurveOptions(opts: DayCurveOptions): void {
  const rise = opts.sunriseHour ?? 6;
  const set = opts.sunsetHour ?? 18;
  if (!(rise >= 0 && set <= 24 && rise < set)) {
    throw new RangeError(`sunriseHour (${rise}) and sunsetHour (${set}) need 0 <= sunrise < sunset <= 24`);
  }
}

/** Fraction of rated output the sun allows at `at`: 0 at night, never negative, at most 1. */
export function solarFraction(at: Date, opts: DayCurveOptions = {}): number {
  const rise = opts.sunriseHour ?? 6;
  const set = opts.sunsetHour ?? 18;
  const h = localHour(at, opts.utcOffsetMinutes);
  if (h <= rise || h >= set) return 0;
  return Math.max(0, Math.sin((Math.PI * (h - rise)) / (set - rise)));
}

/**
 * ∫ f(t) dt over [from, to] in hour units (so a power in W gives Wh), by the
 * midpoint rule with steps of at most `maxStepMs`. Zero when to <= from.
 */
export function integrateHours(from: Date, to: Date, f: (at: Date) => number, maxStepMs = 10_000): number {
  const span = to.getTime() - from.getTime();
  if (!(span > 0)) return 0;
  const steps = Math.max(1, Math.ceil(span / maxStepMs));
  const step = span / steps;
  let sum = 0;
  for (let i = 0; i < steps; i++) sum += f(new Date(from.getTime() + (i + 0.5) * step));
  return (sum * step) / HOUR_MS;
}
