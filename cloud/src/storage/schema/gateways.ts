import { pgTable, text, unique, uuid } from 'drizzle-orm/pg-core';
import { idColumn, timestamps, tstz } from './columns.js';
import { sites } from './sites.js';

/** A gateway box on a site; it authenticates with a `shg_` token stored only as its SHA-256. */
export const gateways = pgTable(
  'gateways',
  {
    id: idColumn(),
    siteId: uuid('site_id')
      .notNull()
      .references(() => sites.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    /** SHA-256 of the token, hex. */
    tokenHash: text('token_hash').notNull().unique('gateways_token_hash_key'),
    /** The first characters of the token, for display ("shg_AbCdEfGh"). */
    tokenPrefix: text('token_prefix').notNull(),
    revokedAt: tstz('revoked_at'),
    lastSeenAt: tstz('last_seen_at'),
    ...timestamps(),
  },
  // The unique index also serves lookups by site.
  (t) => [unique('gateways_site_name_key').on(t.siteId, t.name)],
);

export type GatewayRow = typeof gateways.$inferSelect;
