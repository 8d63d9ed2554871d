import { sql } from 'drizzle-orm';
import { bigint, index, pgTable, text, unique, uuid } from 'drizzle-orm/pg-core';
import { timestamps } from './columns.js';
import { devices } from './devices.js';
import { organizations } from './organizations.js';

/**
 * One metric of one device; measurements refer to it by a compact integer id.
 * `organization_id` is always its device's: a trigger (migration 0006) sets
 * it on insert, so callers leave it out; it is the key of the row-level
 * security of `series` and, through it, of `measurements`.
 */
export const series = pgTable(
  'series',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    /** Always the device's (the trigger overwrites whatever the insert gave): leave it out. */
    organizationId: uuid('organization_id')
      .notNull()
      .default(sql`solarhub_current_organization()`)
      .references(() => organizations.id, { onDelete: 'cascade' }),
    deviceId: uuid('device_id')
      .notNull()
      .references(() => devices.id, { onDelete: 'cascade' }),
    metric: text('metric').notNull(),
    unit: text('unit').notNull(),
    /** The source point, e.g. "sunspec.103.W". */
    point: text('point'),
    ...timestamps(),
  },
  (t) => [unique('series_device_metric_key').on(t.deviceId, t.metric), index('series_organization_idx').on(t.organizationId)],
);

export type SeriesRow = typeof series.$inferSelect;
