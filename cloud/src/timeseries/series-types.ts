import { sql, type SQL } from 'drizzle-orm';
import type { Bucket } from './buckets.js';
import { DAY_MS } from './weeks.js';

/** How a gauge's readings in a bucket become one value; counters use `delta`. */
export type GaugeAgg = 'avg' | 'min' | 'max' | 'last';
export type Agg = GaugeAgg | 'delta';

/** How far before `from` a counter's previous reading is looked for (the first delta of the range needs it). */
export const COUNTER_LOOKBACK_MS = 7 * DAY_MS;

export interface BucketRange {
  /** Inclusive start and exclusive end, ms; align them with alignRange() for whole buckets. */
  from: number;
  to: number;
  bucket: Bucket;
  /** IANA zone the 1h and 1d buckets follow. */
  tz: string;
}

export interface BucketValue {
  /** Bucket start, ms since the epoch. */
  ts: number;
  value: number;
  /** Readings in the bucket. */
  count: number;
}

export interface SeriesBucketValue extends BucketValue {
  seriesId: number;
}

/** Where a read takes its rows: `auto` uses the hourly aggregate where it can stand for the readings, `raw` never does. */
export type ReadSource = 'auto' | 'raw';

/** Raw column as epoch milliseconds (float8), driver-agnostic: raw results are not type-mapped. */
export const epochMs = (expr: SQL) => sql`(extract(epoch FROM ${expr}) * 1000)::float8`;

export const isoTime = (ms: number) => new Date(ms).toISOString();
