import { sql } from 'drizzle-orm';
import { bigint, check, doublePrecision, integer, pgTable, primaryKey, smallint } from 'drizzle-orm/pg-core';
import { tstz } from './columns.js';

/**
 * The hourly pre-aggregate of `measurements` (../../timeseries/hourly-*.ts):
 * one row per series and UTC hour that has readings. `increase` is the sum
 * of counter increases between consecutive readings INSIDE the hour (resets
 * count from zero, ../../timeseries/counters.ts); the increase from the
 * previous hour's last reading to this hour's first one is left to the
 * query (first_value against the previous segment's last_value), so a row
 * depends on its own hour's readings only and a late reading re-aggregates
 * one row. Every series gets every column (gauge or counter alike). No
 * foreign key, like `measurements`.
 */
export const measurementsHourly = pgTable(
  'measurements_hourly',
  {
    seriesId: bigint('series_id', { mode: 'number' }).notNull(),
    /** Start of the UTC hour. */
    hour: tstz('hour').notNull(),
    count: integer('count').notNull(),
    sum: doublePrecision('sum').notNull(),
    min: doublePrecision('min').notNull(),
    max: doublePrecision('max').notNull(),
    firstTs: tstz('first_ts').notNull(),
    firstValue: doublePrecision('first_value').notNull(),
    lastTs: tstz('last_ts').notNull(),
    lastValue: doublePrecision('last_value').notNull(),
    increase: doublePrecision('increase').notNull(),
  },
  (t) => [primaryKey({ name: 'measurements_hourly_pkey', columns: [t.seriesId, t.hour] })],
);

/**
 * The roll-up's progress, one row (id 1). Every UTC hour before `watermark`
 * is in `measurements_hourly`, except hours listed in
 * `measurements_hourly_dirty` (late readings, folded in by the next run).
 * `marked_before` (>= watermark) is where the insert trigger of migration
 * 0007 starts marking readings as late: the job raises it, waits for the
 * inserts in flight, and only then aggregates up to it. Null before the
 * first run (nothing is aggregated, nothing is marked).
 */
export const measurementsHourlyState = pgTable(
  'measurements_hourly_state',
  {
    id: smallint('id').primaryKey().default(1),
    watermark: tstz('watermark'),
    markedBefore: tstz('marked_before'),
  },
  (t) => [check('measurements_hourly_state_single_row', sql`${t.id} = 1`)],
);

/**
 * (series, UTC hour) pairs that received readings after the hour was
 * aggregated (a backlog delivered days late), written by a statement-level
 * insert trigger on `measurements` (migration 0007, one DISTINCT over the
 * inserted rows, nothing per row). `marks` counts the statements that marked
 * the pair: a mark updated while the job folds it in makes the job's
 * repeatable-read transaction fail and retry instead of losing it.
 */
export const measurementsHourlyDirty = pgTable(
  'measurements_hourly_dirty',
  {
    seriesId: bigint('series_id', { mode: 'number' }).notNull(),
    hour: tstz('hour').notNull(),
    marks: integer('marks').notNull().default(1),
  },
  (t) => [primaryKey({ name: 'measurements_hourly_dirty_pkey', columns: [t.seriesId, t.hour] })],
);
