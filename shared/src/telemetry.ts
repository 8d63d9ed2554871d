import { z } from 'zod';
import { DeviceStatus, DeviceType, Protocol, Quality } from './enums.js';
import { MetricName } from './metrics.js';
import { numberColumn } from './number-column.js';

/**
 * A device key names a device within its site, as the installer configured it
 * on the gateway (e.g. "inverter-1"). The cloud creates the device on first
 * sight and refuses keys that belong to another gateway.
 */
export const DeviceKey = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'device key: letters, digits, "_", "." and "-", starting with a letter or digit');

/** Gateway-wide sequence number: strictly increasing, survives restarts. */
export const Sequence = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);

/** One reading: a value of one metric of one device at one moment. */
export const Reading = z.object({
  seq: Sequence,
  device: DeviceKey,
  metric: MetricName,
  /** Wall-clock time of the reading, milliseconds since the Unix epoch (UTC). */
  ts: z.number().int().min(0),
  value: z.number().finite(),
  unit: z.string().max(16),
  quality: Quality.default('good'),
  /** The source point, e.g. "sunspec.103.W" or "vendor.sdm630.0x0034", kept beside the normalized name. */
  point: z.string().max(128).optional(),
  /** Boot id of the gateway process that took the reading, and its monotonic clock then (ms). */
  boot: z.string().max(64).optional(),
  mono: z.number().nonnegative().optional(),
});
export type Reading = z.infer<typeof Reading>;
export type ReadingInput = z.input<typeof Reading>;

/** What the gateway knows of a device: identity from the device itself, health from polling. */
export const DeviceReport = z.object({
  device: DeviceKey,
  type: DeviceType.optional(),
  protocol: Protocol.optional(),
  manufacturer: z.string().max(64).optional(),
  model: z.string().max(64).optional(),
  serialNumber: z.string().max(64).optional(),
  firmwareVersion: z.string().max(64).optional(),
  status: DeviceStatus.optional(),
  lastSeen: z.number().int().min(0).optional(),
  lastError: z.string().max(1024).nullable().optional(),
});
export type DeviceReport = z.infer<typeof DeviceReport>;

export const MAX_READINGS_PER_BATCH = 50_000;

/** Why the gateway gave up readings it had taken. */
export const GapReason = z.enum([
  /** The buffer reached its size limit and dropped its oldest readings (or, if so configured, the newest). */
  'buffer_full',
  /** Readings older than the buffer's age limit were dropped. */
  'too_old',
  /** The disk was full or read-only: readings could not be written. */
  'write_failed',
  /** The buffer file was corrupt at start: it was set aside and a fresh one started. */
  'corrupt_buffer',
]);
export type GapReason = z.infer<typeof GapReason>;

/**
 * Readings a gateway took but will never send: sequence range (inclusive),
 * time range of the readings (ms; null when unknown), and how many.
 * For a corrupt buffer that could not be read, `count` is an upper bound.
 */
export const GapReport = z.object({
  fromSeq: Sequence,
  toSeq: Sequence,
  fromTs: z.number().int().min(0).nullable(),
  toTs: z.number().int().min(0).nullable(),
  count: z.number().int().nonnegative(),
  reason: GapReason,
});
export type GapReport = z.infer<typeof GapReport>;

/** The gateway's view of its own sync, sent with batches so users see it in the cloud. */
export const SyncStatusReport = z.object({
  /** Readings waiting in the buffer. */
  backlog: z.number().int().nonnegative(),
  /** Time of the oldest reading not yet acknowledged (ms), or null when none. */
  oldestUnsyncedTs: z.number().int().min(0).nullable(),
  lastSuccessAt: z.number().int().min(0).nullable(),
  lastError: z.string().max(1024).nullable(),
  lastErrorAt: z.number().int().min(0).nullable(),
  /** Readings dropped since the buffer was created (all gap reports together). */
  droppedTotal: z.number().int().nonnegative(),
  /** Whether the gateway believes its wall clock is right, and its offset from the cloud's clock (ms) when known. */
  clockSynced: z.boolean(),
  clockOffsetMs: z.number().int().nullable(),
  bootId: z.string().max(64),
});
export type SyncStatusReport = z.infer<typeof SyncStatusReport>;

/** One series a batch carries readings of: a metric of a device, with its unit and source point. */
export const BatchSeries = Reading.pick({ device: true, metric: true, unit: true, point: true });
export type BatchSeries = z.infer<typeof BatchSeries>;

