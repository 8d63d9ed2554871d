import { sql } from 'drizzle-orm';
import { check, integer, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { idColumn, timestamps, versioned } from './columns.js';

/**
 * A tenant: a company running sites for itself or its customers. Everything
 * else (members, sites, gateways, devices, meters, tokens) carries its
 * `organization_id`: the row-level security key, and the distribution
 * column should the data ever be sharded (e.g. Citus).
 */
export const organizations = pgTable(
  'organizations',
  {
    id: idColumn(),
    name: text('name').notNull(),
    /** Days of raw measurements to keep; null keeps them forever (enforced by the retention job). */
    measurementRetentionDays: integer('measurement_retention_days'),
    /** Defaults for new sites. */
    defaultTimezone: text('default_timezone').notNull().default('UTC'),
    defaultCurrency: text('default_currency').notNull().default('USD'),
    ...versioned(),
    ...timestamps(),
  },
  (t) => [check('organizations_retention_check', sql`${t.measurementRetentionDays} IS NULL OR ${t.measurementRetentionDays} > 0`)],
);

export type OrganizationRow = typeof organizations.$inferSelect;

/** The organization_id column of a tenant table. */
export const organizationRef = () =>
  uuid('organization_id')
    .notNull()
    .references(() => organizations.id, { onDelete: 'cascade' });
