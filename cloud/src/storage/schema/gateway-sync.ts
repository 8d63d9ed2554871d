import { bigint, boolean, check, index, integer, pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import { tstz } from './columns.js';
import { gateways } from './gateways.js';

/**
 * The sync status a gateway last reported with a batch (one row per gateway,
 * replaced by newer reports). Written by the ingest path like measurements
 * (no tenant column: reads go through the gateway, which is tenant-scoped).
 */
export const gatewaySyncStatus = pgTable('gateway_sync_status', {
  gatewayId: uuid('gateway_id')
    .primaryKey()
    .references(() => gateways.id, { onDelete: 'cascade' }),
  /** The gateway's clock when it sent the report, and ours when it arrived. */
  reportedAt: tstz('reported_at').notNull(),
  receivedAt: tstz('received_at').notNull().defaultNow(),
  backlog: bigint('backlog', { mode: 'number' }).notNull(),
  oldestUnsyncedAt: tstz('oldest_unsynced_at'),
  lastSuccessAt: tstz('last_success_at'),
  lastError: text('last_error'),
  lastErrorAt: tstz('last_error_at'),
  droppedTotal: bigint('dropped_total', { mode: 'number' }).notNull(),
  clockSynced: boolean('clock_synced').notNull(),
  clockOffsetMs: integer('clock_offset_ms'),
  bootId: text('boot_id').notNull(),
});

/**
 * Readings a gateway took and gave up (buffer full, too old, disk failure,
 * corrupt buffer), as it reported them: sequence range, time range, count.
 * Reports are idempotent on (gateway, from_seq); a gap that grew is replaced.
 */
export const gatewayGaps = pgTable(
  'gateway_gaps',
  {
    gatewayId: uuid('gateway_id')
      .notNull()
      .references(() => gateways.id, { onDelete: 'cascade' }),
    fromSeq: bigint('from_seq', { mode: 'number' }).notNull(),
    toSeq: bigint('to_seq', { mode: 'number' }).notNull(),
    fromTs: tstz('from_ts'),
    toTs: tstz('to_ts'),
    count: bigint('count', { mode: 'number' }).notNull(),
    reason: text('reason').notNull(),
    reportedAt: tstz('reported_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ name: 'gateway_gaps_pkey', columns: [t.gatewayId, t.fromSeq] }),
    check('gateway_gaps_order_check', sql`${t.fromSeq} <= ${t.toSeq}`),
    index('gateway_gaps_reported_idx').on(t.gatewayId, t.reportedAt),
  ],
);

export type GatewaySyncStatusRow = typeof gatewaySyncStatus.$inferSelect;
export type GatewayGapRow = typeof gatewayGaps.$inferSelect;
