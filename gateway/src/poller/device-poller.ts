import type { Quality, Reading } from '@solarhub/shared';
import type { Logger } from 'pino';
import { errorMessage, isOfflineError } from '../errors.js';
import type { DeviceIdentity, HealthRegistry } from './health.js';

/** Values read at one moment (one model, one register block...). */
export interface PolledValues {
  ts: number;
  mono: number;
  values: ReadonlyArray<{ metric: string; value: number; unit: string; point?: string | undefined }>;
}

export interface PollOutcome {
  identity?: DeviceIdentity | undefined;
  blocks: PolledValues[];
  /** Parts that failed while others were read. */
  errors: Error[];
}

/** Whatever reads a device (a SunSpec session, later vendor maps, MQTT...). */
export interface DeviceSource {
  poll(): Promise<PollOutcome>;
  /** Forget cached discovery/identity; called after a failed poll. */
  reset(): void;
}

/** A reading as a poll produced it: quality decided, boot id and monotonic time stamped; no sequence number yet. */
export type PolledReading = Omit<Reading, 'seq' | 'boot' | 'mono'> & { boot: string; mono: number };

export interface DevicePollerOptions {
  deviceId: string;
  intervalMs: number;
  source: DeviceSource;
  /** Stores one poll's readings (one transaction). */
  sink: (readings: PolledReading[]) => void;
  health: HealthRegistry;
  bootId: string;
  log: Logger;
  /** Longest wait between polls of a device that does not answer, ms (default 60000; never below intervalMs). */
  maxBackoffMs?: number | undefined;
}

/**
 * Delay before the next poll of a device: its interval while it answers;
 * after `offlineStreak` polls in a row found it offline, the interval
 * doubled per further failure (1x, 2x, 4x...) up to `maxBackoffMs`, so a
 * dead unit costs its bus one timeout per backoff period, not per interval.
 */
export function nextPollDelay(intervalMs: number, offlineStreak: number, maxBackoffMs: number): number {
  if (offlineStreak <= 1) return intervalMs;
  return Math.max(intervalMs, Math.min(maxBackoffMs, intervalMs * 2 ** Math.min(offlineStreak - 1, 30)));
}

/** Before this, the wall clock has surely not been set (a Pi without RTC after a power cut). */
export const EARLIEST_PLAUSIBLE_TS = Date.UTC(2024, 0, 1);

export function qualityAt(ts: number): Quality {
  return ts < EARLIEST_PLAUSIBLE_TS ? 'clock_unsynced' : 'good';
}

export function toReadings(deviceId: string, bootId: string, blocks: readonly PolledValues[]): PolledReading[] {
  return blocks.flatMap((block) =>
    block.values.map((v) => ({
      device: deviceId,
      metric: v.metric,
      ts: block.ts,
      value: v.value,
      unit: v.unit,
      quality: qualityAt(block.ts),
      point: v.point,
      boot: bootId,
      mono: block.mono,
    })),
  );
}

/**
 * Polls one device on its interval (fixed rate; a slow poll skips the slots
 * it overran, polls never overlap). A failing device is marked and retried
 * next time; nothing it does stops the other devices.
 */
export class DevicePoller {
  private timer: NodeJS.Timeout | undefined;
  private current: Promise<void> | undefined;
  private stopped = true;
  private offlineStreak = 0;

  constructor(private readonly options: DevicePollerOptions) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.current;
  }

  /** One poll, now. Never throws. */
  async pollOnce(): Promise<void> {
    const { deviceId, source, health, log, bootId } = this.options;
    let outcome: PollOutcome;
    try {
      outcome = await source.poll();
    } catch (err) {
      source.reset();
      const offline = isOfflineError(err);
      this.offlineStreak = offline ? this.offlineStreak + 1 : 0;
      health.failed(deviceId, offline ? 'offline' : 'error', err);
      return;
    }
    this.offlineStreak = 0;
    if (outcome.identity) health.setIdentity(deviceId, outcome.identity);
    const readings = toReadings(deviceId, bootId, outcome.blocks);
    try {
      if (readings.length > 0) this.options.sink(readings);
    } catch (err) {
      log.error({ deviceId, err, readings: readings.length }, 'cannot store readings: this poll is lost');
    }
    const last = outcome.blocks[outcome.blocks.length - 1];
    if (last) health.succeeded(deviceId, last.ts, outcome.errors[0]);
    else health.failed(deviceId, 'error', outcome.errors[0] ?? new Error('the device gave no values'));
    for (const err of outcome.errors.slice(1)) log.debug({ deviceId, err: errorMessage(err) }, 'poll problem');
  }

  private schedule(delay: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      const started = Date.now();
      this.current = this.pollOnce().finally(() => {
        const elapsed = Date.now() - started;
        const interval = nextPollDelay(this.options.intervalMs, this.offlineStreak, this.options.maxBackoffMs ?? 60_000);
        this.schedule(elapsed >= interval ? interval - (elapsed % interval) : interval - elapsed);
      });
    }, delay);
  }
}
