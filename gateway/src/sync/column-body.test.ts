import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { IngestBatch, unpackReadings } from '@solarhub/shared';
import { afterAll, describe, expect, it } from 'vitest';
import { openOutbox, type Outbox, type OutboxReading } from '../buffer/outbox.js';
import { buildBatchBody, buildColumnBody } from './batch-body.js';

/**
 * The sync loop's fast path (peekColumns + buildColumnBody) against the row
 * path (peekRows + buildBatchBody) on a real buffer file: the same batch.
 */
const dir = mkdtempSync(path.join(tmpdir(), 'gw-column-body-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
function filled(readings: OutboxReading[]): Outbox {
  const outbox = openOutbox(path.join(dir, `${++files}.db`), { synchronous: 'normal' });
  outbox.append(readings);
  return outbox;
}
const rest = { sentAt: 1_700_000_100_000, devices: [{ device: 'inv-1' }], gaps: [] };
const r = (i: number, extra: Partial<OutboxReading> = {}): OutboxReading => ({
  device: 'inv-1', metric: 'ac_power_w', unit: 'W', ts: 1_700_000_000_000 + i * 1000, value: i * 1.5, ...extra,
});
/** Monotonic times (never negative, by the contract). */
const MONOS = [0, -0, 12.25, 0.1 + 0.2, 1e-7, 2 ** 53, 1e300, 123_456.789_012_345, 5e-324, 9_007_199_254_740_993, 1e21 + 65_536];

describe('buildColumnBody', () => {
  it.each<[string, OutboxReading[]]>([
    ['no optional fields', [r(1), r(2), r(3)]],
    ['an empty buffer', []],
    [
      'quality, boot ids, points and names that need escaping, some rows without',
      [
        r(1, { quality: 'clock_unsynced', boot: 'b-1', point: 'p "quoted" \\ ü' }),
        r(2, { device: 'meter.2', metric: 'ac_energy_wh', unit: 'Wh', mono: 7 }),
        r(3, { quality: 'uncertain', boot: 'b-2' }),
        r(4, { boot: 'b-1', mono: 8.5 }),
      ],
    ],
    ['monotonic times: whole, fractional, tiny, huge, negative zero', MONOS.map((mono, i) => r(i, { mono, boot: 'b' }))],
    ['values: negative, fractional, tiny, huge', [-1e-7, 0.30000000000000004, 1e21, -123.456, 0, 2 ** 53].map((value, i) => r(i, { value }))],
  ])('carries what the row path carries: %s', (_name, readings) => {
    const outbox = filled(readings);
    try {
      const columns = buildColumnBody(outbox.peekColumns(1000), 1_000_000, rest, outbox.dictionary);
      const rows = buildBatchBody(outbox.peekRows(1000), 1_000_000, rest, outbox.dictionary);
      expect(columns).not.toBeNull();
      expect({ ...columns!, json: JSON.parse(columns!.json) }).toEqual({ ...rows, json: JSON.parse(rows.json) });
      // And what the buffer holds, value for value.
      expect(unpackReadings(IngestBatch.parse(JSON.parse(columns!.json)))).toEqual(outbox.peek(1000));
    } finally {
      outbox.close();
    }
  });

  it('writes a whole monotonic time as JavaScript does, any other exactly', () => {
    const outbox = filled(MONOS.map((mono, i) => r(i, { mono })));
    try {
      const text = outbox.peekColumns(1000).monoText!.split(',');
      expect(text.map(Number)).toEqual(MONOS.map((m) => (Object.is(m, -0) ? 0 : m)));
      MONOS.forEach((m, i) => Number.isInteger(m) && Math.abs(m) < 2 ** 63 && expect(text[i]).toBe(String(m)));
    } finally {
      outbox.close();
    }
  });

  it('writes an infinite value or monotonic time as null, as JSON.stringify and the row path do', () => {
    const outbox = filled([r(1, { value: Infinity, mono: -Infinity }), r(2, { value: -Infinity, mono: 3 })]);
    try {
      const columns = buildColumnBody(outbox.peekColumns(10), 1_000_000, rest, outbox.dictionary)!;
      const rows = buildBatchBody(outbox.peekRows(10), 1_000_000, rest, outbox.dictionary);
      expect(JSON.parse(columns.json)).toEqual(JSON.parse(rows.json));
      expect(JSON.parse(columns.json).readings).toMatchObject({ value: [null, null], mono: [null, 3] });
    } finally {
      outbox.close();
    }
  });

  it('reads after a sequence number and at most the limit', () => {
    const outbox = filled([1, 2, 3, 4, 5].map((i) => r(i)));
    try {
      const cols = outbox.peekColumns(2, 2);
      expect(cols).toMatchObject({ count: 2, firstSeq: 3, lastSeq: 4, seqText: '3,4', quality: null, boot: null, monoText: null });
      expect(outbox.peekColumns(10, 5)).toMatchObject({ count: 0, firstSeq: 0, lastSeq: 0, seqText: '', series: [], value: [] });
    } finally {
      outbox.close();
    }
  });

  it('gives up (null) when the batch would not fit in maxBytes, counting bytes, not characters', () => {
    const outbox = filled([r(1, { device: 'wechselrichter-süd-ü€' }), r(2)]);
    try {
      const cols = outbox.peekColumns(10);
      const json = buildColumnBody(cols, 1_000_000, rest, outbox.dictionary)!.json;
      const bytes = Buffer.byteLength(json);
      expect(bytes).toBeGreaterThan(json.length);
      expect(buildColumnBody(cols, bytes, rest, outbox.dictionary)?.count).toBe(2);
      expect(buildColumnBody(cols, bytes - 1, rest, outbox.dictionary)).toBeNull();
      expect(buildColumnBody(cols, json.length, rest, outbox.dictionary)).toBeNull();
    } finally {
      outbox.close();
    }
  });
});
