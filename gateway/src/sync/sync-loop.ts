import type { DeviceReport, IngestAck, SyncStatusReport } from '@solarhub/shared';
import type { Logger } from 'pino';
import type { OutboxColumns } from '../buffer/columns.js';
import type { StoredGap } from '../buffer/gap-store.js';
import type { OutboxRow } from '../buffer/outbox.js';
import { errorMessage } from '../errors.js';
import { backoffDelay } from './backoff.js';
import { buildBatchBody, buildColumnBody, type BatchRest, type RowNames } from './batch-body.js';
import { CloudHttpError, CloudUnavailableError, type CloudClient } from './cloud-client.js';
import { writeStatusFile, type LocalSyncStatus } from './status-file.js';

/** What the sync loop needs of the outbox. */
export interface SyncSource {
  peekRows(limit: number, afterSeq?: number): OutboxRow[];
  peekColumns(limit: number, afterSeq?: number): OutboxColumns;
  /** Names of the rows' series and boot ids. */
  readonly dictionary: RowNames;
  ack(fromSeq: number, toSeq: number): number;
  stats(): { backlog: number; oldestTs: number | null; oldestSeq: number | null; newestSeq: number | null };
  gaps(limit?: number): StoredGap[];
  ackGaps(gaps: readonly StoredGap[]): number;
  droppedTotal(): number;
}

export interface SyncStatus extends SyncStatusReport {
  consecutiveFailures: number;
}

export interface SyncLoopOptions {
  outbox: SyncSource;
  client: CloudClient;
  /** Device identity and health, sent with every round. */
  devices: () => DeviceReport[];
  intervalMs: number;
  maxBatchReadings: number;
  /** Most bytes of JSON (before gzip) in one upload. Default 4 MiB. */
  maxBatchBytes?: number;
  /** Batches sent at once while a backlog drains (the cloud accepts them in any order). Default 2. */
  inFlight?: number;
  maxBackoffMs: number;
  /** First retry waits up to this long (full jitter); doubles per failure. Default 1000. */
  baseBackoffMs?: number;
  /** The clock's state, reported to the cloud. */
  clock?: () => { synced: boolean; offsetMs: number | null };
  bootId?: string;
  /** Where to keep the local status file (see status-file.ts); none when omitted. */
  statusFile?: string;
  log: Logger;
  now?: () => number;
  random?: () => number;
}

export interface SyncLoop {
  start(): void;
  /** Stops the loop; uploads in flight are aborted (nothing is deleted for them). */
  stop(): Promise<void>;
  status(): SyncStatus;
  /** New readings were buffered: uploads right away when a full batch is waiting (unless backing off). */
  notify(): void;
}

const MAX_RETRY_AFTER_MS = 3_600_000;

interface Batch {
  json: string;
  /** The readings it carries: how many, and their sequence range. */
  count: number;
  first: number;
  last: number;
  gaps: StoredGap[];
  /** Carries the devices, gaps and sync status. */
  header: boolean;
  /** More readings wait behind this batch. */
  more: boolean;
}
const STATUS_FILE_EVERY_MS = 1000;

/**
 * Uploads the outbox to the cloud: oldest readings first, up to `inFlight`
 * batches at a time; deletes only what the cloud acknowledged; keeps going
 * while a backlog remains; backs off on failures. Devices, gap reports and
 * the sync status ride along; devices are reported at least once per
 * interval even when there are no readings.
 */
