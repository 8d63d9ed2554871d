import { doublePrecision, pgTable, text, unique, uuid } from 'drizzle-orm/pg-core';
import { idColumn, timestamps } from './columns.js';
import { organizations } from './organizations.js';

/** A place with solar equipment; device keys are unique within a site. */
export const sites = pgTable(
  'sites',
  {
    id: idColumn(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    /** IANA time zone name, e.g. "Europe/Berlin". */
    timezone: text('timezone').notNull().default('UTC'),
    latitude: doublePrecision('latitude'),
    longitude: doublePrecision('longitude'),
    ...timestamps(),
  },
  // The unique index also serves lookups by organization.
  (t) => [unique('sites_organization_name_key').on(t.organizationId, t.name)],
);

export type SiteRow = typeof sites.$inferSelect;
