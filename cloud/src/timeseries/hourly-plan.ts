import { tzOffsetMs, type Bucket } from './buckets.js';
import type { BucketRange } from './series-types.js';

/**
 * Which parts of a downsampled read come from the hourly pre-aggregate
 * (`measurements_hourly`, UTC hours) and which from the raw readings. Pure
 * arithmetic on the JavaScript time-zone database, the one alignRange()
 * uses too.
 */
export const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** [from, to), ms. */
export interface Interval {
  from: number;
  to: number;
}

export interface SourcePlan {
  /** Whole UTC hours read from the aggregate, merged, in time order. */
  hourly: Interval[];
  /** The rest of the range, read from `measurements`, merged, in time order. */
  raw: Interval[];
}

export const floorHour = (ms: number) => Math.floor(ms / HOUR_MS) * HOUR_MS;
const ceilHour = (ms: number) => Math.ceil(ms / HOUR_MS) * HOUR_MS;

/** A stretch of constant UTC offset. */
interface OffsetSpan extends Interval {
  offset: number;
}

/**
 * The offsets of `tz` over [from, to): sampled every 6 hours, each change
 * bisected to the millisecond (zones change a few times a year).
 */
export function offsetSpans(tz: string, from: number, to: number): OffsetSpan[] {
  const spans: OffsetSpan[] = [];
  let start = from;
  let offset = tzOffsetMs(tz, from);
  for (let t = from; t < to; ) {
    const next = Math.min(t + 6 * HOUR_MS, to);
    if (tzOffsetMs(tz, next) !== offset) {
      // The change lies in (t, next]: bisect to its first instant.
      let lo = t;
      let hi = next;
      while (hi - lo > 1) {
        const mid = Math.floor((lo + hi) / 2);
        if (tzOffsetMs(tz, mid) === offset) lo = mid;
        else hi = mid;
      }
      if (hi < to) {
        spans.push({ from: start, to: hi, offset });
        start = hi;
        offset = tzOffsetMs(tz, hi);
      }
    }
    t = next;
  }
  spans.push({ from: start, to, offset });
  return spans;
}

/**
 * Whether every reading of the UTC hour starting at `hour` falls in ONE
 * bucket (then the hour's aggregate can stand for them): the offset does
 * not change inside the hour, and no local hour (1h) or local midnight (1d)
 * begins strictly inside it. False in zones at :30 or :45 for 1h buckets,
 * and for the hour holding local midnight there for 1d buckets.
 */
export function hourFitsBucket(hour: number, bucket: Bucket, spans: readonly OffsetSpan[]): boolean {
  const span = spans.find((s) => s.from <= hour && hour < s.to);
  if (!span || span.to < hour + HOUR_MS) return false;
  const local = (((hour + span.offset) % DAY_MS) + DAY_MS) % DAY_MS;
  if (bucket === '1h') return local % HOUR_MS === 0;
  if (bucket === '1d') return local <= DAY_MS - HOUR_MS;
  return false;
}

/**
 * Splits a bucketed read: UTC hours wholly inside [from, to), before the
 * roll-up's watermark, and inside one bucket come from the aggregate;
 * everything else (5m and 15m buckets, hours not aggregated yet, the
 * partial hours at the ends, hours split by a bucket boundary) is read raw.
 */
export function planSources(range: BucketRange, watermark: number | null): SourcePlan {
  const whole: SourcePlan = { hourly: [], raw: [{ from: range.from, to: range.to }] };
  if (watermark === null || (range.bucket !== '1h' && range.bucket !== '1d')) return whole;
  const first = ceilHour(range.from);
  const end = Math.min(floorHour(range.to), floorHour(watermark));
  if (end <= first) return whole;
  const plan: SourcePlan = { hourly: [], raw: [] };
  push(plan.raw, range.from, first);
  const spans = offsetSpans(range.tz, first, end);
  for (let h = first; h < end; h += HOUR_MS) push(hourFitsBucket(h, range.bucket, spans) ? plan.hourly : plan.raw, h, h + HOUR_MS);
  push(plan.raw, end, range.to);
  return plan;
}

/** Appends [from, to) to time-ordered intervals, merging it with the last one when they touch. */
function push(list: Interval[], from: number, to: number): void {
  if (to <= from) return;
  const last = list.at(-1);
  if (last && last.to === from) last.to = to;
  else list.push({ from, to });
}
