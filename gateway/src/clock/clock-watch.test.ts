import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { clockOffset, createClockWatch, judgeClock, type ClockState } from './clock-watch.js';

const FLOOR = Date.UTC(2025, 0, 1);
const NOW = Date.UTC(2026, 5, 1, 12);
const options = { floorMs: FLOOR, maxSkewMs: 120_000 };

describe('judgeClock', () => {
  it.each<[string, number, number | null, ClockState]>([
    ['a normal clock, no cloud answer yet', NOW, null, { synced: true, reason: 'ok', offsetMs: null }],
    ['1970 after a power cut on a Pi', 5_000, null, { synced: false, reason: 'before_build_date', offsetMs: null }],
    ['just before the build date', FLOOR - 1, 0, { synced: false, reason: 'before_build_date', offsetMs: 0 }],
    ['a year ahead of the cloud', NOW, 365 * 86_400_000, { synced: false, reason: 'far_from_cloud', offsetMs: 365 * 86_400_000 }],
    ['three minutes behind the cloud', NOW, -180_000, { synced: false, reason: 'far_from_cloud', offsetMs: -180_000 }],
    ['a second off (Date header resolution)', NOW, 1_000, { synced: true, reason: 'ok', offsetMs: 1_000 }],
  ])('%s', (_name, ts, offset, expected) => {
    expect(judgeClock(ts, offset, options)).toEqual(expected);
  });
});

describe('clockOffset', () => {
  it.each<[number, number, number, number]>([
    // server Date (truncated to the second), sent, received -> local minus server
    [NOW, NOW + 100, NOW + 300, -300],
    [NOW, NOW + 500, NOW + 500, 0],
    [NOW - 3_600_000, NOW, NOW + 1000, 3_600_000],
  ])('server %i, request %i..%i -> %i', (server, sent, received, expected) => {
    expect(clockOffset(server, sent, received)).toBe(expected);
  });
});

describe('clock watch', () => {
  const reading = (ts: number, quality?: 'good' | 'uncertain') => ({ ts, value: 1, ...(quality ? { quality } : {}) });

  it('flags readings before the build date and keeps their timestamps', () => {
    const clock = createClockWatch({ ...options, log: pino({ level: 'silent' }) });
    expect(clock.flag([reading(1000), reading(NOW), reading(1000, 'uncertain')])).toEqual([
      { ts: 1000, value: 1, quality: 'clock_unsynced' },
      { ts: NOW, value: 1 },
      { ts: 1000, value: 1, quality: 'uncertain' },
    ]);
  });

  it('flags everything while the cloud says the clock is a year off, and stops once it agrees again', () => {
    const clock = createClockWatch({ ...options, log: pino({ level: 'silent' }) });
    clock.observeServerDate(NOW - 365 * 86_400_000, NOW, NOW);
    expect(clock.flag([reading(NOW)])[0]!.quality).toBe('clock_unsynced');
    expect(clock.state(NOW)).toMatchObject({ synced: false, reason: 'far_from_cloud' });
    clock.observeServerDate(NOW, NOW + 200, NOW + 800);
    expect(clock.flag([reading(NOW)])[0]!.quality).toBeUndefined();
  });
});
