import { IngestBatch, unpackReadings, type BatchSeries, type Reading } from '@solarhub/shared';
import { describe, expect, it } from 'vitest';
import type { OutboxRow } from '../buffer/outbox.js';
import { buildBatchBody, type RowNames } from './batch-body.js';

const SERIES: BatchSeries[] = [
  { device: 'inv-1', metric: 'ac_power_w', unit: 'W' },
  { device: 'meter.2', metric: 'ac_energy_wh', unit: 'Wh', point: 'p "quoted" \\ ü' },
];
const names: RowNames = { series: (id) => SERIES[id - 1]!, boot: (id) => `boot-${id}` };

const row = (seq: number): OutboxRow => [seq, 1, 1_700_000_000_000 + seq, seq, 0, null, null];
const offered = Array.from({ length: 10 }, (_, i) => row(i + 1));
const rest = { sentAt: 1_700_000_100_000, devices: [{ device: 'inv-1' }], gaps: [] };
const parse = (json: string) => IngestBatch.parse(JSON.parse(json));

describe('buildBatchBody', () => {
  it.each<[string, OutboxRow[], Reading[]]>([
    ['no optional fields', [[1, 1, 5, 1.5, 0, null, null]], [{ seq: 1, device: 'inv-1', metric: 'ac_power_w', ts: 5, value: 1.5, unit: 'W', quality: 'good' }]],
    [
      'every optional field, names with quotes and non-ASCII',
      [[7, 2, 1_700_000_000_123, 0.30000000000000004, 2, 3, 12.25]],
      [{ seq: 7, device: 'meter.2', metric: 'ac_energy_wh', ts: 1_700_000_000_123, value: 0.30000000000000004, unit: 'Wh', quality: 'clock_unsynced', point: 'p "quoted" \\ ü', boot: 'boot-3', mono: 12.25 }],
    ],
    [
      'mixed rows: each name listed once, optional columns where any row has them',
      [[1, 1, 0, -1e-7, 0, null, 0], [2, 2, 1, 2, 1, 4, null], [3, 1, 2, 3, 0, 4, 5]],
      [
        { seq: 1, device: 'inv-1', metric: 'ac_power_w', ts: 0, value: -1e-7, unit: 'W', quality: 'good', mono: 0 },
        { seq: 2, device: 'meter.2', metric: 'ac_energy_wh', ts: 1, value: 2, unit: 'Wh', quality: 'uncertain', point: 'p "quoted" \\ ü', boot: 'boot-4' },
        { seq: 3, device: 'inv-1', metric: 'ac_power_w', ts: 2, value: 3, unit: 'W', quality: 'good', boot: 'boot-4', mono: 5 },
      ],
    ],
  ])('carries the readings: %s', (_name, rows, expected) => {
    const batch = parse(buildBatchBody(rows, 1_000_000, rest, names).json);
    expect(unpackReadings(batch)).toEqual(expected);
    expect(batch.series.length).toBe(new Set(rows.map((r) => r[1])).size);
  });

  const one = (n: number) => Buffer.byteLength(buildBatchBody(offered.slice(0, n), 1_000_000, rest, names).json);
  it.each<[string, number, number]>([
    ['everything when it fits', 1_000_000, 10],
    ['at least one reading, however small the limit', 10, 1],
  ])('takes %s', (_name, maxBytes, expected) => {
    const body = buildBatchBody(offered, maxBytes, rest, names);
    expect(body).toMatchObject({ count: expected, firstSeq: 1, lastSeq: expected });
    if (expected > 1) expect(Buffer.byteLength(body.json)).toBeLessThanOrEqual(maxBytes);
    const batch = parse(body.json);
    expect(batch.readings.seq).toEqual(offered.slice(0, expected).map((r) => r[0]));
    expect(unpackReadings(batch)[0]).toEqual({ seq: 1, device: 'inv-1', metric: 'ac_power_w', ts: 1_700_000_000_001, value: 1, unit: 'W', quality: 'good' });
    expect(batch.devices).toEqual(rest.devices);
  });

  // Sized as if every column were sent: at most this much above the text of the optional columns left out, plus a fixed margin.
  const SLACK = 128 + 15 * offered.length;
  it('never goes over the limit, and leaves out no reading that would have fitted with room to spare', () => {
    const counts = new Set<number>();
    for (let limit = one(1); limit < one(10) + SLACK; limit += 7) {
      const body = buildBatchBody(offered, limit, rest, names);
      counts.add(body.count);
      expect(Buffer.byteLength(body.json)).toBeLessThanOrEqual(limit);
      if (body.count < offered.length) expect(one(body.count + 1)).toBeGreaterThan(limit - SLACK);
    }
    // Every count from 1 to all was chosen for some limit: the cut moves one reading at a time.
    expect([...counts].sort((a, b) => a - b)).toEqual(offered.map((_, i) => i + 1));
  });

  it('carries no readings when none are offered', () => {
    const body = buildBatchBody([], 1000, rest, names);
    expect(body).toMatchObject({ count: 0, firstSeq: 0, lastSeq: 0 });
    expect(parse(body.json).readings).toEqual({ seq: [], series: [], ts: [], value: [] });
  });

  it('carries gaps and the sync status', () => {
    const syncStatus = { backlog: 3, oldestUnsyncedTs: 1, lastSuccessAt: null, lastError: 'x', lastErrorAt: 2, droppedTotal: 7, clockSynced: false, clockOffsetMs: null, bootId: 'b' };
    const gaps = [{ fromSeq: 1, toSeq: 7, fromTs: 5, toTs: 9, count: 7, reason: 'buffer_full' as const }];
    expect(parse(buildBatchBody([], 1000, { ...rest, gaps, syncStatus }, names).json)).toMatchObject({ gaps, syncStatus });
  });
});
