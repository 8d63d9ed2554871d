import type { DbOrTx } from '../storage/database.js';
import { planSources } from './hourly-plan.js';
import { hourlyCounterBuckets, hourlyGaugeBuckets, readWatermark } from './hourly-query.js';
import { rawCounterBuckets, rawGaugeBuckets } from './raw-query.js';
import type { BucketRange, BucketValue, GaugeAgg, ReadSource, SeriesBucketValue } from './series-types.js';

export { COUNTER_LOOKBACK_MS, epochMs, type Agg, type BucketRange, type BucketValue, type GaugeAgg, type ReadSource, type SeriesBucketValue } from './series-types.js';

export interface ReadOptions {
  /** `auto` (default): whole hours from the hourly pre-aggregate where it stands for the readings; `raw`: readings only. */
  source?: ReadSource;
}

/**
 * One gauge series downsampled: one row per bucket that has readings, in
 * time order. 1h and 1d buckets read aggregated hours where they can
 * (hourly-plan.ts), with the same result as reading every reading.
 */
export async function gaugeBuckets(db: DbOrTx, seriesId: number, range: BucketRange, agg: GaugeAgg, options: ReadOptions = {}): Promise<BucketValue[]> {
  const plan = options.source === 'raw' ? null : planSources(range, await readWatermark(db));
  return plan && plan.hourly.length > 0 ? hourlyGaugeBuckets(db, seriesId, range, agg, plan) : rawGaugeBuckets(db, seriesId, range, agg);
}

/**
 * Counter series as increases per bucket (see counters.ts: a drop is a
 * reset and counts from zero). Each reading's increase over the one before
 * it lands in the reading's bucket; the first reading of the range is
 * compared with the series' last reading in the COUNTER_LOOKBACK_MS before.
 * Rows: per series and bucket with readings, in time order. 1h and 1d
 * buckets read aggregated hours where they can, with the same result.
 */
export async function counterBuckets(
  db: DbOrTx,
  seriesIds: readonly number[],
  range: BucketRange,
  options: ReadOptions = {},
): Promise<SeriesBucketValue[]> {
  if (seriesIds.length === 0) return [];
  const plan = options.source === 'raw' ? null : planSources(range, await readWatermark(db));
  return plan && plan.hourly.length > 0 ? hourlyCounterBuckets(db, seriesIds, range, plan) : rawCounterBuckets(db, seriesIds, range);
}
