import { index, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { idColumn, timestamps, tstz } from './columns.js';
import { organizations } from './organizations.js';

/** Read access for integrations, scoped to one organization; `sha_` tokens stored as SHA-256. */
export const apiTokens = pgTable(
  'api_tokens',
  {
    id: idColumn(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    tokenHash: text('token_hash').notNull().unique('api_tokens_token_hash_key'),
    tokenPrefix: text('token_prefix').notNull(),
    revokedAt: tstz('revoked_at'),
    ...timestamps(),
  },
  (t) => [index('api_tokens_organization_idx').on(t.organizationId)],
);

export type ApiTokenRow = typeof apiTokens.$inferSelect;
