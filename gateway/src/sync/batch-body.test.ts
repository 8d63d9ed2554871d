import { IngestBatch, type Reading } from '@solarhub/shared';
import { describe, expect, it } from 'vitest';
import { buildBatchBody } from './batch-body.js';

const reading = (seq: number): Reading => ({ seq, device: 'inv-1', metric: 'ac_power_w', ts: 1_700_000_000_000 + seq, value: seq, unit: 'W', quality: 'good' });
const offered = Array.from({ length: 10 }, (_, i) => reading(i + 1));
const rest = { sentAt: 1_700_000_100_000, devices: [{ device: 'inv-1' }], gaps: [] };
const oneReading = JSON.stringify(reading(1)).length + 1;
const empty = buildBatchBody([], 1000, rest).json.length;

describe('buildBatchBody', () => {
  it.each<[string, number, number]>([
    ['everything when it fits', 1_000_000, 10],
    ['at least one reading, however small the limit', 10, 1],
    ['as many as fit under the limit', empty + 3 * oneReading, 3],
    ['not one more', empty + 4 * oneReading - 1, 3],
  ])('takes %s', (_name, maxBytes, expected) => {
    const body = buildBatchBody(offered, maxBytes, rest);
    expect(body.readings.map((r) => r.seq)).toEqual(offered.slice(0, expected).map((r) => r.seq));
    if (expected > 1) expect(Buffer.byteLength(body.json)).toBeLessThanOrEqual(maxBytes);
    // The text is a valid IngestBatch carrying exactly those readings.
    const parsed = IngestBatch.parse(JSON.parse(body.json));
    expect(parsed.readings).toEqual(body.readings);
    expect(parsed.devices).toEqual(rest.devices);
  });

  it('carries gaps and the sync status', () => {
    const syncStatus = { backlog: 3, oldestUnsyncedTs: 1, lastSuccessAt: null, lastError: 'x', lastErrorAt: 2, droppedTotal: 7, clockSynced: false, clockOffsetMs: null, bootId: 'b' };
    const gaps = [{ fromSeq: 1, toSeq: 7, fromTs: 5, toTs: 9, count: 7, reason: 'buffer_full' as const }];
    const parsed = IngestBatch.parse(JSON.parse(buildBatchBody([], 1000, { ...rest, gaps, syncStatus }).json));
    expect(parsed).toMatchObject({ readings: [], gaps, syncStatus });
  });
});
