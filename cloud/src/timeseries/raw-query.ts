import { sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../storage/database.js';
import { queryRows } from '../storage/rows.js';
import { bucketStartSql } from './buckets.js';
import { COUNTER_INCREASE_SQL } from './counters.js';
import { COUNTER_LOOKBACK_MS, epochMs, isoTime as iso, type BucketRange, type BucketValue, type GaugeAgg, type SeriesBucketValue } from './series-types.js';

/** Downsampled reads straight from `measurements` (the raw path; hourly-query.ts is the pre-aggregated one). */

const AGG_SQL: Record<GaugeAgg, SQL> = {
  avg: sql`avg(value)`,
  min: sql`min(value)`,
  max: sql`max(value)`,
  last: sql`(array_agg(value ORDER BY ts DESC))[1]`,
};

/** One gauge series downsampled: one row per bucket that has readings, in time order. */
export async function rawGaugeBuckets(db: DbOrTx, seriesId: number, range: BucketRange, agg: GaugeAgg): Promise<BucketValue[]> {
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

/** The SQL of a counter's last reading in the COUNTER_LOOKBACK_MS before `from` (series `i.id`), as a LATERAL `p0`. */
export function previousReadingSql(from: number): SQL {
  return sql`LEFT JOIN LATERAL (
      SELECT value FROM measurements
      WHERE series_id = i.id AND ts < ${iso(from)}::timestamptz AND ts >= ${iso(from - COUNTER_LOOKBACK_MS)}::timestamptz
      ORDER BY ts DESC LIMIT 1
    ) p0 ON true`;
}

/**
 * Counter increases per series and bucket: for each series (LATERAL, with
 * `p0.value` the reading before `from`), `perSeries` gives rows (b, inc, n).
 * The raw and the hourly paths differ only there.
 */
export async function counterBucketsPerSeries(db: DbOrTx, seriesIds: readonly number[], from: number, perSeries: SQL): Promise<SeriesBucketValue[]> {
  if (seriesIds.length === 0) return [];
  const ids = sql`${sql.param([...seriesIds])}::bigint[]`;
  const rows = await queryRows<{ series_id: number | string; ts: number; value: number; n: number }>(
    db,
    sql`SELECT i.id AS series_id, ${epochMs(sql`r.b`)} AS ts, r.inc::float8 AS value, r.n
        FROM unnest(${ids}) AS i(id)
        ${previousReadingSql(from)}
        CROSS JOIN LATERAL (${perSeries}) r
        ORDER BY r.b, i.id`,
  );
  return rows.map((r) => ({ seriesId: Number(r.series_id), ts: Number(r.ts), value: Number(r.value), count: Number(r.n) }));
}

/** Counter increases per series and bucket from the raw readings (see counterBuckets). */
export function rawCounterBuckets(db: DbOrTx, seriesIds: readonly number[], range: BucketRange): Promise<SeriesBucketValue[]> {
  // Per series: its readings come in ts order from the index, so lag() needs no sort,
  // and lag()'s default is the reading before the range.
  return counterBucketsPerSeries(
    db,
    seriesIds,
    range.from,
    sql`SELECT ${bucketStartSql(sql`ts`, range.bucket, range.tz)} AS b, sum(${sql.raw(COUNTER_INCREASE_SQL)}) AS inc, count(*)::int AS n
        FROM (
          SELECT ts, value, lag(value, 1, p0.value) OVER (ORDER BY ts) AS prev FROM measurements
          WHERE series_id = i.id AND ts >= ${iso(range.from)}::timestamptz AND ts < ${iso(range.to)}::timestamptz
        ) d
        GROUP BY 1`,
  );
}
