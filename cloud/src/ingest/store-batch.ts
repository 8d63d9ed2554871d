import { QUALITY_CODES, type IngestAck, type IngestBatch } from '@solarhub/shared';
import { sql } from 'drizzle-orm';
import { badRequest, type ErrorDetail } from '../http/errors.js';
import type { Db, Tx } from '../storage/database.js';
import { queryRows } from '../storage/rows.js';
import { isDeadlock, PG, pgError } from '../storage/pg-errors.js';
import { withTenant } from '../storage/tenancy.js';
import { binaryArray } from './binary-arrays.js';
import { applyDeviceUpdates, collectDeviceUpdates, resolveDevices } from './devices.js';
import type { GatewayRef } from './gateway-ref.js';
import { freshIndexes, seqBounds, uncovered, type SeqRange } from './ranges.js';
import { collectSeries, resolveSeries } from './series.js';
import { storeSyncReports } from './sync-reports.js';
import { MAX_TIMESTAMP_MS } from './timestamps.js';

/**
 * Tries of a transaction that collided with a concurrent batch (each retry
 * finds more of the batch stored, so a handful is plenty).
 */
const ATTEMPTS = 10;

export interface StoreOptions {
  /** The driver sends Buffer parameters as binary (node-postgres; not PGlite): readings go as binary arrays. */
  binaryParams: boolean;
}

/**
 * Stores a validated batch from a gateway, idempotently. In ONE transaction:
 * the sequence ranges of [min seq, max seq] that no earlier batch of the
 * gateway acknowledged are claimed (inserted into `ingest_ranges`), and the
 * readings in them stored; readings in ranges already acknowledged are
 * counted as duplicates. Overlapping claims exclude each other in the
 * database (migration 0008): a batch racing its own retry waits for it (or
 * deadlocks with it) and is tried again, finding its readings stored.
 * Batches that do not overlap are stored side by side. Then the devices'
 * status and last seen and the gateway's gap reports and sync status. Throws
 * HttpError 403 `device_key_taken` (nothing stored) when a device key
 * belongs to another gateway, 400 `timestamp_out_of_range` for times
 * JavaScript cannot represent.
 */
export async function storeBatch(db: Db, gateway: GatewayRef, batch: IngestBatch, options: StoreOptions): Promise<IngestAck> {
  assertTimestamps(batch);
  const { ack, deviceIds } = await again(isClaimCollisionOrDeadlock, () => storeReadings(db, gateway, batch, options));
  // What the batch says about its devices and its gateway (status, last
  // seen, gap reports, sync status), once the readings are stored, in a
  // short transaction of its own: those rows stay locked only for it.
  await again(isDeadlock, () =>
    withTenant(db, gateway.organizationId, async (tx) => {
      await applyDeviceUpdates(tx, deviceIds, collectDeviceUpdates(batch));
      await tx.execute(sql`UPDATE gateways SET last_seen_at = now() WHERE id = ${gateway.id}::uuid`);
      await storeSyncReports(tx, gateway, batch);
    }),
  );
  return ack;
}

/** Runs a transaction again (up to ATTEMPTS times in all) while it fails in a way a new try can mend. */
async function again<T>(mendable: (err: unknown) => boolean, transaction: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await transaction();
    } catch (err) {
      if (!mendable(err) || attempt >= ATTEMPTS) throw err;
    }
  }
}

/**
 * A concurrent batch claimed an overlapping range: the exclusion constraint
 * says so, or, for claims starting at the same seq, the primary key. Or
 * PostgreSQL broke a deadlock: two claims that overlap, inserted at the same
 * moment, can each wait for the other (an exclusion constraint is checked
 * after its index entry is in; a claim of several ranges widens that window),
 * and so can upserts of the same devices or series in another order. The
 * aborted transaction kept nothing; its next try finds the other's readings
 * stored.
 */
function isClaimCollisionOrDeadlock(err: unknown): boolean {
  const { code, constraint } = pgError(err);
  return (
    (code === PG.exclusionViolation && constraint === 'ingest_ranges_no_overlap') ||
    (code === PG.uniqueViolation && constraint === 'ingest_ranges_pkey') ||
    code === PG.deadlockDetected
  );
}

async function storeReadings(db: Db, gateway: GatewayRef, batch: IngestBatch, options: StoreOptions): Promise<{ ack: IngestAck; deviceIds: Map<string, string> }> {
  const { readings } = batch;
  const bounds = seqBounds(readings.seq);
  // As the app role in the gateway's tenant: row-level security checks every write.
  return withTenant(db, gateway.organizationId, async (tx) => {
    const deviceIds = await resolveDevices(tx, gateway, batch);
    let accepted = 0;
    let duplicates = 0;
    if (bounds) {
      const seriesIds = await seriesIdsOf(tx, batch, deviceIds);
      const acknowledged = await selectRanges(tx, gateway.id, bounds);
      // The claim comes first: a colliding batch is found before the insert, not after.
      await claim(tx, gateway.id, uncovered(bounds, acknowledged));
      const split = freshIndexes(readings.seq, acknowledged);
      duplicates = split.duplicates;
      if (split.fresh.length > 0) accepted = await insertMeasurements(tx, gateway.id, readings, split.fresh, seriesIds, options.binaryParams);
    }
    return { ack: { accepted, duplicates, ackedFrom: bounds?.first ?? null, ackedTo: bounds?.last ?? null }, deviceIds };
  });
}

