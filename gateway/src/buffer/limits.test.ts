import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { captureLog } from '../testing/capture-log.js';
import { BufferWriteError } from './errors.js';
import { openOutbox, type Outbox, type OutboxOptions, type OutboxReading } from './outbox.js';

const dir = mkdtempSync(path.join(tmpdir(), 'gw-limits-'));
let opened: Outbox[] = [];
let n = 0;
const open = (options: OutboxOptions = {}, file = path.join(dir, `${++n}.db`)) => {
  const outbox = openOutbox(file, options);
  opened.push(outbox);
  return outbox;
};
afterEach(() => {
  opened.forEach((o) => o.close());
  opened = [];
});

const T0 = Date.UTC(2026, 0, 1);
const poll = (from: number, count: number): OutboxReading[] =>
  Array.from({ length: count }, (_, i) => ({ device: 'inv-1', metric: 'ac_power_w', ts: T0 + (from + i) * 1000, value: from + i, unit: 'W', point: 'sunspec.103.W' }));

/** Every sequence given out is either still buffered or inside a gap report: nothing vanishes unaccounted. */
function accountedFor(outbox: Outbox, top: number): void {
  const buffered = new Set(outbox.peek(1_000_000).map((r) => r.seq));
  const gaps = outbox.gaps(1000);
  for (let seq = 1; seq <= top; seq++) {
    const inGap = gaps.some((g) => seq >= g.fromSeq && seq <= g.toSeq);
    expect(buffered.has(seq) || inGap, `seq ${seq}`).toBe(true);
  }
  expect(outbox.droppedTotal()).toBe(gaps.reduce((s, g) => s + g.count, 0));
}

describe('buffer limits', () => {
  it('drops the oldest readings when full, reports them as one growing gap, and keeps the newest', () => {
    const { log, lines } = captureLog();
    const outbox = open({ maxBytes: 64 * 1024, log });
    let seq = 0;
    for (let i = 0; i < 60; i++) seq = outbox.append(poll(i * 50, 50))!.lastSeq;
    const stats = outbox.stats();
    expect(stats.newestSeq).toBe(3000);
    expect(stats.oldestSeq).toBeGreaterThan(1);
    const [gap, ...more] = outbox.gaps();
    expect(more).toEqual([]);
    expect(gap).toMatchObject({ fromSeq: 1, toSeq: stats.oldestSeq! - 1, count: stats.oldestSeq! - 1, reason: 'buffer_full', fromTs: T0 });
    expect(gap!.toTs).toBe(T0 + (stats.oldestSeq! - 1) * 1000 - 1000);
    accountedFor(outbox, seq);
    expect(lines.some((l) => l.msg === 'buffer limit reached: oldest readings dropped and reported to the cloud as a gap')).toBe(true);
  });

  it('with whenFull = drop_newest keeps the oldest and reserves sequence numbers for the dropped polls', () => {
    const outbox = open({ maxBytes: 64 * 1024, whenFull: 'drop_newest' });
    const results = Array.from({ length: 60 }, (_, i) => outbox.append(poll(i * 50, 50)));
    expect(results[0]).toEqual({ firstSeq: 1, lastSeq: 50 });
    const dropped = results.findIndex((r) => r === null);
    expect(dropped).toBeGreaterThan(0);
    expect(outbox.stats().oldestSeq).toBe(1);
    const gaps = outbox.gaps();
    expect(gaps).toHaveLength(1);
    expect(gaps[0]).toMatchObject({ fromSeq: dropped * 50 + 1, toSeq: 3000, count: 3000 - dropped * 50, reason: 'buffer_full' });
    accountedFor(outbox, 3000);
    // Once the cloud acknowledges, there is room again and new readings get the next numbers.
    outbox.ack(1, 3000);
    expect(outbox.append(poll(0, 1))).toEqual({ firstSeq: 3001, lastSeq: 3001 });
  });

  it('drops readings past the age limit but never ones flagged clock_unsynced', () => {
    let now = T0 + 3600_000;
    const outbox = open({ maxAgeMs: 600_000, now: () => now });
    outbox.append(poll(0, 10)); // T0 .. T0+9 s: an hour old
    outbox.append([{ ...poll(10, 1)[0]!, ts: 5000, quality: 'clock_unsynced' }]);
    outbox.append(poll(3500, 5)); // fresh
    now += 1;
    outbox.append(poll(3505, 1));
    expect(outbox.gaps()).toEqual([expect.objectContaining({ fromSeq: 1, toSeq: 10, count: 10, reason: 'too_old', fromTs: T0, toTs: T0 + 9000 })]);
    expect(outbox.peek(100).map((r) => r.seq)).toEqual([11, 12, 13, 14, 15, 16, 17]);
  });

  it('acknowledging gap reports removes exactly the ones sent; one that grew meanwhile stays', () => {
    const outbox = open({ maxBytes: 64 * 1024 });
    for (let i = 0; i < 40; i++) outbox.append(poll(i * 50, 50));
    const sent = outbox.gaps();
    for (let i = 40; i < 60; i++) outbox.append(poll(i * 50, 50));
    expect(outbox.ackGaps(sent)).toBe(0);
    const grown = outbox.gaps();
    expect(grown[0]!.count).toBeGreaterThan(sent[0]!.count);
    expect(outbox.ackGaps(grown)).toBe(1);
    expect(outbox.gaps()).toEqual([]);
    // The lifetime count survives the acknowledgement and a reopen.
    expect(outbox.droppedTotal()).toBe(grown[0]!.count);
  });

  it('survives a full disk: a clear log line, the lost polls counted, and a gap once writes work again', () => {
    const { log, lines } = captureLog();
    const outbox = open({ log });
    outbox.append(poll(0, 10));
    // A real SQLITE_FULL: the file may not grow past its current size.
    outbox.pragma(`max_page_count = ${Number(outbox.pragma('page_count'))}`);
    const failures: unknown[] = [];
    for (let i = 0; i < 50; i++) {
      try {
        outbox.append(poll(100 + i * 200, 200));
      } catch (err) {
        failures.push(err);
      }
    }
    expect(failures.length).toBeGreaterThan(0);
    expect(failures.every((f) => f instanceof BufferWriteError && f.code === 'BUFFER_WRITE_FAILED')).toBe(true);
    const errors = lines.filter((l) => l.level === 50);
    // One clear line per episode, not one per poll.
    expect(errors.map((l) => l.msg)).toEqual(['cannot write to the buffer: the disk is full: free space on it; readings are counted as lost until writes succeed again']);
    const lost = outbox.droppedTotal();
    expect(lost).toBe(failures.length * 200);
    // Space comes back.
    outbox.pragma('max_page_count = 1000000');
    const next = outbox.append(poll(99_000, 1))!;
    expect(outbox.gaps()).toEqual([expect.objectContaining({ reason: 'write_failed', count: lost, toSeq: next.firstSeq - 1 })]);
    expect(lines.some((l) => l.msg === 'buffer writes work again: the readings lost meanwhile are reported as a gap')).toBe(true);
    accountedFor(outbox, next.lastSeq);
  });
});
