/**
 * Weekly partitions of `measurements`: Monday 00:00 UTC to the next Monday,
 * named `measurements_pYYYYMMDD` after their first day. Pure arithmetic.
 */
export const DAY_MS = 86_400_000;
export const WEEK_MS = 7 * DAY_MS;
/** 1970-01-05, the first Monday after the epoch (a Thursday). */
const MONDAY_ORIGIN_MS = 4 * DAY_MS;

export const PARENT_TABLE = 'measurements';
export const DEFAULT_PARTITION = 'measurements_default';
const NAME = /^measurements_p(\d{4})(\d{2})(\d{2})$/;

export interface WeekPartition {
  name: string;
  /** Inclusive start, ms since the epoch (a Monday 00:00 UTC). */
  from: number;
  /** Exclusive end: the next Monday. */
  to: number;
}

/** The Monday 00:00 UTC at or before `ms`. */
export function weekStart(ms: number): number {
  return Math.floor((ms - MONDAY_ORIGIN_MS) / WEEK_MS) * WEEK_MS + MONDAY_ORIGIN_MS;
}

export function weekPartition(ms: number): WeekPartition {
  const from = weekStart(ms);
  const d = new Date(from);
  const pad = (n: number) => String(n).padStart(2, '0');
  return { name: `measurements_p${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}`, from, to: from + WEEK_MS };
}

/** The partition a name stands for, or null for any other table (the default partition, a stranger). */
export function parsePartitionName(name: string): WeekPartition | null {
  const m = NAME.exec(name);
  if (!m) return null;
  const from = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  const part = weekPartition(from);
  return part.name === name ? part : null;
}

/** Last week's, this week's and `ahead` more weeks' partitions around `now`. */
export function partitionsAround(now: number, ahead: number): WeekPartition[] {
  const out: WeekPartition[] = [];
  for (let i = -1; i <= ahead; i++) out.push(weekPartition(weekStart(now) + i * WEEK_MS));
  return out;
}

/** Partitions entirely before `cutoff` (every row older than it), oldest first. */
export function partitionsBefore(existing: readonly WeekPartition[], cutoff: number): WeekPartition[] {
  return existing.filter((p) => p.to <= cutoff).sort((a, b) => a.from - b.from);
}
