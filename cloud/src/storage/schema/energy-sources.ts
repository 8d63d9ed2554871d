import { check, doublePrecision, foreignKey, index, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { idColumn, jsonObject, oneOf, softDelete, timestamps, versioned } from './columns.js';
import { meters } from './meters.js';
import { organizationRef } from './organizations.js';
import { sites } from './sites.js';
import { ENERGY_SOURCE_TYPES, type EnergySourceType } from './vocabulary.js';

/** Where a site's energy comes from or goes to (grid, PV array, battery, generator...), measured by a meter. */
export const energySources = pgTable(
  'energy_sources',
  {
    id: idColumn(),
    organizationId: organizationRef(),
    siteId: uuid('site_id').notNull(),
    meterId: uuid('meter_id').references(() => meters.id, { onDelete: 'set null' }),
    name: text('name').notNull(),
    type: text('type').$type<EnergySourceType>().notNull(),
    capacityKw: doublePrecision('capacity_kw'),
    capacityKwh: doublePrecision('capacity_kwh'),
    /** gCO2e per kWh, for carbon accounting. */
    carbonIntensity: doublePrecision('carbon_intensity'),
    metadata: jsonObject('metadata'),
    ...versioned(),
    ...softDelete(),
    ...timestamps(),
  },
  (t) => [
    index('energy_sources_site_idx').on(t.siteId),
    index('energy_sources_organization_idx').on(t.organizationId),
    foreignKey({
      name: 'energy_sources_site_organization_fk',
      columns: [t.siteId, t.organizationId],
      foreignColumns: [sites.id, sites.organizationId],
    }).onDelete('cascade'),
    check('energy_sources_type_check', oneOf(t.type, ENERGY_SOURCE_TYPES)),
  ],
);

export type EnergySourceRow = typeof energySources.$inferSelect;
