import { pgTable, text } from 'drizzle-orm/pg-core';
import { idColumn, timestamps } from './columns.js';

/** A tenant: owns sites and API tokens (later: users and roles). */
export const organizations = pgTable('organizations', {
  id: idColumn(),
  name: text('name').notNull(),
  ...timestamps(),
});

export type OrganizationRow = typeof organizations.$inferSelect;
