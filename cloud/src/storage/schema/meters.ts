import { sql } from 'drizzle-orm';
import { check, doublePrecision, foreignKey, index, pgTable, text, uniqueIndex, uuid, type AnyPgColumn } from 'drizzle-orm/pg-core';
import { devices } from './devices.js';
import { idColumn, jsonObject, oneOf, softDelete, timestamps, versioned } from './columns.js';
import { organizationRef } from './organizations.js';
import { sites } from './sites.js';
import { METER_CATEGORIES, READING_FREQUENCIES, type MeterCategory, type ReadingFrequency } from './vocabulary.js';

/**
 * A measuring point of a site, in a hierarchy (a main grid meter above sub
 * meters), optionally read through a device. The API keeps parent and child
 * on the same site and refuses cycles.
 */
export const meters = pgTable(
  'meters',
  {
    id: idColumn(),
    organizationId: organizationRef(),
    siteId: uuid('site_id').notNull(),
    parentMeterId: uuid('parent_meter_id').references((): AnyPgColumn => meters.id, { onDelete: 'set null' }),
    deviceId: uuid('device_id').references(() => devices.id, { onDelete: 'set null' }),
    name: text('name').notNull(),
    category: text('category').$type<MeterCategory>().notNull(),
    readingFrequency: text('reading_frequency').$type<ReadingFrequency>().notNull().default('1min'),
    capacityKw: doublePrecision('capacity_kw'),
    description: text('description'),
    metadata: jsonObject('metadata'),
    ...versioned(),
    ...softDelete(),
    ...timestamps(),
  },
  (t) => [
    uniqueIndex('meters_site_name_key').on(t.siteId, t.name).where(sql`${t.deletedAt} IS NULL`),
    index('meters_organization_idx').on(t.organizationId),
    index('meters_parent_idx').on(t.parentMeterId),
    foreignKey({ name: 'meters_site_organization_fk', columns: [t.siteId, t.organizationId], foreignColumns: [sites.id, sites.organizationId] }).onDelete(
      'cascade',
    ),
    check('meters_category_check', oneOf(t.category, METER_CATEGORIES)),
    check('meters_reading_frequency_check', oneOf(t.readingFrequency, READING_FREQUENCIES)),
    check('meters_not_own_parent_check', sql`${t.parentMeterId} IS NULL OR ${t.parentMeterId} <> ${t.id}`),
  ],
);

export type MeterRow = typeof meters.$inferSelect;
