import type { Quality } from '@solarhub/shared';
import type { Logger } from 'pino';

/**
 * Is the wall clock right? A Raspberry Pi has no real-time clock: after a
 * power cut it starts in the past until NTP syncs. Readings keep the time
 * they were taken at (never re-stamped); while the clock looks wrong they
 * are flagged `clock_unsynced`, and their boot id + monotonic clock keep
 * their order.
 */
export interface ClockState {
  synced: boolean;
  reason: 'ok' | 'before_build_date' | 'far_from_cloud';
  /** Local clock minus the cloud's (ms), from the last answer's Date header; null before the first. */
  offsetMs: number | null;
}

export interface ClockWatchOptions {
  /** No reading can be older than this build of the gateway: a clock before it is surely unset. */
  floorMs: number;
  /** Largest accepted |local - cloud| difference, ms. The Date header has 1 s resolution: keep this well above 1000. */
  maxSkewMs: number;
  log: Logger;
}

/** Set deliberately to a date before this code was released (update with releases; older is only less strict). */
export const CLOCK_FLOOR_MS = Date.UTC(2025, 0, 1);

/** Local minus server time, taking the middle of the request as the moment the server stamped its Date header (which it truncates to the second). */
export function clockOffset(serverDateMs: number, sentAtMs: number, receivedAtMs: number): number {
  return Math.round((sentAtMs + receivedAtMs) / 2 - (serverDateMs + 500));
}

export function judgeClock(ts: number, offsetMs: number | null, options: Pick<ClockWatchOptions, 'floorMs' | 'maxSkewMs'>): ClockState {
  if (ts < options.floorMs) return { synced: false, reason: 'before_build_date', offsetMs };
  if (offsetMs !== null && Math.abs(offsetMs) > options.maxSkewMs) return { synced: false, reason: 'far_from_cloud', offsetMs };
  return { synced: true, reason: 'ok', offsetMs };
}

export function createClockWatch(options: ClockWatchOptions) {
  const log = options.log.child({ component: 'clock' });
  let offsetMs: number | null = null;
  let lastReason: ClockState['reason'] = 'ok';

  const state = (ts: number = Date.now()): ClockState => {
    const s = judgeClock(ts, offsetMs, options);
    if (s.reason !== lastReason) {
      if (s.synced) log.info({ offsetMs }, 'wall clock looks right again: readings are no longer flagged');
      else log.warn({ reason: s.reason, offsetMs, now: new Date(ts).toISOString() }, 'wall clock looks wrong: readings are flagged clock_unsynced until it is set (check NTP)');
      lastReason = s.reason;
    }
    return s;
  };

  return {
    state,
    /** From the Date header of a cloud answer (any status). */
    observeServerDate(serverDateMs: number, sentAtMs: number, receivedAtMs: number): void {
      offsetMs = clockOffset(serverDateMs, sentAtMs, receivedAtMs);
    },
    /** Flags readings taken while the clock looked wrong; leaves their timestamps alone. */
    flag<R extends { ts: number; quality?: Quality | undefined }>(readings: readonly R[]): R[] {
      return readings.map((r) => ((r.quality ?? 'good') === 'good' && !state(r.ts).synced ? { ...r, quality: 'clock_unsynced' as const } : r));
    },
  };
}

export type ClockWatch = ReturnType<typeof createClockWatch>;