/** Series id of each entry of the batch's series list (creating missing series). */
async function seriesIdsOf(tx: Tx, batch: IngestBatch, deviceIds: Map<string, string>): Promise<number[]> {
  const { specs, keys } = collectSeries(batch.series, deviceIds);
  const ids = await resolveSeries(tx, specs);
  return keys.map((key) => {
    const id = ids.get(key);
    if (id === undefined) throw new Error(`series ${key} was not resolved`);
    return id;
  });
}

function assertTimestamps(batch: IngestBatch): void {
  const details: ErrorDetail[] = [];
  const message = `must be at most ${MAX_TIMESTAMP_MS} (milliseconds since 1970)`;
  batch.readings.ts.forEach((ts, i) => ts > MAX_TIMESTAMP_MS && details.push({ path: `body.readings.ts.${i}`, message }));
  batch.devices.forEach((d, i) => (d.lastSeen ?? 0) > MAX_TIMESTAMP_MS && details.push({ path: `body.devices.${i}.lastSeen`, message }));
  if (details.length > 0) throw badRequest('timestamp_out_of_range', 'Some timestamps are out of range', details.slice(0, 100));
}

/** The acknowledged ranges overlapping or touching `bounds`, sorted. */
async function selectRanges(tx: Tx, gatewayId: string, bounds: SeqRange): Promise<SeqRange[]> {
  const rows = await queryRows<{ first_seq: number | string; last_seq: number | string }>(
    tx,
    sql`SELECT first_seq, last_seq FROM ingest_ranges
        WHERE gateway_id = ${gatewayId}::uuid AND first_seq <= ${bounds.last + 1}::bigint AND last_seq >= ${bounds.first - 1}::bigint
        ORDER BY first_seq`,
  );
  return rows.map((row) => ({ first: Number(row.first_seq), last: Number(row.last_seq) }));
}

/** Inserts the claimed ranges; waits for, then fails on, an overlapping claim of a concurrent batch. */
async function claim(tx: Tx, gatewayId: string, ranges: readonly SeqRange[]): Promise<void> {
  if (ranges.length === 0) return;
  await tx.execute(
    sql`INSERT INTO ingest_ranges (gateway_id, first_seq, last_seq)
        SELECT ${gatewayId}::uuid, f, l FROM unnest(${sql.param(ranges.map((r) => r.first))}::bigint[], ${sql.param(ranges.map((r) => r.last))}::bigint[]) AS u(f, l)`,
  );
}

/**
 * The rows at `indexes` of the batch's columns, in ONE statement over
 * unnest()ed arrays (no per-row statements, no bind-parameter limit).
 * COPY into a staging table + INSERT ... SELECT was measured against it
 * (1k-50k rows, PostgreSQL 15) and was no faster: the insert and its index
 * upkeep dominate, so this path stays, the same on PGlite. The indexes are
 * outside the acknowledged ranges and inside this transaction's claim, and
 * every stored row is inside a committed claim, so none was stored before:
 * a plain INSERT, no ON CONFLICT, no unique key to keep up.
 */
async function insertMeasurements(
  tx: Tx,
  gatewayId: string,
  readings: IngestBatch['readings'],
  indexes: readonly number[],
  seriesIdOfIndex: readonly number[],
  binaryParams: boolean,
): Promise<number> {
  const n = indexes.length;
  const seriesIds = new Array<number>(n);
  const ts = new Array<number>(n);
  const values = new Array<number>(n);
  const qualities = new Array<number>(n);
  const seqs = new Array<number>(n);
  const { quality } = readings;
  for (let k = 0; k < n; k++) {
    const i = indexes[k]!;
    seriesIds[k] = seriesIdOfIndex[readings.series[i]!]!;
    ts[k] = readings.ts[i]!;
    values[k] = readings.value[i]!;
    qualities[k] = quality === undefined ? QUALITY_CODES.good : QUALITY_CODES[quality[i]!];
    seqs[k] = readings.seq[i]!;
  }
  const result = await tx.execute(
    binaryParams
      ? // Binary arrays: no number text to write here or parse there, no to_timestamp() per row.
        sql`INSERT INTO measurements (series_id, ts, value, quality, gateway_id, seq)
            SELECT u.series_id, u.ts, u.value, u.quality, ${gatewayId}::uuid, u.seq
            FROM unnest(${sql.param(binaryArray('int8', seriesIds))}::bigint[], ${sql.param(binaryArray('timestamptz', ts))}::timestamptz[],
                        ${sql.param(binaryArray('float8', values))}::float8[], ${sql.param(binaryArray('int2', qualities))}::smallint[],
                        ${sql.param(binaryArray('int8', seqs))}::bigint[])
              AS u(series_id, ts, value, quality, seq)`
      : // PGlite takes text: numbers as array literals built here (node-pg's per-element
        // array encoding costs more); times as epoch ms, to_timestamp(ms / 1000) is exact to the ms.
        sql`INSERT INTO measurements (series_id, ts, value, quality, gateway_id, seq)
            SELECT u.series_id, to_timestamp(u.ms / 1000), u.value, u.quality, ${gatewayId}::uuid, u.seq
            FROM unnest(${literal(seriesIds)}::bigint[], ${literal(ts)}::float8[], ${literal(values)}::float8[], ${literal(qualities)}::smallint[], ${literal(seqs)}::bigint[])
              AS u(series_id, ms, value, quality, seq)`,
  );
  return affectedRows(result, n);
}

/** A number array as a PostgreSQL array literal (the PGlite path). */
const literal = (numbers: number[]) => sql.param(`{${numbers.join(',')}}`);

/** Rows an INSERT wrote: node-postgres says rowCount, PGlite affectedRows. */
function affectedRows(result: unknown, expected: number): number {
  const r = result as { rowCount?: number | null; affectedRows?: number };
  return r.rowCount ?? r.affectedRows ?? expected;
}