export function createSyncLoop(options: SyncLoopOptions): SyncLoop {
  const { outbox, client, log } = options;
  const now = options.now ?? Date.now;
  const random = options.random ?? Math.random;
  const baseBackoffMs = options.baseBackoffMs ?? 1000;
  const maxBatchBytes = options.maxBatchBytes ?? 4 * 1024 * 1024;
  const inFlight = Math.max(1, options.inFlight ?? 2);
  let lastSuccessAt: number | null = null;
  let lastError: string | null = null;
  let lastErrorAt: number | null = null;
  let failures = 0;
  let lastDevicesAt = Number.NEGATIVE_INFINITY;
  let lastStatusFileAt = Number.NEGATIVE_INFINITY;
  let stopped = true;
  let running: Promise<void> | undefined;
  let abort = new AbortController();
  let wake: (() => void) | undefined;
  /** notify() came while an upload was in flight: do not sleep after it. */
  let wakeRequested = false;

  function report(): SyncStatusReport {
    const stats = outbox.stats();
    const clock = options.clock?.() ?? { synced: true, offsetMs: null };
    return {
      backlog: stats.backlog,
      oldestUnsyncedTs: stats.oldestTs,
      lastSuccessAt,
      lastError: lastError === null ? null : lastError.slice(0, 1024),
      lastErrorAt,
      droppedTotal: outbox.droppedTotal(),
      clockSynced: clock.synced,
      clockOffsetMs: clock.offsetMs,
      bootId: options.bootId ?? '',
    };
  }

  function writeStatus(force: boolean): void {
    if (!options.statusFile || (!force && now() - lastStatusFileAt < STATUS_FILE_EVERY_MS)) return;
    lastStatusFileAt = now();
    const stats = outbox.stats();
    const status: LocalSyncStatus = {
      ...report(),
      updatedAt: now(),
      pid: process.pid,
      consecutiveFailures: failures,
      oldestSeq: stats.oldestSeq,
      newestSeq: stats.newestSeq,
      gapsPending: outbox.gaps(1000).length,
    };
    writeStatusFile(options.statusFile, status);
  }

  function checkAck(ack: IngestAck, batch: Batch): [number, number] {
    const { first, last } = batch;
    if (ack.ackedFrom === null || ack.ackedTo === null) {
      throw new CloudUnavailableError(`cloud acknowledged nothing for a batch of ${batch.count} readings`, { first, last });
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

  /** Cuts the next batch after `after` by count and bytes; with the devices, gaps and status when `header`. */
  function cutBatch(after: number, header: boolean): Batch {
    const gaps = header ? outbox.gaps(100) : [];
    const rest: BatchRest = { sentAt: now(), devices: header ? options.devices() : [], gaps, syncStatus: header ? report() : undefined };
    // By column when all of them fit (nearly always); else cut by bytes, row by row.
    const columns = outbox.peekColumns(options.maxBatchReadings, after);
    const offered = columns.count;
    const body =
      buildColumnBody(columns, maxBatchBytes, rest, outbox.dictionary) ??
      buildBatchBody(outbox.peekRows(options.maxBatchReadings, after), maxBatchBytes, rest, outbox.dictionary);
    // Full by count, or cut by bytes: more is waiting.
    const more = offered >= options.maxBatchReadings || body.count < offered;
    return { json: body.json, count: body.count, first: body.firstSeq, last: body.lastSeq, gaps, header, more };
  }

  /**
   * One run of uploads: a pool of `inFlight` workers, each taking the next
   * unsent range (oldest first) as soon as its previous upload was
   * acknowledged, so uploads never wait on each other. A range is claimed
   * once per run (nothing in flight is sent twice); acknowledgements may come
   * in any order (the cloud's ingest ranges make that safe). The run ends
   * when a batch was not full (the backlog is sent), on the first failure
   * (after the uploads in flight have settled: what they stored is deleted,
   * the rest is sent again by a later run), or when the cloud acknowledged
   * part of a batch (the next run starts again from the oldest reading).
   * Devices, gaps and the status ride on the first batch, and again once per
   * interval during a long run. Resolves true when the next run should start
   * at once.
   */
  async function uploadRun(): Promise<boolean> {
    let claimedTo = 0;
    let exhausted = false;
    let again = false;
    let failure: unknown;
    let headerDue = true;
    let headerInFlight = false;
    let sent = 0;

    function claim(): Batch | null {
      if (exhausted || failure !== undefined || again || stopped) return null;
      const header = headerDue || (!headerInFlight && now() - lastDevicesAt >= options.intervalMs);
      const batch = cutBatch(claimedTo, header);
      const first = headerDue;
      headerDue = false;
      if (!batch.more) exhausted = true;
      if (batch.count === 0 && (!first || (batch.gaps.length === 0 && now() - lastDevicesAt < options.intervalMs))) return null;
      if (batch.count > 0) claimedTo = batch.last;
      if (header) headerInFlight = true;
      sent++;
      return batch;
    }

    function settle(batch: Batch, ack: IngestAck): void {
      if (batch.header) {
        lastDevicesAt = now();
        if (batch.gaps.length > 0) outbox.ackGaps(batch.gaps);
      }
      if (batch.count === 0) return;
      const [from, to] = checkAck(ack, batch);
      const deleted = outbox.ack(from, to);
      log.debug({ from, to, deleted, accepted: ack.accepted, duplicates: ack.duplicates }, 'batch acknowledged');
      lastSuccessAt = now();
      // Part acknowledged: start again from the oldest unacknowledged reading.
      if (from !== batch.first || to !== batch.last) again = true;
    }

    async function worker(): Promise<void> {
      for (let batch = claim(); batch; batch = claim()) {
        try {
          settle(batch, await client.ingestJson(batch.json, abort.signal));
          writeStatus(false);
        } catch (err) {
          failure ??= err;
        } finally {
          if (batch.header) headerInFlight = false;
        }
      }
    }

    const workers: Promise<void>[] = [];
    // Each worker claims its first batch synchronously: none starts when the outbox has nothing more.
    for (let i = 0; i < inFlight && !exhausted; i++) workers.push(worker());
    await Promise.all(workers);
    if (sent === 0) return false;
    if (failure !== undefined) throw failure;
    if (failures > 0) log.info({ failures }, 'cloud sync recovered');
    failures = 0;
    lastError = null;
    lastSuccessAt = now();
    return again;
  }

  function failureDelay(err: unknown): number {
    failures++;
    lastError = errorMessage(err);
    lastErrorAt = now();
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
        if ((await uploadRun()) || wakeRequested) delay = 0;
        writeStatus(false);
      } catch (err) {
        if (stopped) break;
        delay = failureDelay(err);
        writeStatus(failures === 1);
      }
      if (!stopped && delay > 0) await sleep(delay);
    }
  }

  return {
    start() {
      if (!stopped) return;
      stopped = false;
      abort = new AbortController();
      writeStatus(true);
      running = loop();
    },
    async stop() {
      stopped = true;
      abort.abort();
      wake?.();
      await running;
      writeStatus(true);
    },
    status() {
      return { ...report(), consecutiveFailures: failures };
    },
    notify() {
      if (stopped || failures > 0) return;
      if (outbox.stats().backlog < options.maxBatchReadings) return;
      if (wake) wake();
      else wakeRequested = true;
    },
  };
}