/**
 * A batch's readings by column (reading i is the i-th element of each
 * array): numbers in flat arrays parse and validate in a fraction of the
 * time of one object per reading, and the names a reading repeats (device,
 * metric, unit, point, boot id) travel once per batch, in `series` and
 * `boots`. `quality` left out means all good; `boot` and `mono` are left
 * out when unknown. packReadings / unpackReadings (reading-columns.ts)
 * convert from and to Reading objects.
 */
export const ReadingColumns = z.object({
  seq: numberColumn({ integer: true, min: 0, maxItems: MAX_READINGS_PER_BATCH }),
  /** Index into the batch's `series`. */
  series: numberColumn({ integer: true, min: 0, maxItems: MAX_READINGS_PER_BATCH }),
  /** Wall-clock time of each reading, milliseconds since the Unix epoch (UTC). */
  ts: numberColumn({ integer: true, min: 0, maxItems: MAX_READINGS_PER_BATCH }),
  value: numberColumn({ integer: false, maxItems: MAX_READINGS_PER_BATCH }),
  quality: z.array(Quality).max(MAX_READINGS_PER_BATCH).optional(),
  /** Index into the batch's `boots`, or null when unknown. */
  boot: numberColumn({ integer: true, min: 0, nullable: true, maxItems: MAX_READINGS_PER_BATCH }).optional(),
  /** The gateway's monotonic clock at each reading (ms), or null when unknown. */
  mono: numberColumn({ integer: false, min: 0, nullable: true, maxItems: MAX_READINGS_PER_BATCH }).optional(),
});
export type ReadingColumns = z.infer<typeof ReadingColumns>;

const EMPTY_COLUMNS = (): ReadingColumns => ({ seq: [], series: [], ts: [], value: [] });

/** Checks what a schema per field cannot: the columns line up and every index points into its list. */
function checkColumns(batch: { series: unknown[]; boots: string[]; readings: ReadingColumns }, ctx: z.RefinementCtx): void {
  const { readings } = batch;
  const n = readings.seq.length;
  for (const name of ['series', 'ts', 'value', 'quality', 'boot', 'mono'] as const) {
    const values = readings[name];
    if (values !== undefined && values.length !== n) {
      ctx.addIssue({ code: 'custom', path: ['readings', name], message: `has ${values.length} values, but readings.seq has ${n}` });
    }
  }
  const outOf = (name: 'series' | 'boot', limit: number, list: string) => {
    const values = readings[name] ?? [];
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (v !== null && v !== undefined && v >= limit) {
        ctx.addIssue({ code: 'custom', path: ['readings', name, i], message: `index ${v} is outside ${list} (${limit} entries)` });
        return;
      }
    }
  };
  outOf('series', batch.series.length, 'series');
  outOf('boot', batch.boots.length, 'boots');
}

/** The body of POST /api/v1/ingest (JSON, optionally gzip-encoded). */
export const IngestBatch = z
  .object({
    /** When the gateway sent the batch (its wall clock, ms). */
    sentAt: z.number().int().min(0),
    /** The series `readings.series` points into. */
    series: z.array(BatchSeries).max(MAX_READINGS_PER_BATCH).default([]),
    /** The boot ids `readings.boot` points into. */
    boots: z.array(z.string().max(64)).max(1000).default([]),
    readings: ReadingColumns.default(EMPTY_COLUMNS),
    devices: z.array(DeviceReport).max(1000).default([]),
    /** Readings the gateway dropped (buffer bounds, disk full, corrupt buffer). Repeats are harmless. */
    gaps: z.array(GapReport).max(1000).optional(),
    syncStatus: SyncStatusReport.optional(),
  })
  .superRefine(checkColumns);
export type IngestBatch = z.infer<typeof IngestBatch>;
export type IngestBatchInput = z.input<typeof IngestBatch>;

/**
 * The cloud's answer to an accepted batch. Every sequence in the batch is
 * acknowledged (stored now or earlier): the gateway may delete them all.
 */
export const IngestAck = z.object({
  accepted: z.number().int().nonnegative(),
  duplicates: z.number().int().nonnegative(),
  /** Lowest and highest sequence acknowledged, or null for an empty batch. */
  ackedFrom: Sequence.nullable(),
  ackedTo: Sequence.nullable(),
});
export type IngestAck = z.infer<typeof IngestAck>;

/** One error shape for every 4xx/5xx answer of the cloud API. */
export const ApiError = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z
      .array(z.object({ path: z.string(), message: z.string() }))
      .optional(),
  }),
});
export type ApiError = z.infer<typeof ApiError>;
