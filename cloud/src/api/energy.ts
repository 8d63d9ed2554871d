import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { requireApiPrincipal } from '../auth/request-context.js';
import { parseOrThrow } from '../http/validate.js';
import type { Db } from '../storage/database.js';
import { withTenant } from '../storage/tenancy.js';
import { RangeQuery, siteEnergyView } from '../timeseries/requests.js';
import { siteOfOrganization } from './lookup.js';

const SiteParams = z.object({ siteId: z.uuid() });

/** GET /api/v1/sites/:siteId/energy?from=&to=&bucket=: the site's roll-up in kWh per bucket (read under withTenant). */
export function energyRoutes(app: FastifyInstance, db: Db, maxBuckets: number): void {
  app.get('/api/v1/sites/:siteId/energy', async (request) => {
    const { organizationId } = requireApiPrincipal(request);
    const { siteId } = parseOrThrow(SiteParams, request.params, 'params');
    const query = parseOrThrow(RangeQuery, request.query, 'query');
    // As the app role in the tenant: row-level security confines the series and readings read.
    return withTenant(db, organizationId, async (tx) => siteEnergyView(tx, await siteOfOrganization(tx, organizationId, siteId), query, maxBuckets));
  });
}
