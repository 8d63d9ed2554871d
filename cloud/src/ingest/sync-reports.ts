import type { IngestBatch } from '@solarhub/shared';
import { sql } from 'drizzle-orm';
import type { Tx } from '../storage/database.js';
import type { GatewayRef } from './gateway-ref.js';
import { MAX_TIMESTAMP_MS } from './timestamps.js';

const at = (ms: number | null | undefined) => (ms === null || ms === undefined || ms > MAX_TIMESTAMP_MS ? null : new Date(ms).toISOString());

/**
 * Stores what a batch says about the gateway's sync (gap reports, status).
 * Idempotent: a repeated gap report changes nothing, a grown one replaces
 * the smaller; a status older than the stored one is ignored. storeBatch
 * runs it after the readings' transaction, in the gateway's tenant (`tx` as
 * the app role: row-level security refuses rows of another tenant's
 * gateway): a crash in between only means the gateway sends the reports
 * again (it deletes them only after a 200).
 */
export async function storeSyncReports(tx: Tx, gateway: GatewayRef, batch: IngestBatch): Promise<void> {
  const gaps = batch.gaps ?? [];
  const status = batch.syncStatus;
  if (gaps.length === 0 && !status) return;
  for (const g of gaps) {
    await tx.execute(sql`
      INSERT INTO gateway_gaps (gateway_id, from_seq, to_seq, from_ts, to_ts, count, reason)
      VALUES (${gateway.id}::uuid, ${g.fromSeq}::bigint, ${g.toSeq}::bigint, ${at(g.fromTs)}::timestamptz, ${at(g.toTs)}::timestamptz, ${g.count}::bigint, ${g.reason})
      ON CONFLICT (gateway_id, from_seq) DO UPDATE SET
        to_seq = GREATEST(gateway_gaps.to_seq, excluded.to_seq),
        from_ts = LEAST(gateway_gaps.from_ts, excluded.from_ts),
        to_ts = GREATEST(gateway_gaps.to_ts, excluded.to_ts),
        count = GREATEST(gateway_gaps.count, excluded.count)`);
  }
  if (status) {
    await tx.execute(sql`
      INSERT INTO gateway_sync_status (gateway_id, reported_at, received_at, backlog, oldest_unsynced_at, last_success_at, last_error, last_error_at, dropped_total, clock_synced, clock_offset_ms, boot_id)
      VALUES (${gateway.id}::uuid, ${at(batch.sentAt)}::timestamptz, now(), ${status.backlog}::bigint, ${at(status.oldestUnsyncedTs)}::timestamptz,
        ${at(status.lastSuccessAt)}::timestamptz, ${status.lastError}, ${at(status.lastErrorAt)}::timestamptz, ${status.droppedTotal}::bigint,
        ${status.clockSynced}, ${status.clockOffsetMs === null ? null : Math.max(-2e9, Math.min(2e9, status.clockOffsetMs))}::int, ${status.bootId})
      ON CONFLICT (gateway_id) DO UPDATE SET
        reported_at = excluded.reported_at, received_at = excluded.received_at, backlog = excluded.backlog,
        oldest_unsynced_at = excluded.oldest_unsynced_at, last_success_at = excluded.last_success_at, last_error = excluded.last_error,
        last_error_at = excluded.last_error_at, dropped_total = excluded.dropped_total, clock_synced = excluded.clock_synced,
        clock_offset_ms = excluded.clock_offset_ms, boot_id = excluded.boot_id
      WHERE gateway_sync_status.reported_at <= excluded.reported_at OR gateway_sync_status.boot_id <> excluded.boot_id`);
  }
}
