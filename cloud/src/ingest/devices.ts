import type { DeviceReport, IngestBatch } from '@solarhub/shared';
import { sql } from 'drizzle-orm';
import { forbidden, type ErrorDetail } from '../http/errors.js';
import type { Tx } from '../storage/database.js';
import { queryRows } from '../storage/rows.js';
import type { GatewayRef } from './gateway-ref.js';
import { isoOrNull } from './timestamps.js';

/**
 * Device ids by key for every key the batch names, creating the missing
 * devices in the gateway's site. Throws 403 `device_key_taken` (listing the
 * keys and where they appear) when a key belongs to another gateway's device.
 */
export async function resolveDevices(tx: Tx, gateway: GatewayRef, batch: IngestBatch): Promise<Map<string, string>> {
  const firstUse = keyFirstUse(batch);
  const keys = [...firstUse.keys()];
  if (keys.length === 0) return new Map();
  let rows = await selectDevices(tx, gateway.siteId, keys);
  if (rows.length < keys.length) {
    const known = new Set(rows.map((row) => row.key));
    const missing = keys.filter((k) => !known.has(k));
    await tx.execute(sql`
      INSERT INTO devices (site_id, gateway_id, key)
      SELECT ${gateway.siteId}::uuid, ${gateway.id}::uuid, k FROM unnest(${sql.param(missing)}::text[]) AS k
      ON CONFLICT (site_id, key) DO NOTHING`);
    // Another gateway of the site may have created some of them meanwhile: read them all again.
    rows = await selectDevices(tx, gateway.siteId, keys);
  }
  const taken: ErrorDetail[] = rows
    .filter((row) => row.gateway_id !== gateway.id)
    .map((row) => ({ path: firstUse.get(row.key) ?? 'body', message: `device key "${row.key}" belongs to another gateway` }));
  if (taken.length > 0) {
    throw forbidden('device_key_taken', 'Some device keys belong to devices of another gateway; nothing was stored', taken);
  }
  return new Map(rows.map((row) => [row.key, row.id]));
}

interface DeviceKeyRow {
  id: string;
  key: string;
  gateway_id: string;
}

function selectDevices(tx: Tx, siteId: string, keys: string[]): Promise<DeviceKeyRow[]> {
  return queryRows<DeviceKeyRow>(
    tx,
    sql`SELECT id, key, gateway_id FROM devices WHERE site_id = ${siteId}::uuid AND key = ANY(${sql.param(keys)}::text[])`,
  );
}

/** Each key the batch names, with the path of its first appearance ("body.series.3.device"). */
function keyFirstUse(batch: IngestBatch): Map<string, string> {
  const first = new Map<string, string>();
  batch.devices.forEach((d, i) => first.has(d.device) || first.set(d.device, `body.devices.${i}.device`));
  batch.series.forEach((s, i) => first.has(s.device) || first.set(s.device, `body.series.${i}.device`));
  return first;
}

/** What one batch says about one device: its latest report and its newest good reading. */
export interface DeviceUpdate {
  report?: DeviceReport;
  newestReadingTs?: number;
}

/** Folds reports (the last one of a device wins) and good readings' times per device key. */
export function collectDeviceUpdates(batch: IngestBatch): Map<string, DeviceUpdate> {
  const updates = new Map<string, DeviceUpdate>();
  const get = (key: string) => {
    let u = updates.get(key);
    if (!u) updates.set(key, (u = {}));
    return u;
  };
  for (const report of batch.devices) get(report.device).report = report;
  // Newest good reading per series first (plain arrays), then per device.
  const { series, ts, quality } = batch.readings;
  const newest = new Array<number>(batch.series.length).fill(-1);
  for (let i = 0; i < ts.length; i++) {
    if (quality !== undefined && quality[i] !== 'good') continue;
    const s = series[i]!;
    if (ts[i]! > newest[s]!) newest[s] = ts[i]!;
  }
  newest.forEach((t, s) => {
    if (t < 0) return;
    const u = get(batch.series[s]!.device);
    if (u.newestReadingTs === undefined || t > u.newestReadingTs) u.newestReadingTs = t;
  });
  return updates;
}

/**
 * Applies the reports in ONE statement: fields a report leaves out keep their
 * value, `lastError: null` clears the error, last_seen_at only moves forward.
 */
export async function applyDeviceUpdates(tx: Tx, ids: Map<string, string>, updates: Map<string, DeviceUpdate>): Promise<void> {
  if (updates.size === 0) return;
  const cols = {
    id: [] as string[],
    type: [] as (string | null)[],
    protocol: [] as (string | null)[],
    manufacturer: [] as (string | null)[],
    model: [] as (string | null)[],
    serial: [] as (string | null)[],
    firmware: [] as (string | null)[],
    status: [] as (string | null)[],
    lastSeen: [] as (string | null)[],
    hasError: [] as boolean[],
    lastError: [] as (string | null)[],
  };
  for (const [key, { report, newestReadingTs }] of updates) {
    const id = ids.get(key);
    if (!id) continue;
    const seen = Math.max(report?.lastSeen ?? -1, newestReadingTs ?? -1);
    cols.id.push(id);
    cols.type.push(report?.type ?? null);
    cols.protocol.push(report?.protocol ?? null);
    cols.manufacturer.push(report?.manufacturer ?? null);
    cols.model.push(report?.model ?? null);
    cols.serial.push(report?.serialNumber ?? null);
    cols.firmware.push(report?.firmwareVersion ?? null);
    cols.status.push(report?.status ?? null);
    cols.lastSeen.push(seen >= 0 ? isoOrNull(seen) : null);
    cols.hasError.push(report?.lastError !== undefined);
    cols.lastError.push(report?.lastError ?? null);
  }
  const p = sql.param;
  await tx.execute(sql`
    UPDATE devices AS d SET
      type = coalesce(u.type, d.type),
      protocol = coalesce(u.protocol, d.protocol),
      manufacturer = coalesce(u.manufacturer, d.manufacturer),
      model = coalesce(u.model, d.model),
      serial_number = coalesce(u.serial, d.serial_number),
      firmware_version = coalesce(u.firmware, d.firmware_version),
      status = coalesce(u.status, d.status),
      last_seen_at = greatest(d.last_seen_at, u.last_seen),
      last_error = CASE WHEN u.has_error THEN u.last_error ELSE d.last_error END,
      updated_at = now()
    FROM unnest(
      ${p(cols.id)}::uuid[], ${p(cols.type)}::text[], ${p(cols.protocol)}::text[], ${p(cols.manufacturer)}::text[],
      ${p(cols.model)}::text[], ${p(cols.serial)}::text[], ${p(cols.firmware)}::text[], ${p(cols.status)}::text[],
      ${p(cols.lastSeen)}::timestamptz[], ${p(cols.hasError)}::boolean[], ${p(cols.lastError)}::text[]
    ) AS u(id, type, protocol, manufacturer, model, serial, firmware, status, last_seen, has_error, last_error)
    WHERE d.id = u.id`);
}
