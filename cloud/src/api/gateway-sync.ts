import { GapReason } from '@solarhub/shared';
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { access } from '../auth/access.js';
import { notFound } from '../http/errors.js';
import { queryRows } from '../storage/rows.js';
import type { ApiContext } from './context.js';
import { defineRoute } from './define.js';
import { inRequestTenant } from './tenant-tx.js';

const Params = z.object({ gatewayId: z.uuid() });
const Query = z.object({ gaps: z.coerce.number().int().min(0).max(1000).default(100) });
const iso = z.iso.datetime().nullable();

export const GatewaySyncStatusView = z.object({
  gatewayId: z.uuid(),
  lastSeenAt: iso,
  /** Null until the gateway reported a status (gateways from before reports existed). */
  status: z
    .object({
      reportedAt: z.iso.datetime(),
      receivedAt: z.iso.datetime(),
      backlog: z.number().int(),
      oldestUnsyncedAt: iso,
      lastSuccessAt: iso,
      lastError: z.string().nullable(),
      lastErrorAt: iso,
      droppedTotal: z.number().int(),
      clockSynced: z.boolean(),
      clockOffsetMs: z.number().int().nullable(),
      bootId: z.string(),
    })
    .nullable(),
  /** Readings the gateway dropped, newest report first. */
  gaps: z.array(
    z.object({
      fromSeq: z.number().int(),
      toSeq: z.number().int(),
      fromTs: iso,
      toTs: iso,
      count: z.number().int(),
      reason: GapReason,
      reportedAt: z.iso.datetime(),
    }),
  ),
});

const isoOf = (v: unknown) => (v === null || v === undefined ? null : new Date(v as string).toISOString());

/** GET /api/v1/gateways/:gatewayId/sync-status: what the gateway last said about its sync, and the gaps it reported. */
export function gatewaySyncRoutes(ctx: ApiContext): void {
  const { app, registry, db } = ctx;
  defineRoute(app, registry, {
    method: 'GET',
    url: '/api/v1/gateways/:gatewayId/sync-status',
    summary: "A gateway's sync status (backlog, oldest unsynced reading, last success and error, dropped readings, clock) and its gap reports",
    tag: 'gateways',
    access: access.byParam('gateway.read', 'gatewayId', 'gateways'),
    params: Params,
    query: Query,
    response: GatewaySyncStatusView,
    handler: async ({ request, params, query }) =>
      inRequestTenant(db, request, async (tx) => {
        const [gateway] = await queryRows<{ id: string; last_seen_at: unknown }>(
          tx,
          sql`SELECT id, last_seen_at FROM gateways WHERE id = ${params.gatewayId}::uuid AND deleted_at IS NULL`,
        );
        if (!gateway) throw notFound('Gateway not found');
        const [s] = await queryRows<Record<string, unknown>>(tx, sql`SELECT * FROM gateway_sync_status WHERE gateway_id = ${gateway.id}::uuid`);
        const gaps = await queryRows<Record<string, unknown>>(
          tx,
          sql`SELECT * FROM gateway_gaps WHERE gateway_id = ${gateway.id}::uuid ORDER BY reported_at DESC, from_seq DESC LIMIT ${query.gaps}`,
        );
        return {
          gatewayId: gateway.id,
          lastSeenAt: isoOf(gateway.last_seen_at),
          status: s
            ? {
                reportedAt: isoOf(s.reported_at)!,
                receivedAt: isoOf(s.received_at)!,
                backlog: Number(s.backlog),
                oldestUnsyncedAt: isoOf(s.oldest_unsynced_at),
                lastSuccessAt: isoOf(s.last_success_at),
                lastError: (s.last_error as string | null) ?? null,
                lastErrorAt: isoOf(s.last_error_at),
                droppedTotal: Number(s.dropped_total),
                clockSynced: Boolean(s.clock_synced),
                clockOffsetMs: s.clock_offset_ms === null ? null : Number(s.clock_offset_ms),
                bootId: String(s.boot_id),
              }
            : null,
          gaps: gaps.map((g) => ({
            fromSeq: Number(g.from_seq),
            toSeq: Number(g.to_seq),
            fromTs: isoOf(g.from_ts),
            toTs: isoOf(g.to_ts),
            count: Number(g.count),
            reason: GapReason.parse(g.reason),
            reportedAt: isoOf(g.reported_at)!,
          })),
        };
      }),
  });
}
