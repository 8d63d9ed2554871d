import type { FastifyRequest } from 'fastify';
import { requireTenant } from '../auth/request-context.js';
import type { Db, Tx } from '../storage/database.js';
import { withTenant } from '../storage/tenancy.js';

/**
 * Runs `fn` in a transaction confined (row-level security) to the
 * organization the route's access check resolved for this request.
 */
export function inRequestTenant<T>(db: Db, request: FastifyRequest, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return withTenant(db, requireTenant(request).organizationId, fn);
}
