import { pgTable, text } from 'drizzle-orm/pg-core';
import { idColumn, timestamps, tstz, versioned } from './columns.js';

/**
 * A person who signs in. Not a tenant row: one user may be a member of
 * several organizations (organization_members). `email` is stored trimmed and
 * lower-cased. `password_hash` is null until the user sets a password (a
 * member added by email gets a one-time setup token).
 */
export const users = pgTable('users', {
  id: idColumn(),
  email: text('email').notNull().unique('users_email_key'),
  name: text('name'),
  /** "scrypt$<log2 N>$<r>$<p>$<salt b64>$<key b64>" (auth/passwords.ts). */
  passwordHash: text('password_hash'),
  passwordChangedAt: tstz('password_changed_at'),
  lastLoginAt: tstz('last_login_at'),
  disabledAt: tstz('disabled_at'),
  ...versioned(),
  ...timestamps(),
});

export type UserRow = typeof users.$inferSelect;
