import { metricDefinition } from '@solarhub/shared';
import { z } from 'zod';
import { badRequest, type ErrorDetail } from '../http/errors.js';
import type { DbOrTx } from '../storage/database.js';
import { alignRange, autoBucket, BucketParam, isTimeZone, type Bucket } from './buckets.js';
import { counterBuckets, gaugeBuckets, type Agg, type BucketValue } from './series-query.js';
import { siteEnergy } from './site-energy.js';
import { DAY_MS } from './weeks.js';

/**
 * The downsampled reads of the API, independent of the HTTP framework: query
 * schemas (zod: validation and documentation), handlers returning the
 * response bodies, and the response schemas.
 */
const Instant = z.iso.datetime({ offset: true });

export const RangeQuery = z.object({
  /** Inclusive start (ISO 8601 with offset); default: 24 hours before `to`. Widened to its bucket's start. */
  from: Instant.optional(),
  /** Exclusive end; default: now. Widened to the end of its bucket. */
  to: Instant.optional(),
  /** 5m | 15m | 1h | 1d | auto (default: the finest bucket giving at most 800 of them). */
  bucket: BucketParam.optional(),
});

export const AggParam = z.enum(['avg', 'min', 'max', 'last', 'delta']);

export const DownsampleQuery = RangeQuery.extend({
  /** avg | min | max | last for gauges; delta (increase per bucket, resets counted from zero) for counters. Default by the metric's kind. */
  agg: AggParam.optional(),
});
export type DownsampleQuery = z.infer<typeof DownsampleQuery>;

const Point = z.object({ ts: z.string(), value: z.number(), count: z.number().int() });

export const DownsampledSeriesView = z.object({
  metric: z.string(),
  unit: z.string(),
  point: z.string().nullable(),
  from: z.string(),
  to: z.string(),
  bucket: z.enum(['5m', '15m', '1h', '1d']),
  agg: AggParam,
  timezone: z.string(),
  /** One per bucket with readings (buckets without any are left out), earliest first. */
  points: z.array(Point),
});
export type DownsampledSeriesView = z.infer<typeof DownsampledSeriesView>;

const Kwh = z.number().nullable();
export const SiteEnergyView = z.object({
  siteId: z.string(),
  timezone: z.string(),
  from: z.string(),
  to: z.string(),
  bucket: z.enum(['5m', '15m', '1h', '1d']),
  unit: z.literal('kWh'),
  /** Series summed per flow (0: the flow is unknown and null below). */
  series: z.object({ production: z.number().int(), gridImport: z.number().int(), gridExport: z.number().int() }),
  buckets: z.array(z.object({ ts: z.string(), production: Kwh, consumption: Kwh, gridImport: Kwh, gridExport: Kwh })),
  totals: z.object({ production: Kwh, consumption: Kwh, gridImport: Kwh, gridExport: Kwh }),
});
export type SiteEnergyView = z.infer<typeof SiteEnergyView>;

const fail = (message: string, path: string, detail: string) => badRequest('validation_failed', message, [{ path, message: detail }] as ErrorDetail[]);
const iso = (ms: number) => new Date(ms).toISOString();

export interface ResolvedRange {
  from: number;
  to: number;
  bucket: Bucket;
  tz: string;
}

/** from/to defaults, bucket choice and alignment; 400 when from >= to or the range needs more than `maxBuckets`. */
export function resolveRange(query: z.infer<typeof RangeQuery>, tz: string, maxBuckets: number, now = Date.now()): ResolvedRange {
  const to = query.to ? Date.parse(query.to) : now;
  const from = query.from ? Date.parse(query.from) : to - DAY_MS;
  if (from >= to) throw fail('Invalid request query', 'query.from', '"from" must be before "to"');
  const zone = isTimeZone(tz) ? tz : 'UTC';
  const bucket = !query.bucket || query.bucket === 'auto' ? autoBucket(from, to) : query.bucket;
  const aligned = alignRange(from, to, bucket, zone);
  if (aligned.buckets > maxBuckets) {
    throw fail('Too many buckets', 'query.bucket', `${aligned.buckets} buckets of ${bucket} exceed the limit of ${maxBuckets}: use a larger bucket or a shorter range`);
  }
  return { from: aligned.from, to: aligned.to, bucket, tz: zone };
}

export interface SeriesRef {
  id: number;
  metric: string;
  unit: string;
  point: string | null;
}

/** GET /api/v1/devices/:deviceId/series with a bucket or agg: one series downsampled. */
export async function downsampledSeries(
  db: DbOrTx,
  series: SeriesRef,
  timezone: string,
  query: DownsampleQuery,
  maxBuckets: number,
): Promise<DownsampledSeriesView> {
  const range = resolveRange(query, timezone, maxBuckets);
  const isCounter = metricDefinition(series.metric)?.kind === 'counter';
  const agg: Agg = query.agg ?? (isCounter ? 'delta' : 'avg');
  if (agg === 'delta' && metricDefinition(series.metric)?.kind === 'gauge') {
    throw fail('Invalid request query', 'query.agg', `"${series.metric}" is a gauge: delta applies to counters; use avg, min, max or last`);
  }
  const points: BucketValue[] = agg === 'delta' ? await counterBuckets(db, [series.id], range) : await gaugeBuckets(db, series.id, range, agg);
  return {
    metric: series.metric,
    unit: series.unit,
    point: series.point,
    from: iso(range.from),
    to: iso(range.to),
    bucket: range.bucket,
    agg,
    timezone: range.tz,
    points: points.map((p) => ({ ts: iso(p.ts), value: p.value, count: p.count })),
  };
}

/** GET /api/v1/sites/:siteId/energy: production, consumption, grid import and export in kWh per bucket. */
export async function siteEnergyView(
  db: DbOrTx,
  site: { id: string; timezone: string },
  query: z.infer<typeof RangeQuery>,
  maxBuckets: number,
): Promise<SiteEnergyView> {
  const range = resolveRange(query, site.timezone, maxBuckets);
  const { buckets, series } = await siteEnergy(db, site.id, range);
  const known = { ...series, consumption: Math.min(series.gridImport, series.gridExport) };
  const sum = (key: keyof typeof known) =>
    known[key] === 0 ? null : Math.round(buckets.reduce((total, b) => total + (b[key] ?? 0), 0) * 1e6) / 1e6;
  return {
    siteId: site.id,
    timezone: range.tz,
    from: iso(range.from),
    to: iso(range.to),
    bucket: range.bucket,
    unit: 'kWh',
    series,
    buckets: buckets.map((b) => ({ ...b, ts: iso(b.ts) })),
    totals: { production: sum('production'), consumption: sum('consumption'), gridImport: sum('gridImport'), gridExport: sum('gridExport') },
  };
}
