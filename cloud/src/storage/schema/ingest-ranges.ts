import { sql } from 'drizzle-orm';
import { bigint, check, pgTable, primaryKey, uuid } from 'drizzle-orm/pg-core';
import { gateways } from './gateways.js';

/**
 * Sequences already acknowledged per gateway, as disjoint, merged, inclusive
 * intervals: the ingest idempotency record.
 */
export const ingestRanges = pgTable(
  'ingest_ranges',
  {
    gatewayId: uuid('gateway_id')
      .notNull()
      .references(() => gateways.id, { onDelete: 'cascade' }),
    firstSeq: bigint('first_seq', { mode: 'number' }).notNull(),
    lastSeq: bigint('last_seq', { mode: 'number' }).notNull(),
  },
  (t) => [
    primaryKey({ name: 'ingest_ranges_pkey', columns: [t.gatewayId, t.firstSeq] }),
    check('ingest_ranges_order_check', sql`${t.firstSeq} <= ${t.lastSeq}`),
  ],
);

export type IngestRangeRow = typeof ingestRanges.$inferSelect;
