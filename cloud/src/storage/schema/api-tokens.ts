import { check, index, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { idColumn, oneOf, timestamps, tstz } from './columns.js';
import { organizationMembers } from './members.js';
import { organizationRef } from './organizations.js';
import { MEMBER_ROLES, type MemberRole } from './vocabulary.js';

/**
 * Tokens for integrations (`sha_`, stored as SHA-256), scoped to one
 * organization with a role. A token made by a member dies with the
 * membership and never exceeds the member's current role; a token made by
 * the operator (CLI) has no member.
 */
export const apiTokens = pgTable(
  'api_tokens',
  {
    id: idColumn(),
    organizationId: organizationRef(),
    memberId: uuid('member_id').references(() => organizationMembers.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    role: text('role').$type<MemberRole>().notNull().default('viewer'),
    tokenHash: text('token_hash').notNull().unique('api_tokens_token_hash_key'),
    tokenPrefix: text('token_prefix').notNull(),
    expiresAt: tstz('expires_at'),
    lastUsedAt: tstz('last_used_at'),
    revokedAt: tstz('revoked_at'),
    ...timestamps(),
  },
  (t) => [index('api_tokens_organization_idx').on(t.organizationId), check('api_tokens_role_check', oneOf(t.role, MEMBER_ROLES))],
);

export type ApiTokenRow = typeof apiTokens.$inferSelect;
