import { IngestBatch, type Reading } from '@solarhub/shared';
import { describe, expect, it } from 'vitest';
import type { OutboxRow } from '../buffer/outbox.js';
import { buildBatchBody, readingJson } from './batch-body.js';

const row = (seq: number): OutboxRow => [seq, 'inv-1', 'ac_power_w', 1_700_000_000_000 + seq, seq, 'W', 'good', null, null, null];
const offered = Array.from({ length: 10 }, (_, i) => row(i + 1));
const rest = { sentAt: 1_700_000_100_000, devices: [{ device: 'inv-1' }], gaps: [] };
const oneReading = readingJson(row(1)).length + 1;
const empty = buildBatchBody([], 1000, rest).json.length;

describe('readingJson', () => {
  it.each<[string, OutboxRow, Reading]>([
    ['no optional fields', [1, 'inv-1', 'ac_power_w', 5, 1.5, 'W', 'good', null, null, null], { seq: 1, device: 'inv-1', metric: 'ac_power_w', ts: 5, value: 1.5, unit: 'W', quality: 'good' }],
    [
      'every optional field',
      [7, 'meter.2', 'ac_power_w', 1_700_000_000_123, 0.30000000000000004, 'Wh', 'clock_unsynced', 'vendor.sdm630.0x0034', 'boot-1', 12.25],
      { seq: 7, device: 'meter.2', metric: 'ac_power_w', ts: 1_700_000_000_123, value: 0.30000000000000004, unit: 'Wh', quality: 'clock_unsynced', point: 'vendor.sdm630.0x0034', boot: 'boot-1', mono: 12.25 },
    ],
    ['negative and tiny values, zero mono', [2, 'i', 'ac_power_w', 0, -1e-7, '', 'uncertain', 'p "quoted" \\ ü', null, 0], { seq: 2, device: 'i', metric: 'ac_power_w', ts: 0, value: -1e-7, unit: '', quality: 'uncertain', point: 'p "quoted" \\ ü', mono: 0 }],
  ])('writes what JSON.stringify writes for the reading: %s', (_name, r, reading) => {
    expect(readingJson(r)).toBe(JSON.stringify(reading));
  });
});

describe('buildBatchBody', () => {
  it.each<[string, number, number]>([
    ['everything when it fits', 1_000_000, 10],
    ['at least one reading, however small the limit', 10, 1],
    ['as many as fit under the limit', empty + 3 * oneReading, 3],
    ['not one more', empty + 4 * oneReading - 1, 3],
  ])('takes %s', (_name, maxBytes, expected) => {
    const body = buildBatchBody(offered, maxBytes, rest);
    expect(body).toMatchObject({ count: expected, firstSeq: 1, lastSeq: expected });
    if (expected > 1) expect(Buffer.byteLength(body.json)).toBeLessThanOrEqual(maxBytes);
    // The text is a valid IngestBatch carrying exactly those readings.
    const parsed = IngestBatch.parse(JSON.parse(body.json));
    expect(parsed.readings.map((r) => r.seq)).toEqual(offered.slice(0, expected).map((r) => r[0]));
    expect(parsed.readings[0]).toEqual({ seq: 1, device: 'inv-1', metric: 'ac_power_w', ts: 1_700_000_000_001, value: 1, unit: 'W', quality: 'good' });
    expect(parsed.devices).toEqual(rest.devices);
  });

  it('carries no readings when none are offered', () => {
    expect(buildBatchBody([], 1000, rest)).toMatchObject({ count: 0, firstSeq: 0, lastSeq: 0 });
  });

  it('carries gaps and the sync status', () => {
    const syncStatus = { backlog: 3, oldestUnsyncedTs: 1, lastSuccessAt: null, lastError: 'x', lastErrorAt: 2, droppedTotal: 7, clockSynced: false, clockOffsetMs: null, bootId: 'b' };
    const gaps = [{ fromSeq: 1, toSeq: 7, fromTs: 5, toTs: 9, count: 7, reason: 'buffer_full' as const }];
    const parsed = IngestBatch.parse(JSON.parse(buildBatchBody([], 1000, { ...rest, gaps, syncStatus }).json));
    expect(parsed).toMatchObject({ readings: [], gaps, syncStatus });
  });
});
