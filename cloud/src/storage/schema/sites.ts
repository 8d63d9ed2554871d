import { sql } from 'drizzle-orm';
import { check, doublePrecision, pgTable, text, unique, uniqueIndex } from 'drizzle-orm/pg-core';
import { idColumn, jsonObject, oneOf, softDelete, timestamps, versioned } from './columns.js';
import { organizationRef } from './organizations.js';
import { SITE_STATUSES, type SiteStatus } from './vocabulary.js';

/**
 * A place with solar equipment. Capacities are columns (roll-ups and
 * performance ratios use them); the rest of the installation's description
 * (panel count, net metering, installation date...) is `configuration`.
 * Soft-deleted: its devices' history stays. Device keys are unique within a site.
 */
export const sites = pgTable(
  'sites',
  {
    id: idColumn(),
    organizationId: organizationRef(),
    name: text('name').notNull(),
    description: text('description'),
    status: text('status').$type<SiteStatus>().notNull().default('active'),
    /** IANA time zone name, e.g. "Asia/Karachi". */
    timezone: text('timezone').notNull().default('UTC'),
    latitude: doublePrecision('latitude'),
    longitude: doublePrecision('longitude'),
    addressLine1: text('address_line1'),
    addressLine2: text('address_line2'),
    city: text('city'),
    region: text('region'),
    postalCode: text('postal_code'),
    /** ISO 3166-1 alpha-2, e.g. "PK". */
    country: text('country'),
    /** ISO 4217, e.g. "PKR". */
    currency: text('currency').notNull().default('USD'),
    /** The distribution company, e.g. "LESCO", "IESCO", "PG&E". */
    utility: text('utility'),
    /** The tariff or rate plan, e.g. "B-2 commercial", "E-TOU-C". */
    tariff: text('tariff'),
    pvCapacityKwp: doublePrecision('pv_capacity_kwp'),
    inverterCapacityKw: doublePrecision('inverter_capacity_kw'),
    batteryCapacityKwh: doublePrecision('battery_capacity_kwh'),
    configuration: jsonObject('configuration'),
    ...versioned(),
    ...softDelete(),
    ...timestamps(),
  },
  (t) => [
    // Names are unique among live sites only: a deleted site's name can be reused.
    uniqueIndex('sites_organization_name_key').on(t.organizationId, t.name).where(sql`${t.deletedAt} IS NULL`),
    // Target of the (site_id, organization_id) foreign keys that keep children in their site's tenant.
    unique('sites_id_organization_key').on(t.id, t.organizationId),
    check('sites_status_check', oneOf(t.status, SITE_STATUSES)),
    check('sites_latitude_check', sql`${t.latitude} IS NULL OR ${t.latitude} BETWEEN -90 AND 90`),
    check('sites_longitude_check', sql`${t.longitude} IS NULL OR ${t.longitude} BETWEEN -180 AND 180`),
  ],
);

export type SiteRow = typeof sites.$inferSelect;
