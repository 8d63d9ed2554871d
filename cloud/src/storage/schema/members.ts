import { check, index, pgTable, text, unique, uuid } from 'drizzle-orm/pg-core';
import { idColumn, oneOf, timestamps, versioned } from './columns.js';
import { organizationRef } from './organizations.js';
import { users } from './users.js';
import { MEMBER_ROLES, type MemberRole } from './vocabulary.js';

/** A user's membership of an organization, with the role that decides what they may do there. */
export const organizationMembers = pgTable(
  'organization_members',
  {
    id: idColumn(),
    organizationId: organizationRef(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    role: text('role').$type<MemberRole>().notNull(),
    invitedBy: uuid('invited_by').references(() => users.id, { onDelete: 'set null' }),
    ...versioned(),
    ...timestamps(),
  },
  (t) => [
    unique('organization_members_organization_user_key').on(t.organizationId, t.userId),
    index('organization_members_user_idx').on(t.userId),
    check('organization_members_role_check', oneOf(t.role, MEMBER_ROLES)),
  ],
);

export type MemberRow = typeof organizationMembers.$inferSelect;
