import { bigint, doublePrecision, index, pgTable, smallint, uuid } from 'drizzle-orm/pg-core';
import { tstz } from './columns.js';

/**
 * The readings. Deliberately without foreign keys (bulk ingest speed).
 * Partitioned by RANGE on `ts` in weekly partitions plus a default one, and
 * its series index carries `INCLUDE (value)`: both by the custom migration
 * drizzle/0001_partition_measurements.sql, which drizzle's table builder
 * cannot express (see ../../timeseries/). No primary key: a unique index on
 * a partitioned table must contain the partition key, so it could not make
 * (gateway_id, seq) unique anyway. Idempotency comes from `ingest_ranges`,
 * written in the same transaction as the rows under the gateway's lock
 * (ingest/store-batch.ts). The key's upkeep was a third of the insert cost
 * (bench `drain`); `gateway_id` and `seq` stay for audits and replays.
 * `quality` holds a code from ../quality.ts.
 */
export const measurements = pgTable(
  'measurements',
  {
    seriesId: bigint('series_id', { mode: 'number' }).notNull(),
    ts: tstz('ts').notNull(),
    value: doublePrecision('value').notNull(),
    quality: smallint('quality').notNull().default(0),
    gatewayId: uuid('gateway_id').notNull(),
    seq: bigint('seq', { mode: 'number' }).notNull(),
  },
  (t) => [
    index('measurements_series_ts_idx').on(t.seriesId, t.ts),
  ],
);
