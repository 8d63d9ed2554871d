import { sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../storage/database.js';
import { queryRows } from '../storage/rows.js';
import { bucketStartSql } from './buckets.js';
import { COUNTER_INCREASE_SQL } from './counters.js';
import { HOUR_MS, type Interval, type SourcePlan } from './hourly-plan.js';
import { counterBucketsPerSeries } from './raw-query.js';
import { epochMs, isoTime as iso, type BucketRange, type BucketValue, type GaugeAgg, type SeriesBucketValue } from './series-types.js';

/**
 * Downsampled reads over "segments": an aggregated hour (measurements_hourly)
 * or a single raw reading, per series in time order. A bucket combines its
 * segments (sums of counts and sums, min of mins, the last segment's last
 * value), so it equals the raw path's result as long as every aggregated
 * hour lies inside one bucket (planSources() sees to that).
 *
 * Counters: each segment adds its increase inside (0 for a reading) plus
 * the increase from the previous segment's last value to its first value
 * (a drop being a reset, counters.ts). That boundary increase thus belongs
 * to the bucket of the LATER reading, exactly as on the raw path, where each
 * reading's increase over the one before it lands in the reading's bucket.
 */

/** The watermark of the roll-up (ms): hours before it are aggregated; null before the first run. */
export async function readWatermark(db: DbOrTx): Promise<number | null> {
  const [row] = await queryRows<{ w: number | null }>(db, sql`SELECT ${epochMs(sql`watermark`)} AS w FROM measurements_hourly_state WHERE id = 1`);
  return row?.w === null || row?.w === undefined ? null : Number(row.w);
}

const bounds = (list: readonly Interval[]) => ({
  from: sql`${sql.param(list.map((i) => iso(i.from)))}::timestamptz[]`,
  to: sql`${sql.param(list.map((i) => iso(i.to)))}::timestamptz[]`,
});

/**
 * Segments of series `i.id` with columns t0 (first reading), n, s, lo, hi,
 * first_value, last_ts, last_value, inside. Aggregated hours: one index
 * range over their span, less the hours inside it that are read raw (a list
 * of intervals would make the planner filter every hour against every
 * interval); raw readings: one index range per interval.
 */
function segmentsSql(plan: SourcePlan): SQL {
  const span = { from: plan.hourly[0]!.from, to: plan.hourly.at(-1)!.to };
  const excluded: string[] = [];
  for (let k = 1; k < plan.hourly.length; k++) {
    for (let h = plan.hourly[k - 1]!.to; h < plan.hourly[k]!.from; h += HOUR_MS) excluded.push(iso(h));
  }
  return sql`(
      SELECT a.first_ts AS t0, a.count AS n, a.sum AS s, a.min AS lo, a.max AS hi,
             a.first_value, a.last_ts, a.last_value, a.increase AS inside
      FROM measurements_hourly a
      WHERE a.series_id = i.id AND a.hour >= ${iso(span.from)}::timestamptz AND a.hour < ${iso(span.to)}::timestamptz
        AND NOT (a.hour = ANY(${sql.param(excluded)}::timestamptz[]))
      UNION ALL
      SELECT m.ts, 1, m.value, m.value, m.value, m.value, m.ts, m.value, 0 FROM ${rawSql(plan.raw)} m
    )`;
}

/** Most raw intervals read as separate index ranges with constant bounds; beyond it, one parameterized range each. */
const MAX_CONSTANT_RANGES = 48;

/**
 * The raw readings (ts, value) of series `i.id` in the intervals. With
 * constant bounds the planner prunes partitions and estimates each range
 * right; bounds from an unnest() look 100 times bigger to it, enough to
 * switch on PostgreSQL's JIT compiler (~50 ms) for a 10 ms query.
 */
function rawSql(intervals: readonly Interval[]): SQL {
  if (intervals.length === 0) return sql`(SELECT NULL::timestamptz AS ts, NULL::float8 AS value WHERE false)`;
  if (intervals.length <= MAX_CONSTANT_RANGES) {
    const parts = intervals.map(
      (iv) => sql`SELECT ts, value FROM measurements WHERE series_id = i.id AND ts >= ${sql.raw(`'${iso(iv.from)}'`)}::timestamptz AND ts < ${sql.raw(`'${iso(iv.to)}'`)}::timestamptz`,
    );
    return sql`(${sql.join(parts, sql` UNION ALL `)})`;
  }
  const r = bounds(intervals);
  return sql`(SELECT x.ts, x.value FROM unnest(${r.from}, ${r.to}) AS ri_(f, t)
      CROSS JOIN LATERAL (SELECT ts, value FROM measurements WHERE series_id = i.id AND ts >= ri_.f AND ts < ri_.t) x)`;
}

const AGG_SQL: Record<GaugeAgg, SQL> = {
  avg: sql`sum(s) / sum(n)`,
  min: sql`min(lo)`,
  max: sql`max(hi)`,
  last: sql`(array_agg(last_value ORDER BY last_ts DESC))[1]`,
};

/** gaugeBuckets() over aggregated hours and raw readings as `plan` says. */
export async function hourlyGaugeBuckets(db: DbOrTx, seriesId: number, range: BucketRange, agg: GaugeAgg, plan: SourcePlan): Promise<BucketValue[]> {
  const rows = await queryRows<{ ts: number; value: number; n: number }>(
    db,
    sql`SELECT ${epochMs(sql`b`)} AS ts, ${AGG_SQL[agg]}::float8 AS value, sum(n)::int AS n
        FROM (SELECT ${seriesId}::bigint AS id) i
        CROSS JOIN LATERAL (
          SELECT ${bucketStartSql(sql`t0`, range.bucket, range.tz)} AS b, seg.* FROM ${segmentsSql(plan)} seg
        ) g
        GROUP BY b ORDER BY b`,
  );
  return rows.map((r) => ({ ts: Number(r.ts), value: Number(r.value), count: Number(r.n) }));
}

/** counterBuckets() over aggregated hours and raw readings as `plan` says. */
export function hourlyCounterBuckets(db: DbOrTx, seriesIds: readonly number[], range: BucketRange, plan: SourcePlan): Promise<SeriesBucketValue[]> {
  // COUNTER_INCREASE_SQL compares `value` (a segment's first) with `prev` (the previous segment's last).
  return counterBucketsPerSeries(
    db,
    seriesIds,
    range.from,
    sql`SELECT ${bucketStartSql(sql`t0`, range.bucket, range.tz)} AS b, sum(inside + ${sql.raw(COUNTER_INCREASE_SQL)}) AS inc, sum(n)::int AS n
        FROM (
          SELECT t0, n, inside, first_value AS value, lag(last_value, 1, p0.value) OVER (ORDER BY t0) AS prev
          FROM ${segmentsSql(plan)} seg
        ) d
        GROUP BY 1`,
  );
}
