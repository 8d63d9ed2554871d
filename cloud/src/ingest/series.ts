import type { Reading } from '@solarhub/shared';
import { sql } from 'drizzle-orm';
import type { Tx } from '../storage/database.js';
import { queryRows } from '../storage/rows.js';

export interface SeriesSpec {
  deviceId: string;
  metric: string;
  unit: string;
  point: string | null;
}

/** One spec per (device, metric) the readings name; the last reading's unit and point win. */
export function collectSeries(readings: readonly Reading[], deviceIds: Map<string, string>): Map<string, SeriesSpec> {
  const specs = new Map<string, SeriesSpec>();
  // Readings repeat a few series many times: look them up by device, then metric, without building a key per reading.
  const byDevice = new Map<string, Map<string, SeriesSpec>>();
  for (const r of readings) {
    let byMetric = byDevice.get(r.device);
    if (!byMetric) {
      byMetric = new Map();
      byDevice.set(r.device, byMetric);
    }
    const spec = byMetric.get(r.metric);
    if (spec) {
      spec.unit = r.unit;
      spec.point = r.point ?? null;
      continue;
    }
    const deviceId = deviceIds.get(r.device);
    if (!deviceId) throw new Error(`device "${r.device}" was not resolved`);
    const created: SeriesSpec = { deviceId, metric: r.metric, unit: r.unit, point: r.point ?? null };
    byMetric.set(r.metric, created);
    specs.set(seriesKey(deviceId, r.metric), created);
  }
  return specs;
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
 * unit or point (a missing point keeps the stored one). The caller holds the
 * gateway's lock and its devices belong to it alone, so nobody else writes
 * these rows meanwhile.
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
