import { sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../storage/database.js';
import { queryRows } from '../storage/rows.js';
import { bucketStartSql, type Bucket } from './buckets.js';
import { COUNTER_INCREASE_SQL } from './counters.js';
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

/** Raw column as epoch milliseconds (float8), driver-agnostic: raw results are not type-mapped. */
export const epochMs = (expr: SQL) => sql`(extract(epoch FROM ${expr}) * 1000)::float8`;

const iso = (ms: number) => new Date(ms).toISOString();

const AGG_SQL: Record<GaugeAgg, SQL> = {
  avg: sql`avg(value)`,
  min: sql`min(value)`,
  max: sql`max(value)`,
  last: sql`(array_agg(value ORDER BY ts DESC))[1]`,
};

/** One gauge series downsampled: one row per bucket that has readings, in time order. */
export async function gaugeBuckets(db: DbOrTx, seriesId: number, range: BucketRange, agg: GaugeAgg): Promise<BucketValue[]> {
  const rows = await queryRows<{ ts: number; value: number; n: number }>(
    db,
    sql`SELECT ${epochMs(sql`b`)} AS ts, ${AGG_SQL[agg]}::float8 AS value, count(*)::int AS n
        FROM (
          SELECT ${bucketStartSql(sql`ts`, range.bucket, range.tz)} AS b, ts, value FROM measurements
          WHERE series_id = ${seriesId}::bigint AND ts >= ${iso(range.from)}::timestamptz AND ts < ${iso(range.to)}::timestamptz
        ) r
        GROUP BY b ORDER BY b`,
  );
  return rows.map((r) => ({ ts: Number(r.ts), value: Number(r.value), count: Number(r.n) }));
}

export interface SeriesBucketValue extends BucketValue {
  seriesId: number;
}

/**
 * Counter series as increases per bucket (see counters.ts: a drop is a
 * reset and counts from zero). Each reading's increase over the one before
 * it lands in the reading's bucket; the first reading of the range is
 * compared with the series' last reading in the COUNTER_LOOKBACK_MS before.
 * Rows: per series and bucket with readings, in time order.
 */
export async function counterBuckets(db: DbOrTx, seriesIds: readonly number[], range: BucketRange): Promise<SeriesBucketValue[]> {
  if (seriesIds.length === 0) return [];
  const ids = sql`${sql.param([...seriesIds])}::bigint[]`;
  const from = sql`${iso(range.from)}::timestamptz`;
  // Per series (LATERAL): its readings come in ts order from the index, so lag() needs no sort,
  // and lag()'s default is the reading before the range.
  const rows = await queryRows<{ series_id: number | string; ts: number; value: number; n: number }>(
    db,
    sql`SELECT i.id AS series_id, ${epochMs(sql`r.b`)} AS ts, r.inc::float8 AS value, r.n
        FROM unnest(${ids}) AS i(id)
        LEFT JOIN LATERAL (
          SELECT value FROM measurements
          WHERE series_id = i.id AND ts < ${from} AND ts >= ${iso(range.from - COUNTER_LOOKBACK_MS)}::timestamptz
          ORDER BY ts DESC LIMIT 1
        ) p0 ON true
        CROSS JOIN LATERAL (
          SELECT ${bucketStartSql(sql`ts`, range.bucket, range.tz)} AS b, sum(${sql.raw(COUNTER_INCREASE_SQL)}) AS inc, count(*)::int AS n
          FROM (
            SELECT ts, value, lag(value, 1, p0.value) OVER (ORDER BY ts) AS prev FROM measurements
            WHERE series_id = i.id AND ts >= ${from} AND ts < ${iso(range.to)}::timestamptz
          ) d
          GROUP BY 1
        ) r
        ORDER BY r.b, i.id`,
  );
  return rows.map((r) => ({ seriesId: Number(r.series_id), ts: Number(r.ts), value: Number(r.value), count: Number(r.n) }));
}
