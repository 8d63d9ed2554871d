import { sql } from 'drizzle-orm';
import type { Db, Tx } from './database.js';

/** The non-owner role the application's tenant queries run as (created by migration 0003). */
export const APP_ROLE = 'solarhub_app';

/**
 * Runs `fn` in a transaction as APP_ROLE with the tenant set, so that the
 * row-level security policies confine every statement to the organization:
 * a second line under the routes' own membership checks. Both settings are
 * transaction-local (`set_config(..., true)`): a pooled connection goes back
 * to the pool as the owner with no tenant.
 */
export function withTenant<T>(db: Db, organizationId: string, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`SELECT set_config('role', ${APP_ROLE}, true), set_config('app.organization_id', ${organizationId}, true)`);
    return fn(tx);
  });
}
