import type { BatchSeries } from '@solarhub/shared';
import { sql } from 'drizzle-orm';
import type { Tx } from '../storage/database.js';
import { queryRows } from '../storage/rows.js';

export interface SeriesSpec {
  deviceId: string;
  metric: string;
  unit: string;
  point: string | null;
}

/**
 * One spec per (device, metric) the batch's series list names, and the key of
 * each list entry (by index). When the list names a (device, metric) twice,
 * the later entry's unit and point win.
 */
export function collectSeries(
  list: readonly BatchSeries[],
  deviceIds: Map<string, string>,
): { specs: Map<string, SeriesSpec>; keys: string[] } {
  const specs = new Map<string, SeriesSpec>();
  const keys = list.map((s) => {
    const deviceId = deviceIds.get(s.device);
    if (!deviceId) throw new Error(`device "${s.device}" was not resolved`);
    const key = seriesKey(deviceId, s.metric);
    const spec = specs.get(key);
    if (spec) {
      spec.unit = s.unit;
      spec.point = s.point ?? null;
    } else {
      specs.set(key, { deviceId, metric: s.metric, unit: s.unit, point: s.point ?? null });
    }
    return key;
  });
  return { specs, keys };
}

export const seriesKey = (deviceId: string, metric: string) => `${deviceId}\u0000${metric}`;

interface SeriesRow {
  id: number | string;
  device_id: string;
  metric: string;
  unit: string;
  point: string | null;
}

/**
 * Series ids by seriesKey(), creating missing series and updating a changed
 * unit or point (a missing point keeps the stored one). Only batches of the
 * gateway owning the devices write these rows; two of them upserting the same
 * new series at once wait for each other on the unique key (the caller runs
 * the transaction again should PostgreSQL break a deadlock between them).
 */
export async function resolveSeries(tx: Tx, specs: Map<string, SeriesSpec>): Promise<Map<string, number>> {
  const ids = new Map<string, number>();
  if (specs.size === 0) return ids;
  const all = [...specs.values()];
  const existing = await queryRows<SeriesRow>(
    tx,
    sql`SELECT s.id, s.device_id, s.metric, s.unit, s.point FROM series s
        JOIN unnest(${sql.param(all.map((s) => s.deviceId))}::uuid[], ${sql.param(all.map((s) => s.metric))}::text[]) AS u(device_id, metric)
          ON s.device_id = u.device_id AND s.metric = u.metric`,
  );
  const stored = new Map(existing.map((row) => [seriesKey(row.device_id, row.metric), row]));
  const toWrite: SeriesSpec[] = [];
  for (const [key, spec] of specs) {
    const row = stored.get(key);
    if (row && row.unit === spec.unit && (spec.point === null || row.point === spec.point)) ids.set(key, Number(row.id));
    else toWrite.push(spec);
  }
  if (toWrite.length === 0) return ids;
  const written = await queryRows<SeriesRow>(
    tx,
    sql`INSERT INTO series (device_id, metric, unit, point)
        SELECT * FROM unnest(${sql.param(toWrite.map((s) => s.deviceId))}::uuid[], ${sql.param(toWrite.map((s) => s.metric))}::text[],
                             ${sql.param(toWrite.map((s) => s.unit))}::text[], ${sql.param(toWrite.map((s) => s.point))}::text[])
        ON CONFLICT (device_id, metric) DO UPDATE
          SET unit = excluded.unit, point = coalesce(excluded.point, series.point), updated_at = now()
        RETURNING id, device_id, metric, unit, point`,
  );
  for (const row of written) ids.set(seriesKey(row.device_id, row.metric), Number(row.id));
  return ids;
}
