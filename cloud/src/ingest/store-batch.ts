import type { IngestAck, IngestBatch } from '@solarhub/shared';
import { sql } from 'drizzle-orm';
import { badRequest, type ErrorDetail } from '../http/errors.js';
import type { Db, Tx } from '../storage/database.js';
import { qualityCode } from '../storage/quality.js';
import { queryRows } from '../storage/rows.js';
import { withTenant } from '../storage/tenancy.js';
import { applyDeviceUpdates, collectDeviceUpdates, resolveDevices } from './devices.js';
import type { GatewayRef } from './gateway-ref.js';
import { freshIndexes, mergeRange, seqBounds, type SeqRange } from './ranges.js';
import { collectSeries, resolveSeries, seriesKey } from './series.js';
import { MAX_TIMESTAMP_MS } from './timestamps.js';

/**
 * Stores a validated batch from a gateway, idempotently: its readings and
 * their acknowledged range in ONE transaction, where readings whose seq this
 * gateway already had acknowledged are counted as duplicates and not stored
 * again and [min seq, max seq] of the batch is then acknowledged; then the
 * devices' status and last seen. Throws HttpError 403 `device_key_taken` (nothing stored) when
 * a device key belongs to another gateway, 400 `timestamp_out_of_range` for
 * times JavaScript cannot represent.
 */
export async function storeBatch(db: Db, gateway: GatewayRef, batch: IngestBatch): Promise<IngestAck> {
  assertTimestamps(batch);
  const { readings } = batch;
  const bounds = seqBounds(readings.seq);
  // As the app role in the gateway's tenant: row-level security checks every write.
  const { ack, deviceIds } = await withTenant(db, gateway.organizationId, async (tx) => {
    const deviceIds = await resolveDevices(tx, gateway, batch);
    // Series before the lock: looking them up (and creating the rare new one)
    // needs no order between a gateway's batches, so it overlaps with the
    // insert of the batch ahead instead of waiting for it.
    const seriesIds = bounds ? await seriesIdsOf(tx, batch, deviceIds) : [];
    // One writer per gateway from here to commit: the check against the
    // acknowledged ranges, the insert and the new range are one step, so a
    // retried batch racing its original waits here and then finds it stored.
    await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtextextended(${gateway.id}, 0))`);
    let accepted = 0;
    let duplicates = 0;
    if (bounds) {
      const acknowledged = await selectRanges(tx, gateway.id, bounds);
      const split = freshIndexes(readings.seq, acknowledged);
      duplicates = split.duplicates;
      if (split.fresh.length > 0) accepted = await insertMeasurements(tx, gateway.id, readings, split.fresh, seriesIds);
      await acknowledge(tx, gateway.id, acknowledged, bounds);
    }
    await tx.execute(sql`UPDATE gateways SET last_seen_at = now() WHERE id = ${gateway.id}::uuid`);
    const ack: IngestAck = { accepted, duplicates, ackedFrom: bounds?.first ?? null, ackedTo: bounds?.last ?? null };
    return { ack, deviceIds };
  });
  // Device status and last seen once the readings are stored, in a short
  // transaction of its own: the device rows stay locked only for it, not
  // for the whole insert (the gateway's next batch updates them too).
  const updates = collectDeviceUpdates(batch);
  if (updates.size > 0) await withTenant(db, gateway.organizationId, (tx) => applyDeviceUpdates(tx, deviceIds, updates));
  return ack;
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

async function acknowledge(tx: Tx, gatewayId: string, nearby: SeqRange[], bounds: SeqRange): Promise<void> {
  const { merged, absorbed } = mergeRange(nearby, bounds);
  if (absorbed.length === 1 && absorbed[0]!.first === merged.first && absorbed[0]!.last === merged.last) return;
  if (absorbed.length > 0) {
    await tx.execute(
      sql`DELETE FROM ingest_ranges WHERE gateway_id = ${gatewayId}::uuid AND first_seq = ANY(${sql.param(absorbed.map((r) => r.first))}::bigint[])`,
    );
  }
  await tx.execute(
    sql`INSERT INTO ingest_ranges (gateway_id, first_seq, last_seq) VALUES (${gatewayId}::uuid, ${merged.first}::bigint, ${merged.last}::bigint)`,
  );
}

/**
 * The rows at `indexes` of the batch's columns, in ONE statement over
 * unnest()ed arrays (no per-row statements, no bind-parameter limit).
 * COPY into a staging table + INSERT ... SELECT was measured against it
 * (1k-50k rows, PostgreSQL 15) and was no faster: the insert and its index
 * upkeep dominate, so this path stays, the same on PGlite. The indexes are
 * outside the acknowledged ranges, and every stored row is inside them
 * (written in the same transaction under the gateway's lock), so none was
 * stored before: a plain INSERT, no ON CONFLICT, no unique key to keep up.
 */
async function insertMeasurements(
  tx: Tx,
  gatewayId: string,
  readings: IngestBatch['readings'],
  indexes: readonly number[],
  seriesIdOfIndex: readonly number[],
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
    qualities[k] = quality === undefined ? 0 : qualityCode(quality[i]!);
    seqs[k] = readings.seq[i]!;
  }
  // Numbers only, sent as array literals built here: node-pg's per-element
  // array encoding and timestamptz text parsing cost more than the insert.
  // Times go as epoch ms; to_timestamp(ms / 1000) is exact to the millisecond.
  const p = (numbers: number[]) => sql.param(`{${numbers.join(',')}}`);
  const result = await tx.execute(sql`INSERT INTO measurements (series_id, ts, value, quality, gateway_id, seq)
    SELECT u.series_id, to_timestamp(u.ms / 1000), u.value, u.quality, ${gatewayId}::uuid, u.seq
    FROM unnest(${p(seriesIds)}::bigint[], ${p(ts)}::float8[], ${p(values)}::float8[], ${p(qualities)}::smallint[], ${p(seqs)}::bigint[])
      AS u(series_id, ms, value, quality, seq)`);
  return affectedRows(result, n);
}

/** Rows an INSERT wrote: node-postgres says rowCount, PGlite affectedRows. */
function affectedRows(result: unknown, expected: number): number {
  const r = result as { rowCount?: number | null; affectedRows?: number };
  return r.rowCount ?? r.affectedRows ?? expected;
}
