import { sql } from 'drizzle-orm';
import { foreignKey, index, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { idColumn, softDelete, timestamps, tstz, versioned } from './columns.js';
import { organizationRef } from './organizations.js';
import { sites } from './sites.js';

/**
 * A gateway box on a site; it authenticates with a `shg_` token stored only
 * as its SHA-256. `organization_id` is filled from the site by a trigger when
 * an insert leaves it out.
 */
export const gateways = pgTable(
  'gateways',
  {
    id: idColumn(),
    organizationId: organizationRef(),
    siteId: uuid('site_id')
      .notNull()
      .references(() => sites.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    description: text('description'),
    /** SHA-256 of the token, hex. */
    tokenHash: text('token_hash').notNull().unique('gateways_token_hash_key'),
    /** The first characters of the token, for display ("shg_AbCdEfGh"). */
    tokenPrefix: text('token_prefix').notNull(),
    tokenRotatedAt: tstz('token_rotated_at'),
    /** Refused at once when set (no cache in front of the token check). */
    revokedAt: tstz('revoked_at'),
    claimedAt: tstz('claimed_at'),
    lastSeenAt: tstz('last_seen_at'),
    ...versioned(),
    ...softDelete(),
    ...timestamps(),
  },
  (t) => [
    uniqueIndex('gateways_site_name_key').on(t.siteId, t.name).where(sql`${t.deletedAt} IS NULL`),
    index('gateways_organization_idx').on(t.organizationId),
    foreignKey({ name: 'gateways_site_organization_fk', columns: [t.siteId, t.organizationId], foreignColumns: [sites.id, sites.organizationId] }).onDelete(
      'cascade',
    ),
  ],
);

export type GatewayRow = typeof gateways.$inferSelect;
