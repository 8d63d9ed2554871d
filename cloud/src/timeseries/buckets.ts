import { sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';

/**
 * Downsampling buckets. 5m and 15m are fixed spans aligned on UTC (every time
 * zone's offset is a multiple of 15 minutes, so they are aligned locally too);
 * 1h and 1d follow the site's time zone: an hour starts at a local :00 (India's
 * +05:30 included) and a day at local midnight, so a day is 23 or 25 hours
 * long across a daylight-saving change.
 */
export const Bucket = z.enum(['5m', '15m', '1h', '1d']);
export type Bucket = z.infer<typeof Bucket>;
export const BucketParam = z.enum([...Bucket.options, 'auto']);

const MINUTE = 60_000;
/** Nominal length of a bucket (a local day may be an hour shorter or longer). */
export const BUCKET_MS: Record<Bucket, number> = { '5m': 5 * MINUTE, '15m': 15 * MINUTE, '1h': 60 * MINUTE, '1d': 1440 * MINUTE };

/** The most buckets `auto` aims for: a day in 5 minutes, a week in 15, a month in hours, a year in days. */
export const AUTO_TARGET_BUCKETS = 800;

/** The finest bucket that keeps [from, to) within AUTO_TARGET_BUCKETS. */
export function autoBucket(from: number, to: number): Bucket {
  const span = to - from;
  return Bucket.options.find((b) => span / BUCKET_MS[b] <= AUTO_TARGET_BUCKETS) ?? '1d';
}

/** The UTC offset of `tz` at instant `ms`, in ms (positive east of Greenwich). */
export function tzOffsetMs(tz: string, ms: number): number {
  const parts = formatter(tz).formatToParts(new Date(ms));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const local = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour') % 24, get('minute'), get('second'));
  return local - (ms - (ms % 1000 + 1000) % 1000);
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
    });
    formatters.set(tz, f);
  }
  return f;
}

/** Whether the runtime knows the IANA zone (the same database PostgreSQL ships, give or take a release). */
export function isTimeZone(tz: string): boolean {
  try {
    formatter(tz);
    return true;
  } catch {
    return false;
  }
}

const UTC_ORIGIN = Date.UTC(2000, 0, 1);

/** Start of the bucket holding `ms`, as SQL's bucketStart() computes it. */
export function bucketStart(ms: number, bucket: Bucket, tz: string): number {
  if (bucket === '5m' || bucket === '15m') {
    const step = BUCKET_MS[bucket];
    return Math.floor((ms - UTC_ORIGIN) / step) * step + UTC_ORIGIN;
  }
  const unit = BUCKET_MS[bucket];
  const offset = tzOffsetMs(tz, ms);
  const localStart = Math.floor((ms + offset) / unit) * unit;
  // Back to an instant with the offset in force at the local start (it differs across a DST change that day).
  let start = localStart - offset;
  for (let i = 0; i < 2; i++) start = localStart - tzOffsetMs(tz, start);
  return start;
}

/** Start of the bucket after the one starting at `start`. */
export function nextBucket(start: number, bucket: Bucket, tz: string): number {
  // Half a nominal bucket past the end lands inside the next one even when a local day has 23 or 25 hours.
  return bucket === '5m' || bucket === '15m' ? start + BUCKET_MS[bucket] : bucketStart(start + BUCKET_MS[bucket] * 1.5, bucket, tz);
}

/** [from, to) widened to whole buckets: the first and last buckets are complete. */
export function alignRange(from: number, to: number, bucket: Bucket, tz: string): { from: number; to: number; buckets: number } {
  const first = bucketStart(from, bucket, tz);
  const lastStart = bucketStart(to - 1, bucket, tz);
  const end = nextBucket(lastStart, bucket, tz);
  return { from: first, to: end, buckets: Math.round((end - first) / BUCKET_MS[bucket]) };
}

/** The SQL expression of a row's bucket start (timestamptz), on PostgreSQL 14+ and PGlite. */
export function bucketStartSql(column: SQL, bucket: Bucket, tz: string): SQL {
  switch (bucket) {
    case '5m':
      return sql`date_bin(interval '5 minutes', ${column}, timestamptz '2000-01-01 00:00:00+00')`;
    case '15m':
      return sql`date_bin(interval '15 minutes', ${column}, timestamptz '2000-01-01 00:00:00+00')`;
    case '1h':
      return sql`date_trunc('hour', ${column}, ${tz}::text)`;
    case '1d':
      return sql`date_trunc('day', ${column}, ${tz}::text)`;
  }
}
