import { sql, type SQL } from 'drizzle-orm';
import { integer, jsonb, timestamp, uuid } from 'drizzle-orm/pg-core';

/** Columns every entity table shares: a random uuid key and creation/update times. */
export const idColumn = () => uuid('id').primaryKey().default(sql`gen_random_uuid()`);

export const tstz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/**
 * created_at/updated_at. A trigger (migration 0002) keeps updated_at current on
 * every UPDATE, including raw SQL; `$onUpdate` does it for drizzle updates too.
 */
export const timestamps = () => ({
  createdAt: tstz('created_at').notNull().defaultNow(),
  updatedAt: tstz('updated_at')
    .notNull()
    .defaultNow()
    .$onUpdate(() => new Date()),
});

/**
 * Optimistic locking for records people edit: an edit names the version it
 * read, the update path bumps it (`WHERE version = $read`), and a stale
 * version is a 409. Not a trigger: machine updates (a gateway reporting a
 * device's status) must not make a person's edit stale.
 */
export const versioned = () => ({ version: integer('version').notNull().default(1) });

/** Soft delete where history matters: rows stay (their readings refer to them), the API hides them. */
export const softDelete = () => ({ deletedAt: tstz('deleted_at') });

/** A JSON object column defaulting to {}. */
export const jsonObject = (name: string) =>
  jsonb(name)
    .$type<Record<string, unknown>>()
    .notNull()
    .default(sql`'{}'::jsonb`);

/** CHECK (column IN (...)) for a text column holding one of a fixed vocabulary. */
export function oneOf(column: SQL | { name: string }, values: readonly string[]): SQL {
  const list = sql.raw(values.map((v) => `'${v.replace(/'/g, "''")}'`).join(', '));
  return sql`${column} IN (${list})`;
}
