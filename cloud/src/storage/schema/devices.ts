import { index, pgTable, text, unique, uuid } from 'drizzle-orm/pg-core';
import { idColumn, timestamps, tstz } from './columns.js';
import { gateways } from './gateways.js';
import { sites } from './sites.js';

/**
 * A device on a site, created on first sight by the gateway that reads it.
 * `key` is the installer's name for it on the gateway, unique within the site.
 * The enum-like columns hold the values of @solarhub/shared's enums.
 */
export const devices = pgTable(
  'devices',
  {
    id: idColumn(),
    siteId: uuid('site_id')
      .notNull()
      .references(() => sites.id, { onDelete: 'cascade' }),
    gatewayId: uuid('gateway_id')
      .notNull()
      .references(() => gateways.id, { onDelete: 'cascade' }),
    key: text('key').notNull(),
    type: text('type'),
    protocol: text('protocol'),
    manufacturer: text('manufacturer'),
    model: text('model'),
    serialNumber: text('serial_number'),
    firmwareVersion: text('firmware_version'),
    status: text('status').notNull().default('unknown'),
    lastSeenAt: tstz('last_seen_at'),
    lastError: text('last_error'),
    ...timestamps(),
  },
  (t) => [unique('devices_site_key_key').on(t.siteId, t.key), index('devices_gateway_idx').on(t.gatewayId)],
);

export type DeviceRow = typeof devices.$inferSelect;
