import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openOutbox, type Outbox, type OutboxReading } from './outbox.js';

const dir = mkdtempSync(path.join(tmpdir(), 'gw-outbox-'));
let opened: Outbox[] = [];
const open = (name: string) => {
  const outbox = openOutbox(path.join(dir, name));
  opened.push(outbox);
  return outbox;
};
afterEach(() => {
  opened.forEach((o) => o.close());
  opened = [];
});

const reading = (i: number, extra: Partial<OutboxReading> = {}): OutboxReading => ({
  device: 'inverter-1',
  metric: 'ac_power_w',
  ts: 1_700_000_000_000 + i,
  value: i * 1.5,
  unit: 'W',
  ...extra,
});

describe('outbox', () => {
  it('runs in WAL mode with synchronous=FULL', () => {
    expect(open('settings.db').settings()).toEqual({ journalMode: 'wal', synchronous: 2 });
  });

  it('appends, peeks oldest first and keeps every field', () => {
    const outbox = open('fields.db');
    expect(outbox.append([])).toBeNull();
    expect(outbox.append([reading(1, { point: 'sunspec.103.W', boot: 'b1', mono: 12.5, quality: 'clock_unsynced' }), reading(2)])).toEqual({ firstSeq: 1, lastSeq: 2 });
    expect(outbox.append([reading(3)])).toEqual({ firstSeq: 3, lastSeq: 3 });
    const peeked = outbox.peek(2);
    expect(peeked).toEqual([
      { seq: 1, device: 'inverter-1', metric: 'ac_power_w', ts: 1_700_000_000_001, value: 1.5, unit: 'W', quality: 'clock_unsynced', point: 'sunspec.103.W', boot: 'b1', mono: 12.5 },
      { seq: 2, device: 'inverter-1', metric: 'ac_power_w', ts: 1_700_000_000_002, value: 3, unit: 'W', quality: 'good' },
    ]);
    expect(outbox.stats()).toEqual({ backlog: 3, oldestTs: 1_700_000_000_001, oldestSeq: 1, newestSeq: 3 });
    // The same as raw rows, in column order; after a sequence when asked.
    // Numbers only: names by id, quality by code.
    const rows = outbox.peekRows(2);
    expect(rows).toEqual([
      [1, expect.any(Number), 1_700_000_000_001, 1.5, 2, expect.any(Number), 12.5],
      [2, expect.any(Number), 1_700_000_000_002, 3, 0, null, null],
    ]);
    expect(outbox.dictionary.series(rows[0]![1])).toEqual({ device: 'inverter-1', metric: 'ac_power_w', unit: 'W', point: 'sunspec.103.W' });
    expect(outbox.dictionary.series(rows[1]![1])).toEqual({ device: 'inverter-1', metric: 'ac_power_w', unit: 'W' });
    expect(outbox.dictionary.boot(rows[0]![5]!)).toBe('b1');
    expect(outbox.peekRows(10, 2).map((r) => r[0])).toEqual([3]);
  });

  it('writes each name once, and finds the names again after a restart', () => {
    const file = 'names.db';
    const outbox = open(file);
    const many = Array.from({ length: 100 }, (_, i) => reading(i, { device: `inverter-${i % 3}`, boot: 'b1' }));
    outbox.append(many);
    expect(outbox.pragma('user_version')).toBe(2);
    outbox.close();
    const again = open(file);
    again.append([reading(100, { device: 'inverter-9', boot: 'b2' })]);
    const peeked = again.peek(1000);
    expect(peeked.map((r) => r.device)).toEqual([...many.map((r) => r.device), 'inverter-9']);
    expect(new Set(peeked.map((r) => r.boot))).toEqual(new Set(['b1', 'b2']));
    const rows = again.peekRows(1000);
    expect(new Set(rows.map((r) => r[1])).size).toBe(4);
  });

  it('forgets names written by a transaction the disk refused', () => {
    const outbox = open('refused-names.db');
    outbox.append([reading(1)]);
    outbox.pragma(`max_page_count = ${Number(outbox.pragma('page_count'))}`);
    const big = Array.from({ length: 2000 }, (_, i) => reading(i, { device: `new-device-${i}` }));
    expect(() => outbox.append(big)).toThrow(/buffer write failed/);
    outbox.pragma('max_page_count = 1000000');
    outbox.append([reading(2, { device: 'new-device-7' })]);
    expect(outbox.peek(10).map((r) => r.device)).toEqual(['inverter-1', 'new-device-7']);
  });

  it.each<[string, [number, number], number[]]>([
    ['the whole range', [1, 5], []],
    ['a middle slice only', [2, 3], [1, 4, 5]],
    ['a range beyond what exists', [5, 99], [1, 2, 3, 4]],
    ['nothing when the range is empty', [4, 3], [1, 2, 3, 4, 5]],
  ])('ack deletes exactly %s', (_name, [from, to], left) => {
    const outbox = open(`ack-${from}-${to}.db`);
    outbox.append([1, 2, 3, 4, 5].map((i) => reading(i)));
    outbox.ack(from, to);
    expect(outbox.peek(100).map((r) => r.seq)).toEqual(left);
  });

  it('never reuses a sequence number, even after deleting every row and reopening', () => {
    const file = 'reuse.db';
    let outbox = open(file);
    outbox.append([reading(1), reading(2), reading(3)]);
    expect(outbox.ack(1, 3)).toBe(3);
    expect(outbox.stats()).toEqual({ backlog: 0, oldestTs: null, oldestSeq: null, newestSeq: null });
    outbox.close();
    outbox = open(file);
    expect(outbox.append([reading(4)])).toEqual({ firstSeq: 4, lastSeq: 4 });
  });

  it('keeps committed readings across a reopen', () => {
    const outbox = open('durable.db');
    outbox.append([reading(1), reading(2)]);
    outbox.close();
    expect(open('durable.db').peek(10).map((r) => r.value)).toEqual([1.5, 3]);
  });
});
