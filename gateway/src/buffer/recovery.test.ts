import { existsSync, mkdtempSync, readdirSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { captureLog } from '../testing/capture-log.js';
import { openOutbox, UNKNOWN_SEQ_MARGIN } from './outbox.js';

const T0 = Date.UTC(2026, 0, 1);
const readings = (n: number) =>
  Array.from({ length: n }, (_, i) => ({ device: 'inv-1', metric: 'ac_power_w', ts: T0 + i * 1000, value: i, unit: 'W', point: `sunspec.103.W.${'x'.repeat(40)}` }));

/** A buffer with 2000 readings of which the first 500 were acknowledged, closed cleanly. */
function filledBuffer(): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'gw-recovery-')), 'outbox.sqlite');
  const outbox = openOutbox(file);
  outbox.append(readings(2000));
  outbox.ack(1, 500);
  outbox.close();
  return file;
}

type Damage = (file: string) => void;

describe('a damaged buffer file at start', () => {
  it.each<[string, Damage, { seqKnown: boolean }]>([
    ['garbage instead of a database', (f) => writeFileSync(f, Buffer.alloc(8192, 0x5a)), { seqKnown: false }],
    ['a truncated database', (f) => truncateSync(f, 4096 * 3 + 100), { seqKnown: false }],
    [
      'flipped bytes in a data page',
      (f) => {
        const bytes = readFileSync(f);
        for (let i = bytes.length - 4096 * 4; i < bytes.length - 4096 * 4 + 600; i++) bytes[i] = bytes[i]! ^ 0xff;
        writeFileSync(f, bytes);
      },
      { seqKnown: true },
    ],
  ])('%s: moved aside, a fresh buffer continues above the old sequence, the loss reported', (_name, damage, { seqKnown }) => {
    const file = filledBuffer();
    damage(file);
    const { log, lines } = captureLog();
    const outbox = openOutbox(file, { log });
    try {
      expect(outbox.quarantinedTo).toMatch(/outbox\.sqlite\.corrupt-/);
      expect(existsSync(outbox.quarantinedTo!)).toBe(true);
      expect(readdirSync(path.dirname(file)).filter((f) => f.includes('.corrupt-')).length).toBeGreaterThan(0);
      expect(lines.find((l) => l.level === 50)?.msg).toBe(
        'buffer file is corrupt: it was moved aside and a fresh buffer started; its unsent readings are reported to the cloud as a gap',
      );
      // New readings never reuse a number the cloud may already hold.
      const next = outbox.append(readings(1))!;
      expect(next.firstSeq).toBe(seqKnown ? 2001 : 2000 + UNKNOWN_SEQ_MARGIN + 1);
      const [gap, ...rest] = outbox.gaps();
      expect(rest).toEqual([]);
      expect(gap).toMatchObject({ reason: 'corrupt_buffer', toSeq: next.firstSeq - 1 });
      // It starts no later than the oldest unacknowledged reading (501), from the file or the seq mark beside it.
      expect(gap!.fromSeq).toBeLessThanOrEqual(501);
      expect(gap!.count).toBeGreaterThanOrEqual(1);
    } finally {
      outbox.close();
    }
  });

  it('opens a healthy file without moving anything', () => {
    const file = filledBuffer();
    const outbox = openOutbox(file);
    expect(outbox.quarantinedTo).toBeNull();
    expect(outbox.stats()).toMatchObject({ backlog: 1500, oldestSeq: 501, newestSeq: 2000 });
    expect(outbox.gaps()).toEqual([]);
    outbox.close();
  });
});
