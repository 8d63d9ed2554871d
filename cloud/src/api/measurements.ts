import { MetricName, qualityOfCode } from '@solarhub/shared';
import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { requireApiPrincipal } from '../auth/request-context.js';
import { badRequest, notFound } from '../http/errors.js';
import { parseOrThrow } from '../http/validate.js';
import type { Db } from '../storage/database.js';
import { queryRows } from '../storage/rows.js';
import { withTenant } from '../storage/tenancy.js';
import { downsampledSeries, DownsampleQuery } from '../timeseries/requests.js';
import { epochMs as epochMsOf } from '../timeseries/series-query.js';
import { deviceOfOrganization } from './lookup.js';
import { deviceView } from './views.js';

const DeviceParams = z.object({ deviceId: z.uuid() });

const DAY_MS = 86_400_000;

export function seriesQuery(maxPoints: number) {
  // With `bucket` or `agg` the series is downsampled (timeseries/requests.ts); without, raw points.
  return DownsampleQuery.extend({
    metric: MetricName,
    /** Inclusive start (ISO 8601 with offset); default: 24 hours before `to`. */
    from: z.iso.datetime({ offset: true }).optional(),
    /** Exclusive end; default: now. */
    to: z.iso.datetime({ offset: true }).optional(),
    /** At most this many points (the first ones in time); default and maximum: the server's cap. */
    limit: z.coerce.number().int().min(1).max(maxPoints).optional(),
  });
}

/** Raw epoch-ms column, driver-agnostic (raw results are not type-mapped). */
const epochMs = (column: string) => epochMsOf(sql.raw(column));

/**
 * GET /api/v1/devices/:deviceId/latest and GET /api/v1/devices/:deviceId/series,
 * read under withTenant: row-level security confines the series and readings.
 */
export function measurementRoutes(app: FastifyInstance, db: Db, maxPoints: number): void {
  const SeriesQuery = seriesQuery(maxPoints);

  app.get('/api/v1/devices/:deviceId/latest', async (request) => {
    const { organizationId } = requireApiPrincipal(request);
    const { deviceId } = parseOrThrow(DeviceParams, request.params, 'params');
    const { device, rows } = await withTenant(db, organizationId, async (tx) => {
      const device = await deviceOfOrganization(tx, organizationId, deviceId);
      // One index probe per series on (series_id, ts) through the lateral join.
      const rows = await queryRows<{ metric: string; unit: string; point: string | null; ts: number; value: number; quality: number }>(
        tx,
        sql`SELECT s.metric, s.unit, s.point, ${epochMs('m.ts')} AS ts, m.value, m.quality
            FROM series s
            CROSS JOIN LATERAL (
              SELECT ts, value, quality FROM measurements WHERE series_id = s.id ORDER BY ts DESC LIMIT 1
            ) m
            WHERE s.device_id = ${device.id}::uuid
            ORDER BY s.metric`,
      );
      return { device, rows };
    });
    return {
      device: deviceView(device),
      values: rows.map((r) => ({
        metric: r.metric,
        value: Number(r.value),
        unit: r.unit,
        point: r.point,
        ts: new Date(Number(r.ts)).toISOString(),
        quality: qualityOfCode(Number(r.quality)),
      })),
    };
  });

  app.get('/api/v1/devices/:deviceId/series', async (request) => {
    const { organizationId } = requireApiPrincipal(request);
    const { deviceId } = parseOrThrow(DeviceParams, request.params, 'params');
    const query = parseOrThrow(SeriesQuery, request.query, 'query');
    const to = query.to ? new Date(query.to) : new Date();
    const from = query.from ? new Date(query.from) : new Date(to.getTime() - DAY_MS);
    if (from.getTime() >= to.getTime()) {
      throw badRequest('validation_failed', 'Invalid request query', [{ path: 'query.from', message: '"from" must be before "to"' }]);
    }
    const limit = query.limit ?? maxPoints;
    return withTenant(db, organizationId, async (tx) => {
      const device = await deviceOfOrganization(tx, organizationId, deviceId);
      const [series] = await queryRows<{ id: number | string; unit: string; point: string | null }>(
        tx,
        sql`SELECT id, unit, point FROM series WHERE device_id = ${device.id}::uuid AND metric = ${query.metric}`,
      );
      if (!series) {
        throw notFound('This device has no such metric', [{ path: 'query.metric', message: `no series "${query.metric}"` }]);
      }
      if (query.bucket || query.agg) {
        const [site] = await queryRows<{ timezone: string }>(tx, sql`SELECT timezone FROM sites WHERE id = ${device.siteId}::uuid`);
        const ref = { id: Number(series.id), metric: query.metric, unit: series.unit, point: series.point };
        return downsampledSeries(tx, ref, site?.timezone ?? 'UTC', query, maxPoints);
      }
      const rows = await queryRows<{ ts: number; value: number }>(
        tx,
        sql`SELECT ${epochMs('ts')} AS ts, value FROM measurements
            WHERE series_id = ${series.id}::bigint AND ts >= ${from.toISOString()}::timestamptz AND ts < ${to.toISOString()}::timestamptz
            ORDER BY ts, seq
            LIMIT ${limit + 1}`,
      );
      const truncated = rows.length > limit;
      const kept = truncated ? rows.slice(0, limit) : rows;
      return {
        metric: query.metric,
        unit: series.unit,
        point: series.point,
        from: from.toISOString(),
        to: to.toISOString(),
        /** Raw points, no downsampling: at most `limit`, the earliest first. */
        limit,
        truncated,
        /** When truncated: ask again with this as `from` for the rest. */
        nextFrom: truncated ? new Date(Number(rows[limit]!.ts)).toISOString() : null,
        points: kept.map((r) => ({ ts: new Date(Number(r.ts)).toISOString(), value: Number(r.value) })),
      };
    });
  });
}
