import { describe, expect, it } from 'vitest';
import { alignRange, autoBucket, bucketStart, isTimeZone, tzOffsetMs, type Bucket } from './buckets.js';
import { counterIncrease, totalIncrease } from './counters.js';

const t = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();
const H = 3_600_000;

describe('tzOffsetMs', () => {
  it.each([
    ['UTC', '2025-06-01T12:00:00Z', 0],
    ['Asia/Karachi', '2025-06-01T12:00:00Z', 5 * H],
    ['Asia/Kolkata', '2025-06-01T12:00:00Z', 5.5 * H],
    ['Asia/Kathmandu', '2025-06-01T12:00:00Z', 5.75 * H],
    ['Europe/Berlin', '2025-01-15T12:00:00Z', 1 * H],
    ['Europe/Berlin', '2025-07-15T12:00:00Z', 2 * H],
    ['America/New_York', '2025-07-15T12:00:00.999Z', -4 * H],
  ])('%s at %s', (tz, at, expected) => {
    expect(tzOffsetMs(tz, t(at))).toBe(expected);
  });
});

describe('bucketStart', () => {
  it.each<[Bucket, string, string, string]>([
    ['5m', 'Asia/Karachi', '2025-06-01T12:07:59Z', '2025-06-01T12:05:00.000Z'],
    ['15m', 'UTC', '2025-06-01T12:15:00Z', '2025-06-01T12:15:00.000Z'],
    ['15m', 'Asia/Kathmandu', '2025-06-01T12:14:59.999Z', '2025-06-01T12:00:00.000Z'],
    ['1h', 'UTC', '2025-06-01T12:59:59Z', '2025-06-01T12:00:00.000Z'],
    ['1h', 'Asia/Kolkata', '2025-06-01T12:10:00Z', '2025-06-01T11:30:00.000Z'],
    ['1d', 'UTC', '2025-06-01T00:00:00Z', '2025-06-01T00:00:00.000Z'],
    ['1d', 'Asia/Karachi', '2025-06-01T18:59:59Z', '2025-05-31T19:00:00.000Z'],
    ['1d', 'Asia/Karachi', '2025-06-01T19:00:00Z', '2025-06-01T19:00:00.000Z'],
    ['1d', 'America/New_York', '2025-06-01T03:00:00Z', '2025-05-31T04:00:00.000Z'],
    // Berlin goes to summer time on 2025-03-30 at 02:00 local: that day starts at +01:00, the next at +02:00.
    ['1d', 'Europe/Berlin', '2025-03-30T21:59:00Z', '2025-03-29T23:00:00.000Z'],
    ['1d', 'Europe/Berlin', '2025-03-30T22:00:00Z', '2025-03-30T22:00:00.000Z'],
    // ...and back on 2025-10-26: a 25-hour day.
    ['1d', 'Europe/Berlin', '2025-10-26T22:59:00Z', '2025-10-25T22:00:00.000Z'],
    ['1d', 'Europe/Berlin', '2025-10-26T23:00:00Z', '2025-10-26T23:00:00.000Z'],
  ])('%s in %s: %s -> %s', (bucket, tz, at, expected) => {
    expect(iso(bucketStart(t(at), bucket, tz))).toBe(expected);
  });
});

describe('alignRange', () => {
  it.each<[Bucket, string, string, string, string, string, number]>([
    ['1h', 'UTC', '2025-06-01T10:20:00Z', '2025-06-01T12:00:00Z', '2025-06-01T10:00:00.000Z', '2025-06-01T12:00:00.000Z', 2],
    ['5m', 'UTC', '2025-06-01T10:00:00Z', '2025-06-01T10:00:00.001Z', '2025-06-01T10:00:00.000Z', '2025-06-01T10:05:00.000Z', 1],
    ['1d', 'Europe/Berlin', '2025-03-30T12:00:00Z', '2025-03-30T13:00:00Z', '2025-03-29T23:00:00.000Z', '2025-03-30T22:00:00.000Z', 1],
    ['1d', 'Europe/Berlin', '2025-10-26T12:00:00Z', '2025-10-27T12:00:00Z', '2025-10-25T22:00:00.000Z', '2025-10-27T23:00:00.000Z', 2],
    ['1d', 'Asia/Karachi', '2025-06-01T00:00:00Z', '2025-07-01T00:00:00Z', '2025-05-31T19:00:00.000Z', '2025-07-01T19:00:00.000Z', 31],
  ])('%s in %s over [%s, %s)', (bucket, tz, from, to, alignedFrom, alignedTo, buckets) => {
    const r = alignRange(t(from), t(to), bucket, tz);
    expect({ from: iso(r.from), to: iso(r.to), buckets: r.buckets }).toEqual({ from: alignedFrom, to: alignedTo, buckets });
  });
});

describe('autoBucket', () => {
  it.each<[string, number, Bucket]>([
    ['an hour', H, '5m'],
    ['a day', 24 * H, '5m'],
    ['a week', 7 * 24 * H, '15m'],
    ['a month', 31 * 24 * H, '1h'],
    ['a year', 366 * 24 * H, '1d'],
    ['ten years', 3660 * 24 * H, '1d'],
  ])('%s -> %s', (_name, span, expected) => {
    expect(autoBucket(0, span)).toBe(expected);
  });
});

describe('isTimeZone', () => {
  it.each([['Asia/Karachi', true], ['UTC', true], ['Mars/Olympus', false], ['', false]])('%s: %s', (tz, expected) => {
    expect(isTimeZone(tz)).toBe(expected);
  });
});

describe('counterIncrease', () => {
  it.each<[string, number | null, number, number]>([
    ['first reading: nothing known before', null, 1000, 0],
    ['steady', 1000, 1000, 0],
    ['rising', 1000, 1250.5, 250.5],
    ['reset to zero', 5000, 0, 0],
    ['reset, then counted from zero', 5000, 40, 40],
  ])('%s', (_name, prev, value, expected) => {
    expect(counterIncrease(prev, value)).toBe(expected);
  });

  it.each<[string, number[], number | null, number]>([
    ['no readings', [], null, 0],
    ['from the reading before the range', [110, 120], 100, 20],
    ['a reset inside', [100, 150, 10, 30], null, 50 + 10 + 20],
    ['two resets', [100, 5, 2, 8], 90, 10 + 5 + 2 + 6],
  ])('totalIncrease: %s', (_name, values, prev, expected) => {
    expect(totalIncrease(values, prev)).toBe(expected);
  });
});
