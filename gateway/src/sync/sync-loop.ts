import type { DeviceReport, IngestAck, Reading } from '@solarhub/shared';
import type { Logger } from 'pino';
import { errorMessage } from '../errors.js';
import { backoffDelay } from './backoff.js';
import { CloudHttpError, CloudUnavailableError, type CloudClient } from './cloud-client.js';

/** What the sync loop needs of the outbox. */
export interface SyncSource {
  peek(limit: number): Reading[];
  ack(fromSeq: number, toSeq: number): number;
  stats(): { backlog: number };
}

export interface SyncStatus {
  lastSuccessAt: number | null;
  lastError: string | null;
  backlog: number;
  consecutiveFailures: number;
}

export interface SyncLoopOptions {
  outbox: SyncSource;
  client: CloudClient;
  /** Device identity and health, sent with every batch. */
  devices: () => DeviceReport[];
  intervalMs: number;
  maxBatchReadings: number;
  maxBackoffMs: number;
  /** First retry waits up to this long (full jitter); doubles per failure. Default 1000. */
  baseBackoffMs?: number;
  log: Logger;
  now?: () => number;
  random?: () => number;
}

export interface SyncLoop {
  start(): void;
  /** Stops the loop; an upload in flight is aborted (nothing is deleted for it). */
  stop(): Promise<void>;
  status(): SyncStatus;
  /** New readings were buffered: uploads right away when a full batch is waiting (unless backing off). */
  notify(): void;
}

const MAX_RETRY_AFTER_MS = 3_600_000;

/**
 * Uploads the outbox to the cloud: oldest readings first, a batch at a time;
 * deletes only what the cloud acknowledged; keeps going while a backlog
 * remains; backs off on failures. Devices are reported at least once per
 * interval even when there are no readings.
 */
export function createSyncLoop(options: SyncLoopOptions): SyncLoop {
  const { outbox, client, log } = options;
  const now = options.now ?? Date.now;
  const random = options.random ?? Math.random;
  const baseBackoffMs = options.baseBackoffMs ?? 1000;
  let lastSuccessAt: number | null = null;
  let lastError: string | null = null;
  let failures = 0;
  let lastDevicesAt = Number.NEGATIVE_INFINITY;
  let stopped = true;
  let running: Promise<void> | undefined;
  let abort = new AbortController();
  let wake: (() => void) | undefined;
  /** notify() came while an upload was in flight: do not sleep after it. */
  let wakeRequested = false;

  function checkAck(ack: IngestAck, readings: Reading[]): [number, number] {
    const first = readings[0]!.seq;
    const last = readings[readings.length - 1]!.seq;
    if (ack.ackedFrom === null || ack.ackedTo === null) {
      throw new CloudUnavailableError(`cloud acknowledged nothing for a batch of ${readings.length} readings`, { first, last });
    }
    const from = Math.max(ack.ackedFrom, first);
    const to = Math.min(ack.ackedTo, last);
    if (from > to) {
      throw new CloudUnavailableError(`cloud acknowledged ${ack.ackedFrom}..${ack.ackedTo}, outside the batch ${first}..${last}`, { first, last });
    }
    if (from !== first || to !== last) {
      log.warn({ first, last, ackedFrom: ack.ackedFrom, ackedTo: ack.ackedTo }, 'cloud acknowledged part of the batch: the rest is sent again');
    }
    return [from, to];
  }

  /** One upload. True when a full batch went out (more may be waiting). */
  async function uploadOnce(): Promise<boolean> {
    const readings = outbox.peek(options.maxBatchReadings);
    if (readings.length === 0 && now() - lastDevicesAt < options.intervalMs) return false;
    const ack = await client.ingest({ sentAt: now(), readings, devices: options.devices() }, abort.signal);
    lastDevicesAt = now();
    if (readings.length > 0) {
      const [from, to] = checkAck(ack, readings);
      const deleted = outbox.ack(from, to);
      log.debug({ from, to, deleted, accepted: ack.accepted, duplicates: ack.duplicates }, 'batch acknowledged');
    }
    if (failures > 0) log.info({ failures }, 'cloud sync recovered');
    failures = 0;
    lastError = null;
    lastSuccessAt = now();
    return readings.length >= options.maxBatchReadings;
  }

  function failureDelay(err: unknown): number {
    failures++;
    lastError = errorMessage(err);
    const retryAfter = err instanceof CloudHttpError ? err.retryAfterMs : undefined;
    if (err instanceof CloudHttpError && !err.retryable) {
      log.error({ status: err.status, body: err.body.slice(0, 4000), failures, context: err.context }, 'cloud rejected the batch: nothing deleted, will retry');
    } else if (failures === 1 || failures % 20 === 0) {
      log.warn({ err, failures }, 'cloud sync failed: will retry with backoff');
    }
    const backoff = backoffDelay(failures, baseBackoffMs, options.maxBackoffMs, random);
    return retryAfter !== undefined ? Math.min(Math.max(retryAfter, backoff), MAX_RETRY_AFTER_MS) : backoff;
  }

  function sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wake = undefined;
        resolve();
      }
      wake = done;
    });
  }

  async function loop(): Promise<void> {
    while (!stopped) {
      let delay = options.intervalMs;
      wakeRequested = false;
      try {
        if ((await uploadOnce()) || wakeRequested) delay = 0;
      } catch (err) {
        if (stopped) break;
        delay = failureDelay(err);
      }
      if (!stopped && delay > 0) await sleep(delay);
    }
  }

  return {
    start() {
      if (!stopped) return;
      stopped = false;
      abort = new AbortController();
      running = loop();
    },
    async stop() {
      stopped = true;
      abort.abort();
      wake?.();
      await running;
    },
    status() {
      return { lastSuccessAt, lastError, backlog: outbox.stats().backlog, consecutiveFailures: failures };
    },
    notify() {
      if (stopped || failures > 0) return;
      if (outbox.stats().backlog < options.maxBatchReadings) return;
      if (wake) wake();
      else wakeRequested = true;
    },
  };
}
