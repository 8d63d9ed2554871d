import { foreignKey, index, jsonb, pgTable, text, unique, uuid } from 'drizzle-orm/pg-core';
import { idColumn, jsonObject, softDelete, timestamps, tstz, versioned } from './columns.js';
import { gateways } from './gateways.js';
import { organizationRef } from './organizations.js';
import { sites } from './sites.js';

/**
 * A device on a site, created on first sight by the gateway that reads it
 * (`organization_id` then comes from the site, by trigger). `key` is the
 * installer's name for it on the gateway, unique within the site. Identity
 * and health (type..last_error) come from the gateway; name, description,
 * connection and metadata are edited by people (versioned).
 * The enum-like columns hold the values of @solarhub/shared's enums.
 */
export const devices = pgTable(
  'devices',
  {
    id: idColumn(),
    organizationId: organizationRef(),
    siteId: uuid('site_id')
      .notNull()
      .references(() => sites.id, { onDelete: 'cascade' }),
    gatewayId: uuid('gateway_id')
      .notNull()
      .references(() => gateways.id, { onDelete: 'cascade' }),
    key: text('key').notNull(),
    /** A person's name for it ("Roof inverter west"); the key when null. */
    name: text('name'),
    description: text('description'),
    type: text('type'),
    protocol: text('protocol'),
    manufacturer: text('manufacturer'),
    model: text('model'),
    serialNumber: text('serial_number'),
    firmwareVersion: text('firmware_version'),
    /** How the gateway reaches it, as documented by the installer (host, port, unit id...). */
    connection: jsonb('connection').$type<Record<string, unknown>>(),
    metadata: jsonObject('metadata'),
    status: text('status').notNull().default('unknown'),
    lastSeenAt: tstz('last_seen_at'),
    lastError: text('last_error'),
    ...versioned(),
    ...softDelete(),
    ...timestamps(),
  },
  (t) => [
    unique('devices_site_key_key').on(t.siteId, t.key),
    index('devices_gateway_idx').on(t.gatewayId),
    index('devices_organization_idx').on(t.organizationId),
    foreignKey({ name: 'devices_site_organization_fk', columns: [t.siteId, t.organizationId], foreignColumns: [sites.id, sites.organizationId] }).onDelete(
      'cascade',
    ),
  ],
);

export type DeviceRow = typeof devices.$inferSelect;
