import { bigint, pgTable, text, unique, uuid } from 'drizzle-orm/pg-core';
import { timestamps } from './columns.js';
import { devices } from './devices.js';

/** One metric of one device; measurements refer to it by a compact integer id. */
export const series = pgTable(
  'series',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    deviceId: uuid('device_id')
      .notNull()
      .references(() => devices.id, { onDelete: 'cascade' }),
    metric: text('metric').notNull(),
    unit: text('unit').notNull(),
    /** The source point, e.g. "sunspec.103.W". */
    point: text('point'),
    ...timestamps(),
  },
  (t) => [unique('series_device_metric_key').on(t.deviceId, t.metric)],
);

export type SeriesRow = typeof series.$inferSelect;
