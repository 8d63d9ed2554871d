import { describe, expect, it } from 'vitest';
import { alignRange, type Bucket } from './buckets.js';
import { hourFitsBucket, offsetSpans, planSources, type Interval } from './hourly-plan.js';

const t = (iso: string) => Date.parse(iso);
const H = 3_600_000;
const show = (list: Interval[]) => list.map((i) => `${new Date(i.from).toISOString().slice(5, 16)}..${new Date(i.to).toISOString().slice(5, 16)}`);

describe('offsetSpans', () => {
  it.each([
    ['UTC', '2025-10-25T00:00:00Z', '2025-10-28T00:00:00Z', [0]],
    ['Asia/Kolkata', '2025-10-25T00:00:00Z', '2025-10-28T00:00:00Z', [5.5 * H]],
    ['Europe/Berlin', '2025-10-25T00:00:00Z', '2025-10-28T00:00:00Z', [2 * H, 1 * H]],
    ['Australia/Lord_Howe', '2025-10-04T00:00:00Z', '2025-10-06T00:00:00Z', [10.5 * H, 11 * H]],
  ])('%s from %s to %s', (tz, from, to, offsets) => {
    const spans = offsetSpans(tz, t(from), t(to));
    expect(spans.map((s) => s.offset)).toEqual(offsets);
    expect(spans[0]!.from).toBe(t(from));
    expect(spans.at(-1)!.to).toBe(t(to));
  });

  it('finds the change to the millisecond (Berlin, 2025-10-26 01:00 UTC)', () => {
    expect(offsetSpans('Europe/Berlin', t('2025-10-25T00:00:00Z'), t('2025-10-28T00:00:00Z'))[1]!.from).toBe(t('2025-10-26T01:00:00Z'));
  });
});

describe('hourFitsBucket', () => {
  it.each<[string, string, Bucket, boolean]>([
    ['UTC', '2025-06-01T10:00:00Z', '1h', true],
    ['Asia/Karachi', '2025-06-01T18:00:00Z', '1d', true], // 23:00-24:00 local
    ['Asia/Karachi', '2025-06-01T19:00:00Z', '1d', true], // 00:00-01:00 local
    ['Asia/Kolkata', '2025-06-01T10:00:00Z', '1h', false], // 15:30-16:30 local: two local hours
    ['Asia/Kolkata', '2025-06-01T10:00:00Z', '1d', true],
    ['Asia/Kolkata', '2025-06-01T18:00:00Z', '1d', false], // 23:30-00:30 local: two days
    ['Asia/Kathmandu', '2025-06-01T18:00:00Z', '1d', false], // 23:45-00:45
    ['Asia/Kathmandu', '2025-06-01T17:00:00Z', '1d', true],
    ['Europe/Berlin', '2025-10-26T00:00:00Z', '1h', true], // 02:00-03:00 CEST, the first of two 02:00s
    ['Europe/Berlin', '2025-10-26T01:00:00Z', '1h', true], // 02:00-03:00 CET
    ['Europe/Berlin', '2025-10-26T22:00:00Z', '1d', true], // 23:00-24:00 CET, the 25th hour of the day
    ['Australia/Lord_Howe', '2025-10-04T15:00:00Z', '1d', false], // the clock jumps from 02:00 to 02:30 inside
    ['UTC', '2025-06-01T10:00:00Z', '15m', false],
  ])('%s, %s, %s: %s', (tz, hour, bucket, expected) => {
    const spans = offsetSpans(tz, t(hour) - 24 * H, t(hour) + 24 * H);
    expect(hourFitsBucket(t(hour), bucket, spans)).toBe(expected);
  });
});

describe('planSources', () => {
  const range = (bucket: Bucket, tz: string, from: string, to: string) => ({ ...alignRange(t(from), t(to), bucket, tz), bucket, tz });
  it.each<[string, ReturnType<typeof range>, string | null, string[], string[]]>([
    ['nothing aggregated yet', range('1d', 'UTC', '2025-06-01T00:00:00Z', '2025-06-03T00:00:00Z'), null, [], ['06-01T00:00..06-03T00:00']],
    ['5m buckets never', range('5m', 'UTC', '2025-06-01T00:00:00Z', '2025-06-01T02:00:00Z'), '2025-07-01T00:00:00Z', [], ['06-01T00:00..06-01T02:00']],
    [
      'UTC days: aggregated up to the watermark, raw after it',
      range('1d', 'UTC', '2025-06-01T00:00:00Z', '2025-06-03T00:00:00Z'),
      '2025-06-02T13:00:00Z',
      ['06-01T00:00..06-02T13:00'],
      ['06-02T13:00..06-03T00:00'],
    ],
    [
      'Kolkata days: the hour holding local midnight is read raw',
      range('1d', 'Asia/Kolkata', '2025-06-01T12:00:00Z', '2025-06-02T12:00:00Z'),
      '2025-07-01T00:00:00Z',
      ['05-31T19:00..06-01T18:00', '06-01T19:00..06-02T18:00'],
      ['05-31T18:30..05-31T19:00', '06-01T18:00..06-01T19:00', '06-02T18:00..06-02T18:30'],
    ],
    ['Kolkata hours: all raw', range('1h', 'Asia/Kolkata', '2025-06-01T00:00:00Z', '2025-06-01T05:00:00Z'), '2025-07-01T00:00:00Z', [], ['05-31T23:30..06-01T05:30']],
    [
      'Berlin, the 25-hour day',
      range('1d', 'Europe/Berlin', '2025-10-26T12:00:00Z', '2025-10-26T13:00:00Z'),
      '2025-11-01T00:00:00Z',
      ['10-25T22:00..10-26T23:00'],
      [],
    ],
  ])('%s', (_name, r, watermark, hourly, raw) => {
    const plan = planSources(r, watermark === null ? null : t(watermark));
    expect({ hourly: show(plan.hourly), raw: show(plan.raw) }).toEqual({ hourly, raw });
  });
});
