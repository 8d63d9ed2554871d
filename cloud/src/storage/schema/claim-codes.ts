import { foreignKey, index, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { gateways } from './gateways.js';
import { idColumn, tstz } from './columns.js';
import { organizationRef } from './organizations.js';
import { sites } from './sites.js';
import { users } from './users.js';

/**
 * One-time codes an installer types into a gateway to attach it to a site.
 * Stored as SHA-256 of the normalized code; used at most once, expiring.
 */
export const claimCodes = pgTable(
  'claim_codes',
  {
    id: idColumn(),
    organizationId: organizationRef(),
    siteId: uuid('site_id').notNull(),
    codeHash: text('code_hash').notNull().unique('claim_codes_code_hash_key'),
    /** The last characters, for lists ("…7KQ2"). */
    codeHint: text('code_hint').notNull(),
    /** Name given to the gateway that claims it (else one is made up). */
    gatewayName: text('gateway_name'),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    expiresAt: tstz('expires_at').notNull(),
    usedAt: tstz('used_at'),
    gatewayId: uuid('gateway_id').references(() => gateways.id, { onDelete: 'set null' }),
    revokedAt: tstz('revoked_at'),
    createdAt: tstz('created_at').notNull().defaultNow(),
  },
  (t) => [
    index('claim_codes_site_idx').on(t.siteId),
    index('claim_codes_organization_idx').on(t.organizationId),
    foreignKey({ name: 'claim_codes_site_organization_fk', columns: [t.siteId, t.organizationId], foreignColumns: [sites.id, sites.organizationId] }).onDelete(
      'cascade',
    ),
  ],
);

export type ClaimCodeRow = typeof claimCodes.$inferSelect;
